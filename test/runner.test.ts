import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeS3Key } from '../ingestion/ingest-event.ts';
import { IngestionRunner, type IngestionInvoker } from '../local/runner.ts';
import { encodeNotificationKey, type S3rverEvent } from '../local/s3-notification.ts';
import {
  LOCAL_PROCESSED_BUCKET,
  LOCAL_RAW_BUCKET,
  LOCAL_REGION,
  localEnvironment,
  startLocalServices,
  type LocalServices,
} from '../local/services.ts';

const silent = new Logger({ serviceName: 'runner-test', logLevel: 'SILENT' });
const filter = { bucket: LOCAL_RAW_BUCKET, prefix: 'photos-raw/', region: LOCAL_REGION };

function recordingHandler() {
  const records: S3EventRecord[] = [];
  const events: S3Event[] = [];
  const handler: IngestionInvoker = async (event) => {
    events.push(event);
    records.push(...event.Records);
  };
  return { handler, records, events };
}

/** An s3rver-shaped upload event, for tests that need no real upload. */
function uploadEvent(key: string): S3rverEvent {
  return {
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: LOCAL_RAW_BUCKET }, object: { key, size: 3, eTag: 'abc' } },
      },
    ],
  };
}

describe('event keys', () => {
  it('are encoded as S3 notifications encode them: form encoding, slashes kept', () => {
    expect(encodeNotificationKey('photos-raw/demo/family trip/Ana & Bo (1).jpg')).toBe(
      'photos-raw/demo/family+trip/Ana+%26+Bo+%281%29.jpg',
    );
    expect(encodeNotificationKey('photos-raw/demo/Zoë/北京 1+1.jpg')).toBe(
      'photos-raw/demo/Zo%C3%AB/%E5%8C%97%E4%BA%AC+1%2B1.jpg',
    );
  });
});

describe('the runner on s3rver uploads', () => {
  let dataDir: string;
  let services: LocalServices;
  let s3: S3Client;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'face-groups-runner-'));
    services = await startLocalServices({ dataDir });
    const env = localEnvironment(services);
    s3 = new S3Client({
      region: env.AWS_REGION,
      endpoint: services.s3Endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  });

  afterAll(async () => {
    s3?.destroy();
    await services?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers one S3 2.1 record per raw photo upload or deletion, key encoded, nothing else', async () => {
    const { handler, records, events } = recordingHandler();
    const runner = new IngestionRunner({ handler, filter, concurrency: 2, logger: silent });
    const stopListening = runner.listenTo(services.s3);
    const spaced = 'photos-raw/demo/family trip/Ana & Bo (1).jpg';
    const unicode = 'photos-raw/demo/Zoë/北京.jpg';
    const put = (Bucket: string, Key: string, body: string) =>
      s3.send(new PutObjectCommand({ Bucket, Key, Body: Buffer.from(body) }));

    const spacedPut = await put(LOCAL_RAW_BUCKET, spaced, 'first photo');
    await put(LOCAL_RAW_BUCKET, unicode, 'second');
    await put(LOCAL_RAW_BUCKET, 'elsewhere/demo/a.jpg', 'outside the prefix');
    await put(LOCAL_PROCESSED_BUCKET, 'photos-raw/demo/b.jpg', 'another bucket');
    await s3.send(new DeleteObjectCommand({ Bucket: LOCAL_RAW_BUCKET, Key: unicode }));
    await runner.idle();
    stopListening();

    expect(events.map((event) => event.Records.length)).toEqual([1, 1, 1]);
    expect(records.map((record) => decodeS3Key(record.s3.object.key))).toEqual([
      spaced,
      unicode,
      unicode,
    ]);
    expect(records.map((record) => record.eventName)).toEqual([
      'ObjectCreated:Put',
      'ObjectCreated:Put',
      'ObjectRemoved:Delete',
    ]);
    const [first, second] = records as [S3EventRecord, S3EventRecord];
    expect(first.s3.object.key).toBe('photos-raw/demo/family+trip/Ana+%26+Bo+%281%29.jpg');
    expect(first).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: LOCAL_REGION,
      eventName: 'ObjectCreated:Put',
      s3: {
        bucket: { name: LOCAL_RAW_BUCKET, arn: `arn:aws:s3:::${LOCAL_RAW_BUCKET}` },
        object: { size: 'first photo'.length, eTag: spacedPut.ETag?.replaceAll('"', '') },
      },
    });
    expect(first.s3.object.sequencer).toMatch(/^[0-9A-F]+$/);
    expect(second.s3.object.sequencer > first.s3.object.sequencer).toBe(true);
    expect(runner.counts).toMatchObject({ received: 3, delivered: 3, dropped: 0 });
  });

  it('fills in the eTag that s3rver leaves out of copy events', async () => {
    const { handler, records } = recordingHandler();
    const lookedUp: string[] = [];
    const runner = new IngestionRunner({
      handler,
      filter,
      concurrency: 1,
      logger: silent,
      lookUpETag: async (bucket, key) => {
        lookedUp.push(`${bucket}/${key}`);
        return 'etag-of-the-copy';
      },
    });
    await s3.send(
      new PutObjectCommand({
        Bucket: LOCAL_PROCESSED_BUCKET,
        Key: 'original.jpg',
        Body: Buffer.from('pixels'),
      }),
    );
    const stopListening = runner.listenTo(services.s3);

    await s3.send(
      new CopyObjectCommand({
        Bucket: LOCAL_RAW_BUCKET,
        Key: 'photos-raw/demo/copy 1.jpg',
        CopySource: `${LOCAL_PROCESSED_BUCKET}/original.jpg`,
      }),
    );
    await runner.idle();
    stopListening();

    expect(lookedUp).toEqual([`${LOCAL_RAW_BUCKET}/photos-raw/demo/copy 1.jpg`]);
    expect(records[0]?.eventName).toBe('ObjectCreated:Copy');
    expect(records[0]?.s3.object.eTag).toBe('etag-of-the-copy');
  });
});

