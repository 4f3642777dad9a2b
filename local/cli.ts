/**
 * The `face-groups` command line: runs the local stack, ingests folders of photos into it and
 * lists the people found. Results go to stdout, progress and messages to stderr.
 */
import { LocalToolError, UsageError } from './errors.ts';
import type { Command, CommandOutput } from './commands/command.ts';
import { ingestCommand } from './commands/ingest.ts';
import { peopleCommand } from './commands/people.ts';
import { reclusterCommand } from './commands/recluster.ts';
import { startCommand } from './commands/start.ts';

const COMMANDS: readonly Command[] = [startCommand, ingestCommand, peopleCommand, reclusterCommand];

const HELP = `Usage: face-groups <command> [options]

Detects, matches and groups the faces of photos into people, on a local stack that stands in
for AWS (DynamoDB, S3, the face engine) on 127.0.0.1.

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join('\n')}

Run face-groups <command> --help for a command's options.
`;

/** Runs the command line; resolves to the exit code. */
export async function main(
  argv: string[],
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  // The local stack runs on the Node of the machine; the SDK's advice to upgrade is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    output.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  try {
    if (command === undefined) throw new UsageError(`Unknown command ${JSON.stringify(name)}`);
    return await command.run(args, output);
  } catch (error) {
    if (error instanceof UsageError) {
      const helpHint = command ? `face-groups ${command.name} --help` : 'face-groups --help';
      output.stderr.write(`face-groups: ${error.message}\nSee ${helpHint}\n`);
      return 2;
    }
    if (error instanceof LocalToolError) {
      output.stderr.write(`face-groups: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
