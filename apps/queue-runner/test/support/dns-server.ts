// A tiny authoritative DNS server on UDP loopback for tests: answers MX, A, AAAA and TXT from a table (RFC 1035 §4).
import { createSocket } from 'node:dgram';

export interface Zone {
  /** [preference, exchange]; exchange "" is the root (null MX). */
  MX?: Array<[number, string]>;
  A?: string[];
  AAAA?: string[];
  TXT?: string[];
  /** Answer SERVFAIL for every query of this name. */
  servfail?: boolean;
}

const TYPES: Record<number, keyof Zone> = { 15: 'MX', 1: 'A', 28: 'AAAA', 16: 'TXT' };

function encodeName(name: string): Buffer {
  const parts = name.replace(/\.$/, '').split('.').filter((p) => p !== '');
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([Buffer.byteLength(p)]), Buffer.from(p)])), Buffer.from([0])]);
}

function readName(msg: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let o = offset;
  while (msg[o]! !== 0) {
    const len = msg[o]!;
    labels.push(msg.subarray(o + 1, o + 1 + len).toString());
    o += len + 1;
  }
  return { name: labels.join('.').toLowerCase(), next: o + 1 };
}

function rdata(type: keyof Zone, value: unknown): Buffer {
  switch (type) {
    case 'MX': {
      const [pref, exchange] = value as [number, string];
      const b = Buffer.alloc(2);
      b.writeUInt16BE(pref);
      return Buffer.concat([b, encodeName(exchange)]);
    }
    case 'A':
      return Buffer.from((value as string).split('.').map(Number));
    case 'AAAA': {
      const v = value as string;
      const [head = '', tail = ''] = v.split('::');
      const h = head ? head.split(':') : [];
      const t = tail ? tail.split(':') : [];
      const groups = v.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
      const b = Buffer.alloc(16);
      groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
      return b;
    }
    default: {
      const s = Buffer.from(value as string);
      const chunks: Buffer[] = [];
      for (let i = 0; i < s.length || i === 0; i += 255) {
        const part = s.subarray(i, i + 255);
        chunks.push(Buffer.from([part.length]), part);
        if (s.length === 0) break;
      }
      return Buffer.concat(chunks);
    }
  }
}

export interface TestDnsServer {
  /** "127.0.0.1:port", as config.queueRunner.dnsServers takes it. */
  address: string;
  zones: Map<string, Zone>;
  queries: string[];
  close(): Promise<void>;
}

export async function startDnsServer(zones: Record<string, Zone>): Promise<TestDnsServer> {
  const table = new Map(Object.entries(zones).map(([k, v]) => [k.toLowerCase(), v]));
  const queries: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    const id = msg.readUInt16BE(0);
    const { name, next } = readName(msg, 12);
    const qtype = msg.readUInt16BE(next);
    const question = msg.subarray(12, next + 4);
    const type = TYPES[qtype];
    queries.push(`${name} ${type ?? qtype}`);
    const zone = table.get(name);
    let rcode = 0;
    const answers: Buffer[] = [];
    if (!zone) rcode = 3; // NXDOMAIN
    else if (zone.servfail) rcode = 2;
    else if (type) {
      for (const value of (zone[type] as unknown[] | undefined) ?? []) {
        const data = rdata(type, value);
        const head = Buffer.alloc(12);
        head.writeUInt16BE(0xc00c, 0); // pointer to the question name
        head.writeUInt16BE(qtype, 2);
        head.writeUInt16BE(1, 4);
        head.writeUInt32BE(60, 6);
        head.writeUInt16BE(data.length, 10);
        answers.push(head, data);
      }
    }
    const header = Buffer.alloc(12);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(0x8400 | 0x0100 | rcode, 2); // QR, AA, RD echoed, rcode
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length / 2, 6);
    socket.send(Buffer.concat([header, question, ...answers]), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  return {
    address: `127.0.0.1:${port}`,
    zones: table,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

