/**
 * The one way a remote command line is made. Every Slipway command is an argv array; this
 * turns it into a POSIX shell string in which each argument is exactly one word, whatever it
 * contains. Nothing else in Slipway builds shell strings.
 */

/** A command as data: the program and its arguments, never a shell string. */
export type Command = readonly string[];

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one argument for a POSIX shell. */
export function quoteArg(arg: string): string {
  if (arg.includes('\0')) {
    // A NUL byte cannot be passed through argv at all: refuse rather than truncate silently.
    throw new Error('A command argument must not contain a NUL character');
  }
  if (arg !== '' && SAFE.test(arg)) {
    return arg;
  }
  // Inside single quotes nothing is special but the quote itself: close, escape it, reopen.
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Quotes an argv array into one shell command line. */
export function toShell(command: Command): string {
  if (command.length === 0) {
    throw new Error('A command needs at least a program name');
  }
  return command.map(quoteArg).join(' ');
}

/** Joins commands so that each runs only if the one before succeeded. */
export function andThen(...commands: Command[]): string {
  return commands.map(toShell).join(' && ');
}

/**
 * Several commands in one remote session (`sh -c 'a && b && c'`): every session costs a
 * login shell on the host (often 100-400 ms), so steps that always go together share one.
 * Each command is quoted by `toShell`, and the joined line is quoted again as one argument.
 */
export function inOneSession(...commands: Command[]): Command {
  return ['sh', '-c', andThen(...commands)];
}
