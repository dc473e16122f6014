// The protocol layer as a session drives it: bytes → framer → parser → typed command → composed reply,
// including a streamed APPEND, IDLE and AUTHENTICATE continuations, and error replies.
import { describe, expect, it } from 'vitest';
import { ImapParseError, isIdleDone, parseSaslResponse } from './index.js';
import { Framer, compose, composeBuffer, parseCommand } from './index.js';
import type { Command, FramerEvent, Response } from './index.js';

/** A toy session loop: what the real one does minus storage and sockets. */
function runSession(wire: string[]): { commands: Command[]; replies: string[]; stored: Map<number, Buffer[]> } {
  const framer = new Framer({ maxLineLength: 1000, maxNonSyncLiteral: 4096 });
  const commands: Command[] = [];
  const replies: string[] = [];
  const stored = new Map<number, Buffer[]>();
  const reply = (r: Response): void => {
    replies.push(composeBuffer(r, { utf8: false }).toString('latin1'));
  };
  let waitingFor: 'idle' | 'sasl' | null = null;
  for (const chunk of wire) {
    framer.push(Buffer.from(chunk, 'latin1'));
    for (let event: FramerEvent | undefined = framer.next(); event; event = framer.next()) {
      switch (event.type) {
        case 'literal': {
          const { literal } = event;
          if (literal.command === 'APPEND') {
            if (literal.sync) reply({ type: 'continue', text: 'Ready for literal data' });
            framer.accept('stream');
          } else if (literal.bufferable) {
            if (literal.sync) reply({ type: 'continue' });
            framer.accept('buffer');
          } else {
            reply({ type: 'tagged', tag: literal.tag ?? '*', status: 'NO', code: { code: 'TOOBIG' }, text: 'Literal too big' });
            framer.reject();
          }
          break;
        }
        case 'literal-data':
          stored.set(event.index, [...(stored.get(event.index) ?? []), event.data]);
          break;
        case 'literal-end':
          break;
        case 'line':
          if (waitingFor === 'idle' && isIdleDone(event.line)) reply({ type: 'tagged', tag: 'i1', status: 'OK', text: 'IDLE terminated' });
          if (waitingFor === 'sasl') {
            const response = parseSaslResponse(event.line);
            reply({ type: 'tagged', tag: 's1', status: response.cancel ? 'BAD' : 'OK', text: response.cancel ? 'Cancelled' : 'Logged in' });
          }
          waitingFor = null;
          break;
        case 'error':
          reply({ type: event.error.tag ? 'tagged' : 'untagged', tag: event.error.tag ?? '', status: 'BAD', code: { code: 'TOOBIG' }, text: event.error.message } as Response);
          break;
        case 'command':
          try {
            const command = parseCommand(event.unit, { utf8: false, delimiter: '/' });
            commands.push(command);
            if (command.name === 'IDLE') {
              reply({ type: 'continue', text: 'idling' });
              framer.expectLine();
              waitingFor = 'idle';
            } else if (command.name === 'AUTHENTICATE' && command.initialResponse === null) {
              reply({ type: 'continue', data: Buffer.alloc(0) });
              framer.expectLine();
              waitingFor = 'sasl';
            } else {
              reply({ type: 'tagged', tag: command.tag, status: 'OK', text: `${command.name} completed` });
            }
          } catch (err) {
            if (!(err instanceof ImapParseError)) throw err;
            reply(err.tag ? { type: 'tagged', tag: err.tag, status: err.status, text: err.message } : { type: 'untagged', status: 'BAD', text: err.message });
          }
      }
    }
  }
  return { commands, replies, stored };
}

describe('protocol pipeline', () => {
  it('runs a client conversation', () => {
    const message = `Subject: big\r\n\r\n${'x'.repeat(20_000)}\r\n`;
    const { commands, replies, stored } = runSession([
      's1 AUTHENTICATE PLAIN\r\n',
      'AHVzZXIAcGFzcw==\r\n',
      'a2 SELECT inbox/Sub (CONDSTORE)\r\n',
      `a3 APPEND INBOX (\\Seen) {${message.length}}\r\n`,
      message.slice(0, 7000),
      message.slice(7000),
      ' {3+}\r\nabc\r\n',
      'i1 IDLE\r\n',
      'done\r\n',
      'a4 UID FETCH 1:* (FLAGS)\r\na5 BOGUS\r\n+ nonsense\r\n',
    ]);
    expect(commands.map((c) => c.name)).toEqual(['AUTHENTICATE', 'SELECT', 'APPEND', 'IDLE', 'FETCH']);
    expect(commands[1]).toMatchObject({ mailbox: 'INBOX/Sub', condstore: true });
    const append = commands[2];
    expect(append?.name === 'APPEND' && append.messages.map((m) => m.content)).toEqual([
      { kind: 'stream', index: 0, size: message.length },
      { kind: 'stream', index: 1, size: 3 },
    ]);
    expect(Buffer.concat(stored.get(0) ?? []).toString()).toBe(message);
    expect(Buffer.concat(stored.get(1) ?? []).toString()).toBe('abc');
    expect(replies).toEqual([
      '+ \r\n',
      's1 OK Logged in\r\n',
      'a2 OK SELECT completed\r\n',
      '+ Ready for literal data\r\n',
      'a3 OK APPEND completed\r\n',
      '+ idling\r\n',
      'i1 OK IDLE terminated\r\n',
      'a4 OK FETCH completed\r\n',
      'a5 BAD Unknown command\r\n',
      '* BAD Invalid tag\r\n',
    ]);
  });

  it('answers limits with TOOBIG and stays in step', () => {
    const { replies } = runSession([`a1 LOGIN ${'x'.repeat(2000)}\r\n`, 'a2 APPEND INBOX {5000+}\r\n', 'y'.repeat(5000), '\r\na3 NOOP\r\n']);
    expect(replies).toEqual(['a1 BAD [TOOBIG] Command line too long\r\n', 'a2 BAD [TOOBIG] Literal too big\r\n', 'a3 OK NOOP completed\r\n']);
  });

  it('writes a FETCH reply with a streamed body as separate parts', () => {
    const parts = compose(
      { type: 'FETCH', seq: 1, items: [{ item: 'BODY[]', section: { part: [], text: null, fields: [] }, content: { stream: process.stdin, size: 3 } }] },
      { utf8: true },
    );
    expect(parts.map((p) => (Buffer.isBuffer(p) ? p.toString() : `<stream ${p.size}>`))).toEqual(['* 1 FETCH (BODY[] {3}\r\n', '<stream 3>', ')\r\n']);
  });
});
