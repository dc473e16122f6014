import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver, lookupMx, resolveAddresses } from '../src/routing/mx.js';
import { startDnsServer, type TestDnsServer } from './support/dns-server.js';

describe('lookups through a DNS server (config.dnsServers with a port)', () => {
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({
      'mx.test': { MX: [[20, 'b.mx.test'], [10, 'a.mx.test']] },
      'a.mx.test': { A: ['127.0.0.1'], AAAA: ['::1'] },
      'null.test': { MX: [[0, '']] },
      'bare.test': { A: ['127.0.0.2'] },
      'broken.test': { servfail: true },
      'xn--bcher-kva.test': { MX: [[5, 'a.mx.test']] },
    });
  });
  afterAll(async () => dns.close());

  it('answers MX in preference order, null MX, the A fallback, SERVFAIL and NXDOMAIN', async () => {
    const r = createResolver([dns.address], 2_000);
    expect(await lookupMx(r, 'mx.test')).toEqual({ kind: 'hosts', hosts: [{ name: 'a.mx.test', preference: 10 }, { name: 'b.mx.test', preference: 20 }] });
    expect(await lookupMx(r, 'null.test')).toEqual({ kind: 'null-mx' });
    expect(await lookupMx(r, 'bare.test')).toEqual({ kind: 'hosts', hosts: [{ name: 'bare.test', preference: 0 }] });
    expect(await lookupMx(r, 'nowhere.test')).toEqual({ kind: 'no-domain' });
    await expect(lookupMx(r, 'broken.test')).rejects.toThrow(/ESERVFAIL|SERVFAIL/);
    expect(await resolveAddresses(r, 'a.mx.test')).toEqual(['::1', '127.0.0.1']);
    expect(await lookupMx(r, 'xn--bcher-kva.test')).toMatchObject({ kind: 'hosts' });
  });
});
