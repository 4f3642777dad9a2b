/**
 * The ingestion Lambda on AWS: the pipeline composed with its AWS adapters (S3, DynamoDB,
 * Rekognition, AppSync). Everything is built once per container, outside the handler.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { INGESTION_SERVICE, METRICS_NAMESPACE } from '../model/metrics.ts';
import { createAppSyncPublisher } from './adapters/appsync-publisher.ts';
import { RekognitionFaceEngine } from './adapters/rekognition-face-engine.ts';
import { createAwsAdapters } from './aws-adapters.ts';
import { createIngestionHandler, type IngestionEvent } from './ingest-event.ts';
import { recordOutcome } from './outcome-metrics.ts';
import { readSettings } from './settings.ts';

const logger = new Logger({ serviceName: INGESTION_SERVICE });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: INGESTION_SERVICE });
const tracer = new Tracer({ serviceName: INGESTION_SERVICE });

const settings = readSettings();
// The engine retries throttling itself, with jitter; SDK retries on top would multiply calls.
const rekognition = tracer.captureAWSv3Client(new RekognitionClient({ maxAttempts: 1 }));
const ingest = createIngestionHandler({
  ...createAwsAdapters(settings),
  faceEngine: new RekognitionFaceEngine(rekognition, {
    collectionPrefix: process.env.COLLECTION_PREFIX,
    logger,
  }),
  publisher: createAppSyncPublisher(),
  settings,
  logger,
  onOutcome: (outcome) => recordOutcome(metrics, outcome),
});

export async function handler(event: IngestionEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  try {
    return await ingest(event);
  } finally {
    metrics.publishStoredMetrics();
  }
}
