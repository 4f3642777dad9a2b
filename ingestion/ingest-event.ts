/**
 * The ingestion Lambda's event handling: S3 event notifications, delivered straight from S3 or
 * through SQS. Each record is one photo; a bad photo is recorded and the batch goes on.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { S3Event, S3EventRecord, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { processPhoto, removePhoto, type PhotoObject, type PhotoOutcome } from './process-photo.ts';
import type { FaceEngine, MetadataStore, PhotoStore, Publisher } from './ports.ts';
import type { IngestionSettings } from './settings.ts';

export interface IngestionDependencies {
  faceEngine: FaceEngine;
  photoStore: PhotoStore;
  metadataStore: MetadataStore;
  publisher: Publisher;
  settings: IngestionSettings;
  logger?: Logger;
  /** Told about every photo that reaches an outcome, for metrics. */
  onOutcome?: (outcome: PhotoOutcome) => void;
}

export type IngestionEvent = S3Event | SQSEvent;
export type IngestionHandler = (event: IngestionEvent) => Promise<SQSBatchResponse>;

/** S3 writes keys URL-encoded, with `+` for a space. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

export function photoObjectOf(record: S3EventRecord): PhotoObject {
  return {
    bucket: record.s3.bucket.name,
    key: decodeS3Key(record.s3.object.key),
    size: record.s3.object.size,
    eTag: record.s3.object.eTag,
  };
}

function isSqsEvent(event: IngestionEvent): event is SQSEvent {
  return event.Records.length > 0 && 'receiptHandle' in event.Records[0]!;
}

/** The S3 records an SQS message carries; S3's test event carries none. */
function s3RecordsOf(message: SQSRecord): S3EventRecord[] {
  const body = JSON.parse(message.body) as Partial<S3Event>;
  return body.Records ?? [];
}

export function createIngestionHandler(deps: IngestionDependencies): IngestionHandler {
  const logger = deps.logger ?? new Logger({ serviceName: 'face-groups-ingestion' });
  const pipeline = { ...deps, logger };

  async function ingest(record: S3EventRecord): Promise<void> {
    const eventName = record.eventName ?? '';
    const handle = eventName.startsWith('ObjectCreated:')
      ? processPhoto
      : eventName.startsWith('ObjectRemoved:')
        ? removePhoto
        : undefined;
    if (!handle) return;
    const outcome = await handle(photoObjectOf(record), pipeline);
    deps.onOutcome?.(outcome);
  }

  return async (event) => {
    if (!isSqsEvent(event)) {
      // Straight from S3: a thrown error makes Lambda retry the event.
      for (const record of event.Records) await ingest(record);
      return { batchItemFailures: [] };
    }
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const message of event.Records) {
      try {
        for (const record of s3RecordsOf(message)) await ingest(record);
      } catch (error) {
        logger.error('Photo will be retried', { messageId: message.messageId, error });
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  };
}
