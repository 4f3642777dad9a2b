/**
 * The GraphQL API on real local services for tests: dynalite and s3rver in a temp folder, the
 * local AppSync runtime in front of them, and helpers to write people, photos and faces as the
 * ingestion writes them, and to call the API as a client does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  personPhoto,
  statusCreatedAt,
  type AppearanceRecord,
  type PersonRecord,
  type PhotoRecord,
  type PhotoStatus,
} from '../../model/domain.ts';
import { rawKey, thumbnailKey } from '../../model/keys.ts';
import {
  startLocalAppSync,
  type LocalAppSync,
  type LocalAppSyncOptions,
} from '../../local/appsync/index.ts';
import type { AppSyncResponse } from '../../local/appsync/executor.ts';
import { localEnvironment, startLocalServices, type LocalServices } from '../../local/services.ts';

export const API_KEY = 'local-test-key';

export interface Caller {
  ownerId?: string;
  apiKey?: string;
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: AppSyncResponse & { data: T | null };
}

export interface ApiHarness {
  services: LocalServices;
  environment: Record<string, string>;
  api: LocalAppSync;
  db: DynamoDBDocumentClient;
  s3: S3Client;
  /** POSTs an operation with an API key (the harness's unless `caller` says otherwise). */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
  ): Promise<ApiResponse<T>>;
  /** A graphql-ws client of one owner. */
  subscriber(ownerId: string): Client;
  /** Resolves once the runtime holds `count` subscriptions. */
  subscriptionsReady(count: number): Promise<void>;
  close(): Promise<void>;
}

export async function startApiHarness(
  options: Partial<LocalAppSyncOptions> = {},
): Promise<ApiHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'face-groups-api-'));
  const services = await startLocalServices({ dataDir });
  const environment = localEnvironment(services);
  const api = await startLocalAppSync({ apiKey: API_KEY, environment, ...options });
  const common = {
    region: environment.AWS_REGION,
    credentials: {
      accessKeyId: environment.AWS_ACCESS_KEY_ID!,
      secretAccessKey: environment.AWS_SECRET_ACCESS_KEY!,
    },
  };
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...common, endpoint: environment.AWS_ENDPOINT_URL_DYNAMODB }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const s3 = new S3Client({
    ...common,
    endpoint: environment.AWS_ENDPOINT_URL_S3,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  const clients: Client[] = [];

  return {
    services,
    environment,
    api,
    db,
    s3,
    async graphql(query, variables = {}, caller = {}) {
      const response = await fetch(api.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': caller.apiKey ?? API_KEY,
          ...(caller.ownerId ? { 'x-owner-id': caller.ownerId } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as never };
    },
    subscriber(ownerId) {
      const client = createClient({
        url: api.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { 'x-api-key': API_KEY, 'x-owner-id': ownerId },
        retryAttempts: 0,
      });
      clients.push(client);
      return client;
    },
    async subscriptionsReady(count) {
      while (api.subscriptionCount() < count) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async close() {
      await Promise.all(clients.map((client) => client.dispose()));
      await api.close();
      s3.destroy();
      db.destroy();
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Events of a subscription, collected as they come. */
export interface Subscription<T> {
  events: T[];
  errors: unknown[];
  /** Resolves with the events once there are `count` of them. */
  next(count?: number): Promise<T[]>;
  stop(): void;
}

export function subscribe<T>(client: Client, query: string): Subscription<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  const waiters: (() => void)[] = [];
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  const stop = client.subscribe<T>(
    { query },
    {
      next: (result) => {
        if (result.data) events.push(result.data as T);
        if (result.errors) errors.push(...result.errors);
        notify();
      },
      error: (error) => {
        errors.push(error);
        notify();
      },
      complete: () => notify(),
    },
  );
  return {
    events,
    errors,
    async next(count = 1) {
      while (events.length < count && errors.length === 0) {
        await new Promise<void>((wake) => waiters.push(wake));
      }
      return events;
    },
    stop,
  };
}

const CHUNK = 25;

async function putAll(harness: ApiHarness, table: string, items: object[]): Promise<void> {
  for (let start = 0; start < items.length; start += CHUNK) {
    const chunk = items.slice(start, start + CHUNK);
    await harness.db.send(
      new BatchWriteCommand({
        RequestItems: { [table]: chunk.map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }
}

export interface SeededPerson {
  person: PersonRecord;
  photos: PhotoRecord[];
  appearances: AppearanceRecord[];
}

let clock = Date.parse('2026-01-01T00:00:00.000Z');
/** Increasing timestamps, so that "newest first" has one right answer. */
export function nextTimestamp(): string {
  clock += 1000;
  return new Date(clock).toISOString();
}

export function photoRecord(
  ownerId: string,
  photoId: string,
  status: PhotoStatus = 'DONE',
  bucket = 'face-groups-raw',
): PhotoRecord {
  const createdAt = nextTimestamp();
  return {
    ownerId,
    photoId,
    bucket,
    key: rawKey(ownerId, `${photoId}.jpg`),
    status,
    statusCreatedAt: statusCreatedAt(status, createdAt),
    width: 640,
    height: 480,
    faceCount: 1,
    createdAt,
    updatedAt: createdAt,
  };
}

/**
 * Writes a person seen once in each of `photoCount` new photos, as the ingestion leaves them:
 * the person, the photos, one appearance per photo.
 */
export async function seedPerson(
  harness: ApiHarness,
  ownerId: string,
  personId: string,
  photoCount: number,
): Promise<SeededPerson> {
  const photos = Array.from({ length: photoCount }, (_, index) =>
    photoRecord(ownerId, `${personId}-photo-${String(index).padStart(3, '0')}`),
  );
  const appearances: AppearanceRecord[] = photos.map((photo, index) => {
    const faceId = `${personId}-face-${index}`;
    return {
      ownerId,
      appearanceId: `${photo.photoId}#${faceId}`,
      photoId: photo.photoId,
      faceId,
      personId,
      personPhoto: personPhoto(personId, photo.photoId, faceId),
      boundingBox: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 },
      confidence: 99.5,
      similarity: index === 0 ? undefined : 97,
      thumbnailKey: thumbnailKey(personId, faceId),
      createdAt: photo.createdAt,
    };
  });
  const now = nextTimestamp();
  const person: PersonRecord = {
    ownerId,
    personId,
    faceCount: photoCount,
    photoCount,
    coverThumbnailKey: appearances[0]?.thumbnailKey ?? thumbnailKey(personId, 'none'),
    coverFaceId: appearances[0]?.faceId ?? 'none',
    createdAt: now,
    updatedAt: now,
  };
  await putAll(harness, harness.environment.PHOTOS_TABLE!, photos);
  await putAll(harness, harness.environment.APPEARANCES_TABLE!, appearances);
  await putAll(harness, harness.environment.PEOPLE_TABLE!, [person]);
  return { person, photos, appearances };
}

export async function putObject(
  harness: ApiHarness,
  bucket: string,
  key: string,
  body: Buffer,
): Promise<void> {
  await harness.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}
