// A scripted SMTP server on loopback for tests: EHLO extensions, STARTTLS, AUTH PLAIN/LOGIN, per-command replies
// chosen by the test, and a record of every transaction it accepted.
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket, createSecureContext } from 'node:tls';

export interface Received {
  from: string;
  mailParams: string;
  to: string[];
  rcptParams: string[];
  data: Buffer;
  messageId?: string;
  tls: boolean;
  authUser?: string;
  /** The client's address as the server saw it. */
  remoteAddress?: string;
}

export interface ServerScript {
  /** EHLO keywords after the greeting line (STARTTLS and AUTH are added from tls/auth). */
  extensions?: string[];
  /** Refuse EHLO with 502 (forces HELO). */
  noEhlo?: boolean;
  tls?: { key: string; cert: string };
  /** Commands other than EHLO/STARTTLS/QUIT get 530 before STARTTLS. */
  requireTls?: boolean;
  auth?: { user: string; password: string };
  /** Mechanisms advertised (default "PLAIN LOGIN"). */
  authMechanisms?: string;
  /** Sees every line first; "drop" closes the connection without a reply. */
  onLine?: (line: string) => 'drop' | undefined;
  greeting?: string;
  /** Reply to MAIL; the text "drop" closes the connection without a reply instead. */
  mail?: (from: string, params: string) => string | undefined;
  rcpt?: (to: string, params: string) => string | undefined;
  /** Reply to the final dot; default 250. */
  data?: (message: Received) => string | undefined;
  /** Wait before answering the final dot. */
  dataDelayMs?: number;
}

export interface TestSmtpServer {
  port: number;
  received: Received[];
  /** Every command line, in order, across connections. */
  commands: string[];
  connections: number;
  close(): Promise<void>;
}

