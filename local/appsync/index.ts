/**
 * The local AppSync runtime: serves `schema.graphql` with the resolver files AppSync runs,
 * bundled the same way, against dynalite (DynamoDB), in-process Lambda handlers and NONE data
 * sources, as described by `model/api.ts`.
 */
import { S3Client } from '@aws-sdk/client-s3';
import {
  apiEnvironment,
  apiFunctions,
  dataSourceDefinitions,
  resolverDefinitions,
  type ApiFunctionDefinition,
  type DataSourceDefinition,
} from '../../model/api.ts';
import { bundleResolver } from '../../resolvers/bundle.ts';
import { createPresignHandler, readPresignSettings } from '../../resolvers/lambda/presign.ts';
import type { AuthSettings } from './auth.ts';
import type { DataSource } from './data-sources/data-source.ts';
import { DynamoDbDataSource } from './data-sources/dynamodb.ts';
import { DynamoDbWire } from './data-sources/dynamodb-wire.ts';
import { LambdaDataSource, type LambdaHandler } from './data-sources/lambda.ts';
import { NoneDataSource } from './data-sources/none.ts';
import { Executor } from './executor.ts';
import { ResolverRunner, type CompiledResolver, type CompiledStep } from './resolver-runner.ts';
import { loadResolverModule, type SandboxLog } from './sandbox.ts';
import { loadApiSchema } from './schema.ts';
import { startEndpoint } from './server.ts';
import { SubscriptionRegistry } from './subscriptions.ts';
import { ResolverGlobals } from './util/globals.ts';

export { API_KEY_HEADER, OWNER_HEADER } from './auth.ts';

export const DEFAULT_LOCAL_OWNER = 'demo';

export interface LocalAppSyncOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** The key local clients send as `x-api-key`. */
  apiKey: string;
  /**
   * The standard settings of the local stack (`localEnvironment(services)`): region,
   * credentials, `AWS_ENDPOINT_URL_*`, table and bucket names.
   */
  environment: Record<string, string>;
  /**
   * Handlers of the API's Lambda functions, by id.
   * @default the presign handler, with an S3 client from `environment`
   */
  lambdas?: Partial<Record<ApiFunctionDefinition['id'], LambdaHandler>>;
  /**
   * Credentials that IAM callers must sign with.
   * @default `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` of `environment`
   */
  iamCredentials?: AuthSettings['iamCredentials'];
  /**
   * Owner of API-key callers that send no `x-owner-id`.
   * @default 'demo'
   */
  defaultOwnerId?: string;
  /** Where resolvers' `console` output goes. @default stderr */
  onResolverLog?: SandboxLog;
}

/** What the runtime has done since it started. */
export interface LocalAppSyncStats {
  operations: number;
  dynamodbRequests: number;
  lambdaInvocations: number;
}

export interface LocalAppSync {
  /** `http://127.0.0.1:<port>/graphql` */
  url: string;
  /** `ws://127.0.0.1:<port>/graphql` (graphql-ws protocol) */
  wsUrl: string;
  /** The GraphiQL playground. */
  playgroundUrl: string;
  apiKey: string;
  stats(): LocalAppSyncStats;
  /** Subscriptions currently listening. */
  subscriptionCount(): number;
  close(): Promise<void>;
}

function required(environment: Record<string, string>, name: string): string {
  const value = environment[name];
  if (!value) throw new Error(`The local AppSync runtime needs ${name} in its environment`);
  return value;
}

