// The daemon command line shared by every daemon.
import { describe, expect, it } from 'vitest';
import { parseDaemonArgs } from './daemon.js';

describe('daemon arguments', () => {
  it.each([
    [[], { file: undefined }],
    [['--config', '/etc/mail/mail.yaml'], { file: '/etc/mail/mail.yaml' }],
    [['--config=examples/dev.yaml'], { file: 'examples/dev.yaml' }],
    [['--config', 'a.yaml', '--config', 'b.yaml'], { file: 'b.yaml' }],
    [['--config'], { error: '--config needs a file name' }],
    [['--config='], { error: '--config needs a file name' }],
    [['--verbose'], { error: "unknown argument '--verbose'" }],
    [['mail.yaml'], { error: "unknown argument 'mail.yaml'" }],
  ])('%j → %j', (argv, expected) => {
    expect(parseDaemonArgs(argv)).toEqual(expected);
  });
});
