// Server-side STARTTLS (SMTP RFC 3207, POP3 STLS RFC 2595, IMAP STARTTLS RFC 9051 §6.2.1): wrap a connected
// plaintext socket in TLS and wait for the handshake to finish.
import type { Socket } from 'node:net';
import { TLSSocket, type TLSSocketOptions } from 'node:tls';
import { DEFAULT_HANDSHAKE_TIMEOUT } from './defaults.js';
import { TlsHandshakeError } from './errors.js';

export interface UpgradeOptions {
  /** Milliseconds the client has to complete the handshake (default 30 s). */
  timeout?: number;
}

/**
 * Wraps `socket` in a server-side TLSSocket and resolves once the handshake is done; rejects with a
 * TlsHandshakeError (and destroys the connection) on a handshake error, on close, or after the timeout.
 *
 * The caller first stops reading the plaintext stream and throws away anything it has buffered: bytes a client
 * sent after its STARTTLS command are never commands (RFC 3207 §4.2). Bytes still queued inside `socket` itself
 * are handed to the TLS layer, where they can only make the handshake fail. Timers set with `socket.setTimeout`
 * stay on the plaintext socket; clear them and set them again on the returned one.
 */
export function upgradeSocket(socket: Socket, tlsOptions: TLSSocketOptions, options: UpgradeOptions = {}): Promise<TLSSocket> {
  const timeout = options.timeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  return new Promise<TLSSocket>((resolve, reject) => {
    if (socket.destroyed || !socket.readable || !socket.writable) {
      socket.destroy();
      reject(new TlsHandshakeError('closed', 'the connection was closed before the TLS handshake'));
      return;
    }
    const secure = new TLSSocket(socket, { ...tlsOptions, isServer: true });
    let settled = false;
    const cleanup = (): void => {
      settled = true;
      clearTimeout(timer);
      secure.off('secure', onSecure);
      secure.off('error', onError);
      secure.off('close', onClose);
    };
    const fail = (err: TlsHandshakeError): void => {
      if (settled) return;
      cleanup();
      // A late error from the torn-down socket must not become an uncaught exception.
      secure.on('error', () => undefined);
      secure.destroy();
      socket.destroy();
      reject(err);
    };
    const onSecure = (): void => {
      if (settled) return;
      cleanup();
      resolve(secure);
    };
    const onError = (err: Error): void => fail(new TlsHandshakeError('failed', `TLS handshake failed: ${err.message.split('\n')[0]}`, { cause: err }));
    const onClose = (): void => fail(new TlsHandshakeError('closed', 'the connection was closed during the TLS handshake'));
    const timer = setTimeout(() => fail(new TlsHandshakeError('timeout', `TLS handshake not completed within ${timeout} ms`)), timeout);
    timer.unref();
    secure.once('secure', onSecure);
    secure.once('error', onError);
    secure.once('close', onClose);
  });
}
