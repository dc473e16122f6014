// Test support for the protocol layer: run wire text through the framer and parser.
import { Framer } from './framer.js';
import type { CommandUnit, FramerEvent, FramerLimits, LiteralAnnouncement } from './framer.js';
import { parseCommand } from './parser/command.js';
import type { Command, ParseOptions } from './parser/types.js';

export type Decision = 'buffer' | 'stream' | 'reject';

/** Pulls every event the framer can produce now, deciding each announced literal with `decide`. */
export function drain(framer: Framer, decide: (literal: LiteralAnnouncement) => Decision = () => 'buffer'): FramerEvent[] {
  const events: FramerEvent[] = [];
  for (let event = framer.next(); event; event = framer.next()) {
    events.push(event);
    if (event.type === 'literal') {
      const decision = decide(event.literal);
      if (decision === 'reject') framer.reject();
      else framer.accept(decision);
    }
  }
  return events;
}

/** Frames `wire` (chunked as given) and returns its events. */
export function frameEvents(
  wire: string | Buffer | readonly (string | Buffer)[],
  limits: Partial<FramerLimits> = {},
  decide?: (literal: LiteralAnnouncement) => Decision,
): FramerEvent[] {
  const framer = new Framer(limits);
  const chunks = Array.isArray(wire) ? wire : [wire];
  const events: FramerEvent[] = [];
  for (const chunk of chunks as (string | Buffer)[]) {
    framer.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    events.push(...drain(framer, decide));
  }
  return events;
}

/** The one command unit of `line` (the final CRLF is added); literals are buffered. */
export function unitOf(line: string | Buffer): CommandUnit {
  const wire = Buffer.concat([typeof line === 'string' ? Buffer.from(line, 'utf8') : line, Buffer.from('\r\n')]);
  const events = frameEvents(wire, { maxLineLength: 1 << 20, maxCommandSize: 1 << 22 });
  const commands = events.filter((e) => e.type === 'command');
  if (commands.length !== 1 || commands[0]?.type !== 'command') throw new Error(`expected one command from ${JSON.stringify(line)}`);
  return commands[0].unit;
}

export function parseLine(line: string | Buffer, options: ParseOptions = { utf8: false }): Command {
  return parseCommand(unitOf(line), options);
}