function defaultPresignHandler(environment: Record<string, string>): LambdaHandler {
  const s3 = new S3Client({
    region: required(environment, 'AWS_REGION'),
    endpoint: environment.AWS_ENDPOINT_URL_S3,
    forcePathStyle: true,
    credentials: {
      accessKeyId: required(environment, 'AWS_ACCESS_KEY_ID'),
      secretAccessKey: required(environment, 'AWS_SECRET_ACCESS_KEY'),
    },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return createPresignHandler(readPresignSettings(environment), s3) as LambdaHandler;
}

const defaultLog: SandboxLog = (file, level, values) =>
  console.error(`[appsync ${file}] ${level}:`, ...values);

export async function startLocalAppSync(options: LocalAppSyncOptions): Promise<LocalAppSync> {
  const { environment } = options;
  const region = required(environment, 'AWS_REGION');
  const stats: LocalAppSyncStats = { operations: 0, dynamodbRequests: 0, lambdaInvocations: 0 };

  const dynamodb = new DynamoDbWire(required(environment, 'AWS_ENDPOINT_URL_DYNAMODB'), region, {
    accessKeyId: required(environment, 'AWS_ACCESS_KEY_ID'),
    secretAccessKey: required(environment, 'AWS_SECRET_ACCESS_KEY'),
  });
  const lambdas = { presign: options.lambdas?.presign ?? defaultPresignHandler(environment) };
  const dataSourceOf = (definition: DataSourceDefinition): DataSource => {
    switch (definition.kind) {
      case 'AMAZON_DYNAMODB':
        return new DynamoDbDataSource(
          dynamodb,
          required(environment, definition.table.envName),
          () => (stats.dynamodbRequests += 1),
        );
      case 'AWS_LAMBDA':
        return new LambdaDataSource(
          definition.functionId,
          lambdas[definition.functionId],
          () => (stats.lambdaInvocations += 1),
        );
      case 'NONE':
        return new NoneDataSource();
    }
  };
  const dataSources = new Map(dataSourceDefinitions.map((d) => [d.name, dataSourceOf(d)]));

  const globals = new ResolverGlobals();
  const log = options.onResolverLog ?? defaultLog;
  const load = (file: string) => loadResolverModule(bundleResolver(file), file, globals, log);
  const step = (name: string, dataSource: string, file: string, maxBatchSize?: number) => {
    const source = dataSources.get(dataSource);
    if (!source) throw new Error(`${name} names an unknown data source ${dataSource}`);
    return { name, module: load(file), dataSource: source, maxBatchSize } satisfies CompiledStep;
  };
  const functions = new Map(
    apiFunctions.map((f) => [f.name, step(f.name, f.dataSource, f.file, f.maxBatchSize)]),
  );
  const resolvers = new Map<string, CompiledResolver>();
  for (const definition of resolverDefinitions) {
    const coordinate = `${definition.typeName}.${definition.fieldName}`;
    if (definition.kind === 'UNIT') {
      resolvers.set(coordinate, {
        coordinate,
        kind: 'UNIT',
        step: step(coordinate, definition.dataSource, definition.file, definition.maxBatchSize),
      });
    } else {
      resolvers.set(coordinate, {
        coordinate,
        kind: 'PIPELINE',
        module: load(definition.file),
        functions: definition.functions.map((name) => {
          const compiled = functions.get(name);
          if (!compiled) throw new Error(`${coordinate} names an unknown function ${name}`);
          return compiled;
        }),
      });
    }
  }

  const api = loadApiSchema();
  const registry = new SubscriptionRegistry(api.subscriptionSources);
  const appSyncEnvironment = Object.fromEntries(
    apiEnvironment.map((table) => [table.envName, required(environment, table.envName)]),
  );
  const executor = new Executor(
    api,
    resolvers,
    new ResolverRunner(globals),
    registry,
    appSyncEnvironment,
  );
  const endpoint = await startEndpoint({
    port: options.port ?? 0,
    executor,
    registry,
    auth: {
      apiKey: options.apiKey,
      iamCredentials: options.iamCredentials ?? {
        accessKeyId: required(environment, 'AWS_ACCESS_KEY_ID'),
        secretAccessKey: required(environment, 'AWS_SECRET_ACCESS_KEY'),
      },
      region,
      defaultOwnerId: options.defaultOwnerId ?? DEFAULT_LOCAL_OWNER,
    },
    onOperation: () => (stats.operations += 1),
  });

  const origin = `127.0.0.1:${endpoint.port}`;
  return {
    url: `http://${origin}/graphql`,
    wsUrl: `ws://${origin}/graphql`,
    playgroundUrl: `http://${origin}/`,
    apiKey: options.apiKey,
    stats: () => ({ ...stats }),
    subscriptionCount: () => registry.size,
    async close() {
      await endpoint.close();
      dynamodb.destroy();
    },
  };
}
