/** `face-groups start`: runs the local stack in the foreground until Ctrl-C. */
import { resolve } from 'node:path';
import { closeOnSignals } from '../shutdown.ts';
import { DEFAULT_DATA_DIR } from '../stack-state.ts';
import {
  parseCommandArgs,
  portOption,
  positiveIntegerOption,
  type Command,
  type CommandOutput,
} from './command.ts';

const HELP = `Usage: face-groups start [options]

Runs the local stack in the foreground: DynamoDB (dynalite) and S3 (s3rver) on 127.0.0.1, the
local face engine, and the ingestion handler fed by the raw bucket's upload events. Other
commands (ingest, people) find it through the state file in the data folder. Ctrl-C stops it.

Options:
  --data-dir D        data folder, kept between runs (default: ${DEFAULT_DATA_DIR})
  --dynamodb-port N   DynamoDB port (default: a free port)
  --s3-port N         S3 port (default: a free port)
  --api-port N        GraphQL API port (default: a free port)
  --workers N         face engine workers, and photos processed at a time (default: cores)
  -h, --help          show this help
`;

export const startCommand: Command = {
  name: 'start',
  summary: 'run the local stack in the foreground',
  help: HELP,
  async run(args: string[], output: CommandOutput): Promise<number> {
    const { values } = parseCommandArgs(args, {
      'data-dir': { type: 'string' },
      'dynamodb-port': { type: 'string' },
      's3-port': { type: 'string' },
      'api-port': { type: 'string' },
      workers: { type: 'string' },
    });
    if (values.help) {
      output.stdout.write(HELP);
      return 0;
    }
    const { startLocalStack } = await import('../stack.ts');
    const stack = await startLocalStack({
      dataDir: resolve(values['data-dir'] ?? DEFAULT_DATA_DIR),
      dynamodbPort: portOption(values['dynamodb-port'], 'dynamodb-port'),
      s3Port: portOption(values['s3-port'], 's3-port'),
      apiPort: portOption(values['api-port'], 'api-port'),
      workers: positiveIntegerOption(values.workers, 'workers'),
    });
    closeOnSignals(() => stack.close());

    const env = stack.environment;
    output.stdout.write(
      [
        `face-groups local stack running (pid ${process.pid}), data in ${stack.dataDir}`,
        `  DynamoDB   ${stack.dynamodbEndpoint}`,
        `  S3         ${stack.s3Endpoint}`,
        ...(stack.apiEndpoint ? [`  GraphQL    ${stack.apiEndpoint}`] : []),
        ...(stack.playgroundUrl ? [`  GraphiQL   ${stack.playgroundUrl}`] : []),
        ...(stack.apiKey
          ? [`  API key    ${stack.apiKey} (x-owner-id picks the owner: demo)`]
          : []),
        `  raw bucket ${env.RAW_BUCKET} (uploads under photos-raw/<owner>/ are ingested)`,
        `  workers    ${stack.workers}`,
        '',
        'Point AWS SDK clients and the AWS CLI at it with:',
        ...Object.entries(env)
          .filter(([name]) => name.startsWith('AWS_'))
          .map(([name, value]) => `  export ${name}=${value}`),
        '',
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    // The stack runs until a signal stops it.
    await new Promise<never>(() => undefined);
    return 0;
  },
};
