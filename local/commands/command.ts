/** The shape of a `face-groups` sub-command and the option parsing they share. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.ts';

/** The owner of the photos of commands not told otherwise. */
export const DEFAULT_OWNER = 'demo';

export interface CommandOutput {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The full `--help` text. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[], output: CommandOutput): Promise<number>;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's arguments, turning parseArgs' errors into usage errors. */
export function parseCommandArgs<const T extends Options>(
  args: string[],
  options: T,
  positionals = 0,
) {
  const withHelp = { ...options, help: { type: 'boolean', short: 'h' } } as const;
  try {
    const parsed = parseArgs({
      args,
      options: withHelp,
      allowPositionals: positionals > 0,
      strict: true as const,
    });
    if (parsed.positionals.length > positionals) {
      throw new UsageError(
        `Unexpected argument ${JSON.stringify(parsed.positionals[positionals])}`,
      );
    }
    return parsed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message);
  }
}

/** A port option: absent means a free port. */
export function portOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--${name} must be a port number (0-65535), not ${value}`);
  }
  return port;
}

export function positiveIntegerOption(value: string | undefined, name: string) {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new UsageError(`--${name} must be a positive integer, not ${value}`);
  }
  return number;
}

/** `1 photo`, `2 photos`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
