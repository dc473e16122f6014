// Connection limits (Postfix process limit and smtpd_client_connection_count_limit): at most N sessions per
// listener and M per client (an IPv4 address or IPv6 /64). Clients in mynetworks are exempt from the per-client
// limit, as Postfix's smtpd_client_connection_limit_exceptions = $mynetworks.
export type Refusal = 'listener' | 'client';

export class ConnectionLimiter {
  private readonly perListener = new Map<number, number>();
  private readonly perClient = new Map<string, number>();

  constructor(
    private readonly maxPerListener: number,
    private readonly maxPerClient: number,
  ) {}

  /** Takes a slot; returns its release function, or why there is none. */
  acquire(listener: number, client: string, exempt: boolean): { release: () => void } | { refused: Refusal } {
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
        this.decrement(this.perListener, listener);
        this.decrement(this.perClient, client);
      },
    };
  }

  /** Sessions open on a listener. */
  count(listener: number): number {
    return this.perListener.get(listener) ?? 0;
  }

  private decrement<K>(map: Map<K, number>, key: K): void {
    const n = (map.get(key) ?? 1) - 1;
    if (n <= 0) map.delete(key);
    else map.set(key, n);
  }
}
