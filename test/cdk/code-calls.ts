/**
 * What a Lambda's code asks of AWS, read from its source, for least-privilege tests: the project
 * files its bundle holds, the adapter methods those files call, and the SDK commands (with the
 * tables) each adapter method sends. A method calls the adapter's own helpers through `this`.
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { fromRoot } from '../../cdk/paths.ts';

const ADAPTERS = [
  'ingestion/adapters/dynamodb-metadata-store.ts',
  'ingestion/adapters/s3-photo-store.ts',
  'ingestion/adapters/rekognition-face-engine.ts',
];

/** IAM actions for each SDK command the AWS adapters send. */
export const ACTIONS_BY_COMMAND: Record<string, string[]> = {
  GetCommand: ['dynamodb:GetItem'],
  PutCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  QueryCommand: ['dynamodb:Query'],
  ScanCommand: ['dynamodb:Scan'],
  BatchGetCommand: ['dynamodb:BatchGetItem'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  GetObjectCommand: ['s3:GetObject'],
  PutObjectCommand: ['s3:PutObject'],
  CopyObjectCommand: ['s3:GetObject', 's3:PutObject'],
  DeleteObjectsCommand: ['s3:DeleteObject'],
  CreateCollectionCommand: ['rekognition:CreateCollection'],
  IndexFacesCommand: ['rekognition:IndexFaces'],
  SearchFacesCommand: ['rekognition:SearchFaces'],
  DeleteFacesCommand: ['rekognition:DeleteFaces'],
};

interface MethodCalls {
  commands: Set<string>;
  /** Settings names of the tables the method names (`photosTable`, ...). */
  tables: Set<string>;
  helpers: Set<string>;
}

const METHOD_HEADER =
  /^ {2}(?:(?:private|public|protected|static|readonly)\s+)*(?:async\s+)?(\w+)\s*(?:<[^>]*>)?\(/gm;

function methodsOf(file: string): Map<string, MethodCalls> {
  const source = readFileSync(fromRoot(file), 'utf8');
  const headers = [...source.matchAll(METHOD_HEADER)].filter(([, name]) => name !== 'constructor');
  const methods = new Map<string, MethodCalls>();
  headers.forEach((header, index) => {
    const body = source.slice(header.index, headers[index + 1]?.index ?? source.length);
    methods.set(header[1]!, {
      commands: new Set([...body.matchAll(/new (\w+Command)\(/g)].map(([, name]) => name!)),
      tables: new Set([...body.matchAll(/this\.tables\.(\w+)/g)].map(([, name]) => name!)),
      helpers: new Set([...body.matchAll(/this\.(\w+)(?:<[^>]*>)?\(/g)].map(([, name]) => name!)),
    });
  });
  return methods;
}

/** An adapter method's calls with those of the helpers it uses. */
function resolved(methods: Map<string, MethodCalls>, name: string, seen = new Set<string>()) {
  const calls = { commands: new Set<string>(), tables: new Set<string>() };
  const method = methods.get(name);
  if (!method || seen.has(name)) return calls;
  seen.add(name);
  for (const command of method.commands) calls.commands.add(command);
  for (const table of method.tables) calls.tables.add(table);
  for (const helper of method.helpers) {
    const inner = resolved(methods, helper, seen);
    for (const command of inner.commands) calls.commands.add(command);
    for (const table of inner.tables) calls.tables.add(table);
  }
  return calls;
}

/** The project files (outside the adapters) that the Lambda entry's bundle holds. */
async function projectFilesOf(entry: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [fromRoot(entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    absWorkingDir: fromRoot('.'),
    external: ['sharp'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(metafile.inputs).filter(
    (file) => !file.includes('node_modules') && !ADAPTERS.includes(file),
  );
}

export interface CodeCalls {
  /** DynamoDB actions by the settings name of their table (`leasesTable`, ...). */
  tableActions: Map<string, Set<string>>;
  /** Every other IAM action the adapters' commands need. */
  otherActions: Set<string>;
}

/** The IAM actions the adapter methods that an entry's code calls need. */
export async function codeCallsOf(entry: string): Promise<CodeCalls> {
  const files = await projectFilesOf(entry);
  const called = new Set<string>();
  for (const file of files) {
    const source = readFileSync(fromRoot(file), 'utf8');
    for (const [, name] of source.matchAll(/\.(\w+)\(/g)) called.add(name!);
  }

  const calls: CodeCalls = { tableActions: new Map(), otherActions: new Set() };
  for (const adapter of ADAPTERS) {
    const methods = methodsOf(adapter);
    for (const name of methods.keys()) {
      if (!called.has(name)) continue;
      const { commands, tables } = resolved(methods, name);
      const actions = [...commands].flatMap((command) => {
        const mapped = ACTIONS_BY_COMMAND[command];
        if (!mapped) throw new Error(`${command} in ${adapter} has no IAM actions here`);
        return mapped;
      });
      for (const action of actions) {
        if (!action.startsWith('dynamodb:')) {
          calls.otherActions.add(action);
          continue;
        }
        for (const table of tables) {
          const granted = calls.tableActions.get(table) ?? new Set<string>();
          calls.tableActions.set(table, granted.add(action));
        }
      }
    }
  }
  return calls;
}
