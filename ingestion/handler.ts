/**
 * The ingestion Lambda on AWS: the pipeline composed with its AWS adapters (S3, DynamoDB,
 * Rekognition, AppSync). Everything is built once per container, outside the handler.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { INGESTION_METRICS, INGESTION_SERVICE, METRICS_NAMESPACE } from '../model/metrics.ts';
import { createAppSyncPublisher } from './adapters/appsync-publisher.ts';
import { RekognitionFaceEngine } from './adapters/rekognition-face-engine.ts';
import { createAwsAdapters } from './aws-adapters.ts';
import { createIngestionHandler, type IngestionEvent } from './ingest-event.ts';
import type { PhotoOutcome } from './process-photo.ts';
import { readSettings } from './settings.ts';

const FINAL_STATUSES = new Set(['DONE', 'NO_FACES', 'FAILED']);

const logger = new Logger({ serviceName: INGESTION_SERVICE });
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: INGESTION_SERVICE });
const tracer = new Tracer({ serviceName: INGESTION_SERVICE });

/** Counts what one photo came to; replays and superseded attempts count nothing. */
function recordOutcome(outcome: PhotoOutcome): void {
  if (!FINAL_STATUSES.has(outcome.status)) return;
  metrics.addMetric(INGESTION_METRICS.photosProcessed, MetricUnit.Count, 1);
  if (outcome.status === 'FAILED') {
    metrics.addMetric(INGESTION_METRICS.photosFailed, MetricUnit.Count, 1);
  }
  metrics.addMetric(INGESTION_METRICS.faces, MetricUnit.Count, outcome.faces);
  metrics.addMetric(INGESTION_METRICS.newPeople, MetricUnit.Count, outcome.newPeople);
}

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
  onOutcome: recordOutcome,
});

export async function handler(event: IngestionEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  try {
    return await ingest(event);
  } finally {
    metrics.publishStoredMetrics();
  }
}
