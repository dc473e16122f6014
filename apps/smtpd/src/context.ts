// What a command handler is given: the session's settings, collaborators, client, connection, state and logger.
import type { Logger } from '@mail/log';
import type { NetworkList } from '@mail/net';
import type { Connection } from './connection.js';
import type { ListenerMode, LoginGate, MessageSink, RecipientPolicy, ReverseResolver, SaslProvider, TlsProvider } from './ports.js';
import type { SessionState } from './state.js';

/** Fixed for the life of a session: from the configuration and the listener. */
export interface SessionSettings {
  hostname: string;
  /** Text after the hostname in the 220 greeting. */
  banner: string;
  mode: ListenerMode;
  /** The listener offers STARTTLS (tls: starttls). */
  starttls: boolean;
  messageSize: number;
  recipients: number;
  authFailures: number;
  maxErrors: number;
  commandTimeout: number;
  greetDelay: number;
  vrfy: 'off' | 'ambiguous' | 'on';
  expn: boolean;
  /** Offer plaintext AUTH mechanisms without TLS (smtpd.allowInsecureAuth, or requireTlsForAuth off). */
  allowInsecureAuth: boolean;
  mynetworks: NetworkList;
}

/** The collaborators a session calls; main.ts passes concrete ones, tests pass fakes. */
export interface SessionDeps {
  sink: MessageSink;
  recipients: RecipientPolicy;
  sasl?: SaslProvider | undefined;
  loginGate?: LoginGate | undefined;
  tls?: TlsProvider | undefined;
  resolver: ReverseResolver;
  newQueueId: () => string;
  now: () => Date;
}

export interface ClientEndpoint {
  ip: string;
  port: number;
  loopback: boolean;
  /** In mynetworks: may relay without AUTH. */
  trusted: boolean;
  /** Forward-confirmed reverse DNS name; looked up once, when the connection opens. */
  rdns: Promise<string | undefined>;
}

export interface SessionContext {
  readonly settings: SessionSettings;
  readonly deps: SessionDeps;
  readonly client: ClientEndpoint;
  readonly conn: Connection;
  readonly state: SessionState;
  readonly log: Logger;
}
