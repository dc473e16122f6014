// The shape of a mailctl command group and the I/O it writes to.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Standard input as text (for --password-stdin). */
  stdin(): Promise<string>;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  usage: string;
  run(args: string[], io: Io): Promise<number>;
}

/** Takes `--name value` out of args; returns the value. */
export function takeOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  args.splice(i, 2);
  return value;
}

/** Takes a boolean `--flag` out of args. */
export function takeFlag(args: string[], name: string): boolean {
  const i = args.indexOf(name);
  if (i < 0) return false;
  args.splice(i, 1);
  return true;
}
