/**
 * The local stack's composition root: local storage services, the standard settings that point
 * the handler at them, the local face engine, the ingestion handler, and the runner that feeds
 * it the raw bucket's object events. Everything listens on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { FaceEngine, Publisher } from '../ingestion/ports.ts';
import { readSettings, type IngestionSettings } from '../ingestion/settings.ts';
import { RAW_PREFIX } from '../model/keys.ts';
import { createAppSyncPublisher } from '../ingestion/adapters/appsync-publisher.ts';
import { startLocalAppSync } from './appsync/index.ts';
import { StackAlreadyRunningError } from './errors.ts';
import { localLogger } from './logger.ts';
import { IngestionRunner, type IngestionInvoker } from './runner.ts';
import { DueReclustering, type PeriodicReclustering } from './due-reclustering.ts';
import { createAwsAdapters } from '../ingestion/aws-adapters.ts';
import { LOCAL_REGION, localEnvironment, startLocalServices } from './services.ts';
import { createStackClients } from './stack-clients.ts';
import {
  defaultDataDir,
  findRunningStack,
  removeStackState,
  writeStackState,
  type StackState,
} from './stack-state.ts';

/** A face engine that holds workers or files until closed. */
export interface ClosableFaceEngine extends FaceEngine {
  close(): Promise<void>;
}

export interface FaceEngineOptions {
  /** Folder where the owners' face collections persist. */
  collectionDir: string;
  workers: number;
}

export type FaceEngineFactory = (options: FaceEngineOptions) => Promise<ClosableFaceEngine>;

/** What the stack hands to the factory of the ingestion handler. */
export interface HandlerParts {
  faceEngine: FaceEngine;
  publisher: Publisher;
  settings: IngestionSettings;
}

export type HandlerFactory = (parts: HandlerParts) => Promise<IngestionInvoker>;

export interface LocalStackOptions {
  /**
   * Folder for tables, buckets, face collections and dead letters; reused by the next start.
   * @default `.face-groups` in the working directory
   */
  dataDir?: string;
  /** @default 0 (a free port) */
  dynamodbPort?: number;
  /** @default 0 (a free port) */
  s3Port?: number;
  /** Port of the GraphQL API. @default 0 (a free port) */
  apiPort?: number;
  /** The API key of local clients. @default a random key, new at each start */
  apiKey?: string;
  /**
   * Face engine workers.
   * @default the number of cores
   */
  workers?: number;
  /**
   * Ingestion invocations at a time.
   * @default `workers`
   */
  concurrency?: number;
  /** Waits before the runner's retries (see `IngestionRunnerOptions`). */
  retryDelaysMs?: readonly number[];
  /** @default the local face model */
  createFaceEngine?: FaceEngineFactory;
  /** @default the product's ingestion handler with the S3 and DynamoDB adapters */
  createHandler?: HandlerFactory;
  /**
   * Besides each time the runner goes idle (which takes every owner due), owners are
   * re-clustered periodically as on AWS: those whose people stayed unchanged for `quietMs`, and
   * at once those who asked through the API (`reclusterPeople`).
   * @default { intervalMs: 5000, quietMs: 300000 }
   */
  periodicReclustering?: Partial<PeriodicReclustering>;
}

export interface LocalStack {
  dataDir: string;
  dynamodbEndpoint: string;
  s3Endpoint: string;
  apiEndpoint?: string;
  /** The key local clients send as `x-api-key`, and the GraphiQL playground's address. */
  apiKey?: string;
  playgroundUrl?: string;
  /** The standard settings that reach this stack, as written to the state file. */
  environment: Record<string, string>;
  runner: IngestionRunner;
  /** Resolves once every event is delivered and the owners due are re-clustered. */
  settled(): Promise<void>;
  faceEngine: ClosableFaceEngine;
  workers: number;
  /** Stops taking events, lets running invocations finish, closes workers and servers. */
  close(): Promise<void>;
}

const createDefaultFaceEngine: FaceEngineFactory = async (options) => {
  const { createLocalFaceEngine } = await import('./face-engine/local-face-engine.ts');
  return createLocalFaceEngine(options);
};

