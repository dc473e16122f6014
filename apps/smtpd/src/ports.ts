// The collaborators the SMTP sessions talk to, as narrow interfaces: where accepted mail goes, which recipients
// are local and exist, SASL mechanisms, login throttling, TLS and reverse DNS. main.ts is given concrete ones.
import type { Socket } from 'node:net';
import type { TLSSocket, TlsOptions } from 'node:tls';
import type { BodyType, Notify } from './protocol/params.js';

export type ListenerMode = 'mx' | 'submission' | 'submissions';

export interface TlsInfo {
  /** e.g. TLSv1.3 */
  protocol: string;
  /** OpenSSL cipher name */
  cipher: string;
}

export interface EnvelopeRecipient {
  /** The address as received, source route removed (RFC 5321 §4.1.1.3), local part quoted only when needed. */
  address: string;
  /** In a local domain (for the mda) rather than relayed (for the queue-runner). */
  local: boolean;
  notify?: Notify;
  orcpt?: { type: string; address: string };
}

/** Everything known about a message besides its content. */
export interface Envelope {
  /** Queue id chosen by smtpd; it appears in the Received: header and the 250 reply. The sink should keep it. */
  id: string;
  /** The reverse-path; '' for the null sender `<>`. */
  mailFrom: string;
  recipients: EnvelopeRecipient[];
  body: BodyType;
  smtputf8: boolean;
  /** DSN (RFC 3461): what to return, and the envelope id. */
  ret?: 'FULL' | 'HDRS';
  envid?: string;
  /** Size the client declared with SIZE=, if any. */
  declaredSize?: number;
  /** RFC 4954 §5 AUTH= to pass on when relaying: the authenticated account, or null (`<>`). */
  auth: string | null;
  client: {
    ip: string;
    port: number;
    /** Forward-confirmed reverse DNS name, when there is one. */
    rdns?: string;
    helo: string;
    tls?: TlsInfo;
    /** The account the client authenticated as. */
    account?: string;
  };
  listener: ListenerMode;
  /** The WITH protocol of the Received: header (RFC 3848, RFC 6531): ESMTP, ESMTPSA, UTF8SMTPS, ... */
  protocol: string;
  receivedAt: Date;
}

/** Where accepted mail goes: by default the spool and queues of @mail/queue (queue/sink.ts). */
export interface MessageSink {
  /**
   * Stores the message and enqueues its delivery in one atomic step, resolving only once both are durable. It must
   * read `message` to the end; when reading throws (the client sent something invalid, or went away) it must not
   * queue anything, and when it rejects nothing may stay half-queued: the client is told 451 and will retry.
   */
  accept(envelope: Envelope, message: AsyncIterable<Buffer>): Promise<{ queueId: string }>;
}

/** What a recipient in a local domain resolves to, after aliases and catch-alls. */
export type RecipientStatus = 'local' | 'unknown';

/** Who is local, who exists, who may send as whom (later: @mail/auth's Directory). */
export interface RecipientPolicy {
  /** Whether mail for `domain` (lowercase A-label form) is delivered here. */
  isLocalDomain(domain: string): Promise<boolean>;
  /** Whether an address in a local domain can take mail. Throwing answers 451 4.3.0 (try again later). */
  resolve(address: string): Promise<RecipientStatus>;
  /** Whether an authenticated `account` may use `address` as the envelope sender (its own address or alias). */
  ownsSender(account: string, address: string): Promise<boolean>;
  /** EXPN: the targets of an alias, or undefined when it is none. Absent: EXPN is not available. */
  expand?(address: string): Promise<string[] | undefined>;
}

/** One step of a SASL exchange (the shape of @mail/auth's SaslStep). */
export type SaslStep =
  | { kind: 'challenge'; data: Buffer }
  | { kind: 'success'; authcid: string; authzid: string; data?: Buffer }
  | { kind: 'failure'; reason: string; temporary?: boolean; detail?: string };

/** A server-side SASL exchange (the shape of @mail/auth's SaslMechanism). */
export interface SaslMechanism {
  readonly name: string;
  start(initialResponse?: Buffer): Promise<SaslStep>;
  step(response: Buffer): Promise<SaslStep>;
}

export interface SaslClient {
  ip: string;
  tls: boolean;
  loopback: boolean;
  /** Plaintext mechanisms may be offered without TLS (configuration). */
  allowInsecure: boolean;
}

/** The SASL mechanisms a connection may use. */
export interface SaslProvider {
  /** Names to advertise for this client, strongest first; empty when AUTH must not be offered. */
  mechanisms(client: SaslClient): readonly string[];
  /** A new exchange, or undefined for a name this provider does not know. */
  create(name: string, client: SaslClient): SaslMechanism | undefined;
}

/** Failed-login throttling around each AUTH exchange: by default @mail/auth's LoginThrottle (queue/gate.ts). */
export interface LoginGate {
  /** Before an exchange: refuse a client that is locked out. */
  check(ip: string): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }>;
  /** After an exchange: count a failure (resolving after any delay it earns) or forget failures on success. */
  record(ip: string, outcome: { ok: boolean; mechanism: string; authcid?: string }): Promise<void>;
}

/** TLS for STARTTLS and implicit-TLS listeners (the shape of @mail/tls's TlsProvider). */
export interface TlsProvider {
  serverOptions(): TlsOptions;
  /** Wraps a plaintext socket whose reader has been detached; resolves after the handshake. */
  upgrade(socket: Socket, options?: { timeout?: number }): Promise<TLSSocket>;
}

/** Reverse DNS for the Received: header and logs. */
export interface ReverseResolver {
  /** The forward-confirmed name of `ip`, or undefined ("unknown"). Must not throw. */
  lookup(ip: string): Promise<string | undefined>;
}