export async function startSmtpServer(script: ServerScript): Promise<TestSmtpServer> {
  const sockets = new Set<Socket>();
  const state: TestSmtpServer = { port: 0, received: [], commands: [], connections: 0, close: async () => undefined };
  const server: Server = createServer((raw) => {
    state.connections++;
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => undefined);
    let socket: Socket = raw;
    let buffer = Buffer.alloc(0);
    let tls = false;
    let authUser: string | undefined;
    let pendingAuth: 'plain' | 'login-user' | 'login-pass' | undefined;
    let loginUser = '';
    let tx: Omit<Received, 'data' | 'tls'> | undefined;
    let data: Buffer[] | undefined;
    const send = (line: string): void => {
      if (!socket.destroyed) socket.write(`${line}\r\n`);
    };
    const ehloLines = (): string[] => {
      const ext = [...(script.extensions ?? [])];
      if (script.tls && !tls) ext.push('STARTTLS');
      if (script.auth && tls) ext.push(`AUTH ${script.authMechanisms ?? 'PLAIN LOGIN'}`);
      return ext;
    };
    const finishData = async (body: Buffer): Promise<void> => {
      const message: Received = { ...tx!, data: body, tls, ...(authUser ? { authUser } : {}), ...(raw.remoteAddress ? { remoteAddress: raw.remoteAddress } : {}) };
      const id = /^Message-ID:\s*(\S+)/im.exec(body.toString('utf8'));
      if (id) message.messageId = id[1]!;
      if (script.dataDelayMs) await new Promise((r) => setTimeout(r, script.dataDelayMs));
      const reply = script.data?.(message) ?? '250 2.0.0 queued';
      // A message counts as accepted only once its 250 is written to a live connection.
      if (reply.startsWith('2') && !socket.destroyed) state.received.push(message);
      send(reply);
      tx = undefined;
    };
    const checkPassword = (user: string, password: string): void => {
      if (script.auth && user === script.auth.user && password === script.auth.password) {
        authUser = user;
        send('235 2.7.0 Authentication successful');
      } else {
        send('535 5.7.8 Authentication credentials invalid');
      }
    };
    const command = (line: string): void => {
      state.commands.push(line);
      if (script.onLine?.(line) === 'drop') {
        socket.destroy();
        return;
      }
      if (pendingAuth) {
        const text = Buffer.from(line, 'base64').toString('utf8');
        if (pendingAuth === 'plain') {
          const [, user = '', password = ''] = text.split('\0');
          pendingAuth = undefined;
          checkPassword(user, password);
        } else if (pendingAuth === 'login-user') {
          loginUser = text;
          pendingAuth = 'login-pass';
          send(`334 ${Buffer.from('Password:').toString('base64')}`);
        } else {
          pendingAuth = undefined;
          checkPassword(loginUser, text);
        }
        return;
      }
      const verb = line.split(' ')[0]!.toUpperCase();
      const arg = line.slice(verb.length).trim();
      if (script.requireTls && !tls && !['EHLO', 'HELO', 'STARTTLS', 'QUIT', 'NOOP'].includes(verb)) return send('530 5.7.0 Must issue a STARTTLS command first');
      switch (verb) {
        case 'EHLO': {
          if (script.noEhlo) return send('502 5.5.2 Error: command not recognized');
          const ext = ehloLines();
          if (ext.length === 0) return send('250 test.server');
          send('250-test.server');
          ext.forEach((e, i) => send(`250${i === ext.length - 1 ? ' ' : '-'}${e}`));
          return;
        }
        case 'HELO':
          return send('250 test.server');
        case 'STARTTLS': {
          if (!script.tls || tls) return send('502 5.5.1 not available');
          send('220 2.0.0 Ready to start TLS');
          socket.removeListener('data', onData);
          const secure = new TLSSocket(socket, { isServer: true, secureContext: createSecureContext(script.tls) });
          secure.on('error', () => undefined);
          secure.on('data', onData);
          socket = secure;
          tls = true;
          buffer = Buffer.alloc(0);
          tx = undefined;
          return;
        }
        case 'AUTH': {
          const [mech, initial] = arg.split(' ');
          if (!script.auth || !tls) return send('503 5.5.1 AUTH not available');
          if (mech?.toUpperCase() === 'PLAIN') {
            if (initial) {
              const [, user = '', password = ''] = Buffer.from(initial, 'base64').toString('utf8').split('\0');
              return checkPassword(user, password);
            }
            pendingAuth = 'plain';
            return send('334 ');
          }
          if (mech?.toUpperCase() === 'LOGIN') {
            pendingAuth = 'login-user';
            return send(`334 ${Buffer.from('Username:').toString('base64')}`);
          }
          return send('504 5.5.4 unrecognized mechanism');
        }
        case 'MAIL': {
          if (script.auth && !authUser) return send('530 5.7.0 Authentication required');
          const m = /^FROM:<([^>]*)>(.*)$/i.exec(arg);
          if (!m) return send('501 5.5.4 syntax');
          const reply = script.mail?.(m[1]!, m[2]!.trim());
          if (reply === 'drop') {
            socket.destroy();
            return;
          }
          if (reply && !reply.startsWith('2')) return send(reply);
          tx = { from: m[1]!, mailParams: m[2]!.trim(), to: [], rcptParams: [] };
          return send(reply ?? '250 2.1.0 Ok');
        }
        case 'RCPT': {
          if (!tx) return send('503 5.5.1 need MAIL');
          const m = /^TO:<([^>]*)>(.*)$/i.exec(arg);
          if (!m) return send('501 5.5.4 syntax');
          const reply = script.rcpt?.(m[1]!, m[2]!.trim()) ?? '250 2.1.5 Ok';
          if (reply.startsWith('2')) {
            tx.to.push(m[1]!);
            tx.rcptParams.push(m[2]!.trim());
          }
          return send(reply);
        }
        case 'DATA':
          if (!tx || tx.to.length === 0) return send('554 5.5.1 no valid recipients');
          data = [];
          return send('354 End data with <CR><LF>.<CR><LF>');
        case 'RSET':
          tx = undefined;
          return send('250 2.0.0 Ok');
        case 'NOOP':
          return send('250 2.0.0 Ok');
        case 'QUIT':
          send('221 2.0.0 Bye');
          socket.end();
          return;
        default:
          return send('502 5.5.2 Error: command not recognized');
      }
    };
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      let nl: number;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.subarray(0, nl);
        buffer = buffer.subarray(nl + 2);
        if (data) {
          if (line.length === 1 && line[0] === 0x2e) {
            const body = Buffer.concat(data);
            data = undefined;
            void finishData(body);
          } else {
            data.push(line[0] === 0x2e ? line.subarray(1) : line, Buffer.from('\r\n'));
          }
          continue;
        }
        command(line.toString('utf8'));
      }
    };
    socket.on('data', onData);
    send(script.greeting ?? '220 test.server ESMTP');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as { port: number }).port;
  state.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return state;
}