const createDefaultHandler: HandlerFactory = async ({ faceEngine, publisher, settings }) => {
  const { createIngestionHandler } = await import('../ingestion/ingest-event.ts');
  return createIngestionHandler({
    faceEngine,
    ...createAwsAdapters(settings),
    publisher,
    settings,
  });
};

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const logger = localLogger('stack');
  const dataDir = resolve(options.dataDir ?? defaultDataDir());
  const running = await findRunningStack(dataDir);
  if (running !== undefined) throw new StackAlreadyRunningError(dataDir, running.pid);
  mkdirSync(dataDir, { recursive: true });

  const services = await startLocalServices({
    dataDir,
    dynamodbPort: options.dynamodbPort,
    s3Port: options.s3Port,
  });
  const closeOnFailure: (() => Promise<void>)[] = [() => services.close()];
  try {
    const environment = localEnvironment(services);
    const api = await startLocalAppSync({
      port: options.apiPort ?? 0,
      apiKey: options.apiKey ?? randomBytes(16).toString('hex'),
      environment,
    });
    closeOnFailure.unshift(() => api.close());
    // The ingestion publishes new people to the API through a signed request, as on AWS.
    environment.GRAPHQL_ENDPOINT = api.url;
    // The handler and its adapters read only the standard settings, as on Lambda.
    Object.assign(process.env, environment);
    const settings = readSettings(process.env);

    const workers = options.workers ?? availableParallelism();
    const faceEngine = await (options.createFaceEngine ?? createDefaultFaceEngine)({
      collectionDir: join(dataDir, 'collections'),
      workers,
    });
    closeOnFailure.unshift(() => faceEngine.close());
    const handler = await (options.createHandler ?? createDefaultHandler)({
      faceEngine,
      publisher: createAppSyncPublisher(process.env),
      settings,
    });

    const clients = createStackClients(environment);
    const reclustering = new DueReclustering(
      {
        ...createAwsAdapters(settings),
        faceEngine,
        publisher: createAppSyncPublisher(process.env),
        settings,
        logger,
      },
      logger,
    );
    const runner = new IngestionRunner({
      onIdle: () => reclustering.request(),
      handler,
      filter: { bucket: clients.rawBucket, prefix: RAW_PREFIX, region: LOCAL_REGION },
      concurrency: options.concurrency ?? workers,
      retryDelaysMs: options.retryDelaysMs,
      deadLetterFile: join(dataDir, 'dead-letters.jsonl'),
      lookUpETag: async (Bucket, Key) => {
        const head = await clients.s3.send(new HeadObjectCommand({ Bucket, Key }));
        return head.ETag?.replaceAll('"', '');
      },
    });
    const stopListening = runner.listenTo(services.s3);
    reclustering.startPeriodic({
      intervalMs: options.periodicReclustering?.intervalMs ?? 5000,
      quietMs: options.periodicReclustering?.quietMs ?? 300_000,
    });
    closeOnFailure.unshift(async () => reclustering.stop());

    const state: StackState = {
      pid: process.pid,
      dataDir,
      startedAt: new Date().toISOString(),
      dynamodbEndpoint: services.dynamodbEndpoint,
      s3Endpoint: services.s3Endpoint,
      apiEndpoint: api.url,
      environment,
    };
    writeStackState(state);
    const forgetState = () => removeStackState(dataDir, process.pid);
    process.once('exit', forgetState);
    logger.info('Local stack started', { ...state, environment: undefined, workers });

    let closing: Promise<void> | undefined;
    const close = async () => {
      stopListening();
      reclustering.stop();
      await runner.stop();
      await reclustering.settled();
      await faceEngine.close();
      clients.destroy();
      await api.close();
      await services.close();
      forgetState();
      process.off('exit', forgetState);
      logger.info('Local stack stopped', { dataDir, ...runner.counts });
    };
    return {
      dataDir,
      dynamodbEndpoint: services.dynamodbEndpoint,
      s3Endpoint: services.s3Endpoint,
      apiEndpoint: api.url,
      apiKey: api.apiKey,
      playgroundUrl: api.playgroundUrl,
      environment,
      runner,
      faceEngine,
      workers,
      settled: async () => {
        await runner.idle();
        await reclustering.settled();
        await runner.idle();
      },
      close: () => (closing ??= close()),
    };
  } catch (error) {
    for (const closeOne of closeOnFailure) await closeOne().catch(() => undefined);
    throw error;
  }
}
