import { describe, expect, it } from 'vitest';
import { protocolName, receivedHeader, rfc5322Date } from './received.js';

describe('protocolName (RFC 3848, RFC 6531)', () => {
  it.each([
    [{ esmtp: false, tls: false, authenticated: false, utf8: false }, 'SMTP'],
    [{ esmtp: true, tls: false, authenticated: false, utf8: false }, 'ESMTP'],
    [{ esmtp: true, tls: true, authenticated: false, utf8: false }, 'ESMTPS'],
    [{ esmtp: true, tls: false, authenticated: true, utf8: false }, 'ESMTPA'],
    [{ esmtp: true, tls: true, authenticated: true, utf8: false }, 'ESMTPSA'],
    [{ esmtp: true, tls: false, authenticated: false, utf8: true }, 'UTF8SMTP'],
    [{ esmtp: true, tls: true, authenticated: true, utf8: true }, 'UTF8SMTPSA'],
  ])('%o → %s', (flags, name) => {
    expect(protocolName(flags)).toBe(name);
  });
});

describe('rfc5322Date', () => {
  it('has the RFC 5322 shape', () => {
    expect(rfc5322Date(new Date(2025, 6, 1, 14, 3, 9))).toMatch(/^Tue, 1 Jul 2025 14:03:09 [+-]\d{4}$/);
  });
});

describe('receivedHeader', () => {
  const date = new Date(2025, 0, 2, 3, 4, 5);
  const d = rfc5322Date(date);
  it('names one recipient', () => {
    expect(receivedHeader({ helo: 'client.test', ip: '192.0.2.1', rdns: 'c.example', hostname: 'mx.test', protocol: 'ESMTP', id: 'ABC', recipient: 'u@mx.test', date })).toBe(
      `Received: from client.test (c.example [192.0.2.1])\r\n\tby mx.test with ESMTP id ABC\r\n\tfor <u@mx.test>; ${d}\r\n`,
    );
  });
  it('names none of several recipients, adds TLS, marks unknown rDNS and IPv6', () => {
    expect(receivedHeader({ helo: 'c', ip: '2001:db8::1', hostname: 'mx.test', protocol: 'ESMTPS', id: 'X', tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' }, date })).toBe(
      `Received: from c (unknown [IPv6:2001:db8::1])\r\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384)\r\n\tby mx.test with ESMTPS id X; ${d}\r\n`,
    );
  });
  it('keeps the HELO name from breaking the comment or the header', () => {
    const h = receivedHeader({ helo: 'bücher.example', ip: '192.0.2.1', hostname: 'mx.test', protocol: 'ESMTP', id: 'X', date });
    expect(h.startsWith('Received: from xn--bcher-kva.example (unknown [192.0.2.1])')).toBe(true);
    const h2 = receivedHeader({ helo: 'a(b)\\c', ip: '192.0.2.1', hostname: 'mx.test', protocol: 'ESMTP', id: 'X', date });
    expect(h2.startsWith('Received: from a?b??c (')).toBe(true);
  });
});
