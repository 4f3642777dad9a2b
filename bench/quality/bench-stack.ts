/**
 * A fresh local stack for one benchmark run, in a temporary folder: dynalite, s3rver, the local
 * face engine and the product's ingestion handler, composed as the local stack composes them but
 * without the runner, so that the benchmark decides the order in which photos are ingested.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { createAwsAdapters, type AwsAdapters } from '../../ingestion/aws-adapters.ts';
import { createIngestionHandler, type IngestionHandler } from '../../ingestion/ingest-event.ts';
import { readSettings, type IngestionSettings } from '../../ingestion/settings.ts';
import {
  createLocalFaceEngine,
  type LocalFaceEngine,
} from '../../local/face-engine/local-face-engine.ts';
import { NoOpPublisher } from '../../local/no-op-publisher.ts';
import { localEnvironment, startLocalServices, type LocalServices } from '../../local/services.ts';

export interface BenchStackOptions {
  workers: number;
  /** `MATCH_THRESHOLD` for this run; the environment's (or the default) when absent. */
  matchThreshold?: number;
}

export interface BenchStack extends AwsAdapters {
  services: LocalServices;
  settings: IngestionSettings;
  faceEngine: LocalFaceEngine;
  handler: IngestionHandler;
  logger: Logger;
  close(): Promise<void>;
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'face-groups-bench-'));
  const services = await startLocalServices({ dataDir });
  Object.assign(process.env, localEnvironment(services));
  if (options.matchThreshold !== undefined) {
    process.env.MATCH_THRESHOLD = String(options.matchThreshold);
  }
  const settings = readSettings();
  const adapters = createAwsAdapters(settings);
  const faceEngine = await createLocalFaceEngine({
    collectionDir: join(dataDir, 'collections'),
    workers: options.workers,
  });
  const logger = new Logger({ serviceName: 'face-groups-bench', logLevel: 'SILENT' });
  const handler = createIngestionHandler({
    ...adapters,
    faceEngine,
    publisher: new NoOpPublisher(),
    settings,
    logger,
  });
  return {
    ...adapters,
    services,
    settings,
    faceEngine,
    handler,
    logger,
    async close() {
      await faceEngine.close();
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
