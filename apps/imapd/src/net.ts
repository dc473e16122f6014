// Client addresses and connection counting: IPv4-mapped IPv6 normalised, loopback detection, at most N sessions
// per listener and M per client (an IPv4 address or an IPv6 /64).
import { isIPv4, isIPv6 } from 'node:net';

export function normalizeIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? (m[1] as string) : ip.toLowerCase();
}

export function isLoopback(ip: string): boolean {
  const n = normalizeIp(ip);
  return (isIPv4(n) && n.startsWith('127.')) || n === '::1';
}

function expandIPv6(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0');
  return [...h, ...fill, ...t].map((g) => g.padStart(4, '0'));
}

/** What connections are counted by: the IPv4 address, or the /64 of an IPv6 address. */
export function clientKey(ip: string): string {
  const n = normalizeIp(ip);
  if (!isIPv6(n) || n.includes('.')) return n;
  return `${expandIPv6(n).slice(0, 4).join(':')}::/64`;
}

export class ConnectionLimiter {
  private readonly perListener = new Map<number, number>();
  private readonly perClient = new Map<string, number>();

  constructor(
    private readonly maxPerListener: number,
    private readonly maxPerClient: number,
  ) {}

  acquire(listener: number, client: string): { release: () => void } | { refused: 'listener' | 'client' } {
    const l = this.perListener.get(listener) ?? 0;
    if (l >= this.maxPerListener) return { refused: 'listener' };
    const c = this.perClient.get(client) ?? 0;
    if (c >= this.maxPerClient) return { refused: 'client' };
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

  private decrement<K>(map: Map<K, number>, key: K): void {
    const n = (map.get(key) ?? 1) - 1;
    if (n <= 0) map.delete(key);
    else map.set(key, n);
  }
}
