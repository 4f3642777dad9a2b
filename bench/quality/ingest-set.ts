/**
 * Ingests photo files for one owner in a given order: each is uploaded to the raw bucket, then
 * the ingestion handler receives its S3 event, one photo after the other. Online grouping depends
 * on that order, so the benchmark invokes the handler itself rather than letting events race.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { photoIdFor, rawKey } from '../../model/keys.ts';
import type { IngestionHandler } from '../../ingestion/ingest-event.ts';
import { LOCAL_RAW_BUCKET, LOCAL_REGION } from '../../local/services.ts';
import { encodeNotificationKey } from '../../local/s3-notification.ts';

export interface IngestedSet {
  /** photoId -> photo file name. */
  files: Map<string, string>;
  /** photoIds in upload order. */
  order: string[];
  durationMs: number;
}

function s3Event(key: string, size: number, eTag: string): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: LOCAL_REGION,
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:LOCAL' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'bench', 'x-amz-id-2': 'bench' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'face-groups-bench',
          bucket: {
            name: LOCAL_RAW_BUCKET,
            ownerIdentity: { principalId: 'LOCAL' },
            arn: `arn:aws:s3:::${LOCAL_RAW_BUCKET}`,
          },
          object: { key: encodeNotificationKey(key), size, eTag, sequencer: '0' },
        },
      },
    ],
  };
}

export async function ingestSet(
  handler: IngestionHandler,
  ownerId: string,
  photoDir: string,
  photos: readonly string[],
  onPhoto?: (done: number) => void,
): Promise<IngestedSet> {
  const startedAt = Date.now();
  const s3 = new S3Client({ forcePathStyle: true });
  const files = new Map<string, string>();
  const order: string[] = [];
  try {
    for (const [index, photo] of photos.entries()) {
      const key = rawKey(ownerId, photo);
      const body = await readFile(join(photoDir, photo));
      const put = await s3.send(
        new PutObjectCommand({ Bucket: LOCAL_RAW_BUCKET, Key: key, Body: body }),
      );
      const photoId = photoIdFor(LOCAL_RAW_BUCKET, key);
      files.set(photoId, photo);
      order.push(photoId);
      await handler(s3Event(key, body.length, put.ETag?.replaceAll('"', '') ?? ''));
      onPhoto?.(index + 1);
    }
  } finally {
    s3.destroy();
  }
  return { files, order, durationMs: Date.now() - startedAt };
}
