/**
 * Runs the ingestion handler against real local services (dynalite and s3rver in a temp folder)
 * with a face engine of the test's choice, and reads back what it wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { S3Event } from 'aws-lambda';
import sharp from 'sharp';
import type { AppearanceRecord, PersonRecord, PhotoRecord } from '../../model/domain.ts';
import { photoIdFor } from '../../model/keys.ts';
import { createAwsAdapters } from '../../ingestion/aws-adapters.ts';
import { createIngestionHandler, type IngestionHandler } from '../../ingestion/ingest-event.ts';
import type { FaceEngine, Publisher } from '../../ingestion/ports.ts';
import { readSettings, type IngestionSettings } from '../../ingestion/settings.ts';
import {
  LOCAL_RAW_BUCKET,
  localEnvironment,
  startLocalServices,
  type LocalServices,
} from '../../local/services.ts';

export class RecordingPublisher implements Publisher {
  readonly people: PersonRecord[] = [];
  async personCreated(person: PersonRecord): Promise<void> {
    this.people.push(person);
  }
}

export interface PipelineHarness {
  services: LocalServices;
  settings: IngestionSettings;
  handler: IngestionHandler;
  publisher: RecordingPublisher;
  s3: S3Client;
  db: DynamoDBDocumentClient;
  close(): Promise<void>;
}

export async function startPipelineHarness(faceEngine: FaceEngine): Promise<PipelineHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'face-groups-pipeline-'));
  const services = await startLocalServices({ dataDir });
  Object.assign(process.env, localEnvironment(services));
  const settings = readSettings();
  const publisher = new RecordingPublisher();
  const handler = createIngestionHandler({
    ...createAwsAdapters(settings),
    faceEngine,
    publisher,
    settings,
    logger: new Logger({ serviceName: 'face-groups-test', logLevel: 'SILENT' }),
  });
  const s3 = new S3Client({});
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  return {
    services,
    settings,
    handler,
    publisher,
    s3,
    db,
    async close() {
      s3.destroy();
      db.destroy();
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A plain JPEG; the scripted engine decides which faces it shows. */
export function plainJpeg(width = 320, height = 240, colour = '#808080'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } })
    .jpeg()
    .toBuffer();
}

/** S3 writes keys in notifications URL-encoded, with `+` for spaces. */
export function encodeS3Key(key: string): string {
  return encodeURIComponent(key)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export interface Upload {
  key: string;
  photoId: string;
  event: S3Event;
}

export async function upload(harness: PipelineHarness, key: string, body: Buffer): Promise<Upload> {
  const put = await harness.s3.send(
    new PutObjectCommand({ Bucket: LOCAL_RAW_BUCKET, Key: key, Body: body }),
  );
  return {
    key,
    photoId: photoIdFor(LOCAL_RAW_BUCKET, key),
    event: s3Event(key, body.length, put.ETag?.replace(/"/g, '')),
  };
}

export function s3Event(key: string, size: number, eTag?: string): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'local' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'local', 'x-amz-id-2': 'local' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'raw-photos',
          bucket: {
            name: LOCAL_RAW_BUCKET,
            ownerIdentity: { principalId: 'local' },
            arn: `arn:aws:s3:::${LOCAL_RAW_BUCKET}`,
          },
          object: { key: encodeS3Key(key), size, eTag: eTag ?? '', sequencer: '0' },
        },
      },
    ],
  };
}

async function queryAll<T>(
  harness: PipelineHarness,
  input: ConstructorParameters<typeof QueryCommand>[0],
): Promise<T[]> {
  const items: T[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await harness.db.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...((page.Items ?? []) as T[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

const byOwner = (ownerId: string) => ({
  KeyConditionExpression: 'ownerId = :ownerId',
  ExpressionAttributeValues: { ':ownerId': ownerId },
  ConsistentRead: true,
});

export function photosOf(harness: PipelineHarness, ownerId: string): Promise<PhotoRecord[]> {
  return queryAll(harness, { TableName: harness.settings.photosTable, ...byOwner(ownerId) });
}

export function peopleOf(harness: PipelineHarness, ownerId: string): Promise<PersonRecord[]> {
  return queryAll(harness, { TableName: harness.settings.peopleTable, ...byOwner(ownerId) });
}

export function appearancesOf(
  harness: PipelineHarness,
  ownerId: string,
): Promise<AppearanceRecord[]> {
  return queryAll(harness, { TableName: harness.settings.appearancesTable, ...byOwner(ownerId) });
}

export async function processedObject(
  harness: PipelineHarness,
  key: string,
): Promise<Buffer | undefined> {
  try {
    const response = await harness.s3.send(
      new GetObjectCommand({ Bucket: harness.settings.processedBucket, Key: key }),
    );
    return Buffer.from(await response.Body!.transformToByteArray());
  } catch {
    return undefined;
  }
}
