/**
 * The ingestion Lambda on AWS: the pipeline composed with its AWS adapters (S3, DynamoDB,
 * Rekognition, AppSync). Everything is built once per container, outside the handler.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { INGESTION_SERVICE, METRICS_NAMESPACE } from '../model/metrics.ts';
import { composeOnAws } from './aws-composition.ts';
import { createIngestionHandler, type IngestionEvent } from './ingest-event.ts';
import { recordOutcome } from './outcome-metrics.ts';

const { faceEngine, photoStore, metadataStore, publisher, settings, logger } =
  composeOnAws(INGESTION_SERVICE);
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: INGESTION_SERVICE });
const ingest = createIngestionHandler({
  faceEngine,
  photoStore,
  metadataStore,
  publisher,
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
