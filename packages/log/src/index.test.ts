import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './index.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, cb) { chunks.push(String(chunk)); cb(); } });
  return { stream, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('writes JSON lines naming the service', () => {
    const out = capture();
    createLogger('smtpd', { level: 'info' }, out.stream).info({ port: 25 }, 'listening');
    const [line] = out.lines();
    expect(line).toMatchObject({ svc: 'smtpd', port: 25, msg: 'listening', level: 30 });
  });

  it('never logs secrets', () => {
    const out = capture();
    createLogger('auth', {}, out.stream).info({ user: 'a@b', password: 'hunter2', sasl: { password: 'x' } }, 'login');
    const text = JSON.stringify(out.lines());
    expect(text).not.toContain('hunter2');
    expect(text).toContain('[redacted]');
  });
});