describe('the runner on failures', () => {
  it('retries a failed invocation twice, then counts it delivered once it succeeds', async () => {
    let calls = 0;
    const runner = new IngestionRunner({
      handler: async () => {
        calls += 1;
        if (calls < 3) throw Object.assign(new Error('throttled'), { name: 'Throttling' });
      },
      filter,
      concurrency: 1,
      retryDelaysMs: [5, 5],
      logger: silent,
    });

    runner.accept(uploadEvent('photos-raw/demo/a.jpg'));
    await runner.idle();

    expect(calls).toBe(3);
    expect(runner.counts).toMatchObject({ delivered: 1, retried: 2, dropped: 0 });
    expect(runner.deadLetters).toEqual([]);
  });

  it('drops an event after three failed invocations into the dead-letter file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'face-groups-dead-letters-'));
    const deadLetterFile = join(dataDir, 'dead-letters.jsonl');
    let calls = 0;
    const runner = new IngestionRunner({
      handler: async () => {
        calls += 1;
        throw Object.assign(new Error('the table is gone'), { name: 'ResourceNotFound' });
      },
      filter,
      concurrency: 1,
      retryDelaysMs: [5, 5],
      deadLetterFile,
      logger: silent,
    });

    runner.accept(uploadEvent('photos-raw/demo/lost photo.jpg'));
    await runner.idle();

    expect(calls).toBe(3);
    expect(runner.counts).toMatchObject({ delivered: 0, retried: 2, dropped: 1 });
    const lines = readFileSync(deadLetterFile, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      attempts: 3,
      errorName: 'ResourceNotFound',
      errorMessage: 'the table is gone',
      record: { s3: { object: { key: 'photos-raw/demo/lost+photo.jpg' } } },
    });
    expect(runner.deadLetters).toHaveLength(1);
    rmSync(dataDir, { recursive: true, force: true });
  });
});

describe('the runner under load', () => {
  it('never runs more invocations at once than its concurrency, and delivers them all', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const delivered: string[] = [];
    const runner = new IngestionRunner({
      handler: async (event) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        delivered.push(decodeS3Key(event.Records[0]?.s3.object.key ?? ''));
        running -= 1;
      },
      filter,
      concurrency: 2,
      logger: silent,
    });

    const keys = Array.from({ length: 8 }, (_, index) => `photos-raw/demo/photo-${index}.jpg`);
    for (const key of keys) runner.accept(uploadEvent(key));
    expect(runner.counts).toMatchObject({ queued: 6, inFlight: 2 });
    await runner.idle();

    expect(mostAtOnce).toBe(2);
    expect(delivered.sort()).toEqual(keys.sort());
  });

  it('abandons the queued events when stopped, after the running ones finish', async () => {
    const { handler, records } = recordingHandler();
    const runner = new IngestionRunner({ handler, filter, concurrency: 1, logger: silent });

    runner.accept(uploadEvent('photos-raw/demo/first.jpg'));
    runner.accept(uploadEvent('photos-raw/demo/second.jpg'));
    await runner.stop();

    expect(records.map((record) => record.s3.object.key)).toEqual(['photos-raw/demo/first.jpg']);
    expect(runner.counts).toMatchObject({ delivered: 1, abandoned: 1 });
    expect(runner.accept(uploadEvent('photos-raw/demo/late.jpg'))).toBe(0);
  });
});
