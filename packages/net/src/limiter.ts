// Connection limits (Postfix process limit and smtpd_client_connection_count_limit, Dovecot process_limit and
// mail_max_userip_connections): at most N sessions per listener and M per client key, over every listener.
// A caller may exempt a client from the per-client limit, as Postfix's smtpd_client_connection_limit_exceptions.
export type Refusal = 'listener' | 'client';

/** A slot taken by acquire(); release() gives it back (more calls do nothing). */
export interface Slot {
  release: () => void;
}

export class ConnectionLimiter {
  private readonly perListener = new Map<number, number>();
  private readonly perClient = new Map<string, number>();

  constructor(
    private readonly maxPerListener: number,
    private readonly maxPerClient: number,
  ) {}

  /**
   * Takes a slot for a connection from `client` (usually clientKey() of its address) on `listener`; returns it,
   * or why there is none. An `exempt` client is held to the listener's limit only, but still counted.
   */
  acquire(listener: number, client: string, exempt = false): Slot | { refused: Refusal } {
    const l = this.perListener.get(listener) ?? 0;
    if (l >= this.maxPerListener) return { refused: 'listener' };
    const c = this.perClient.get(client) ?? 0;
    if (!exempt && c >= this.maxPerClient) return { refused: 'client' };
    this.perListener.set(listener, l + 1);
    this.perClient.set(client, c + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        decrement(this.perListener, listener);
        decrement(this.perClient, client);
      },
    };
  }

  /** Sessions open on a listener. */
  count(listener: number): number {
    return this.perListener.get(listener) ?? 0;
  }

  /** Sessions open from a client, over every listener. */
  countClient(client: string): number {
    return this.perClient.get(client) ?? 0;
  }
}

function decrement<K>(map: Map<K, number>, key: K): void {
  const n = (map.get(key) ?? 1) - 1;
  if (n <= 0) map.delete(key);
  else map.set(key, n);
}
