/**
 * Latency of the playground's query (a page of people, each with a page of photos and every
 * presigned URL) through the local AppSync runtime on dynalite, and what one query costs in
 * DynamoDB requests and Lambda invocations.
 *
 *   npx tsx bench/api-query.ts [--people 1000] [--photos 10] [--page 50] [--runs 200]
 *
 * DynamoDB and S3 (dynalite, s3rver) run in a child process, as they run apart from AppSync on
 * AWS: the figures are the runtime's and its resolvers', not the emulators' CPU time.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  personPhoto,
  statusCreatedAt,
  type AppearanceRecord,
  type PersonRecord,
  type PhotoRecord,
} from '../model/domain.ts';
import { rawKey, thumbnailKey } from '../model/keys.ts';
import { startLocalAppSync } from '../local/appsync/index.ts';
import { localEnvironment, startLocalServices } from '../local/services.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '1000' },
    photos: { type: 'string', default: '10' },
    page: { type: 'string', default: '50' },
    runs: { type: 'string', default: '200' },
    'serve-storage': { type: 'string' },
  },
});

if (values['serve-storage']) {
  // The child: serve the storage and tell the parent where, until it is killed.
  const services = await startLocalServices({ dataDir: values['serve-storage'] });
  process.send?.(localEnvironment(services));
  await new Promise<never>(() => undefined);
}
const peopleCount = Number(values.people);
const photosPerPerson = Number(values.photos);
const pageSize = Number(values.page);
const runs = Number(values.runs);
const OWNER = 'bench';
const API_KEY = 'bench-key';

const QUERY = `query PeopleWithPhotos($page: Int, $photos: Int) {
  people(limit: $page) {
    items {
      personId name photoCount thumbnailUrl
      photos(limit: $photos) { items { photoId key width height url } nextToken }
    }
    nextToken
  }
}`;

function seedItems() {
  const people: PersonRecord[] = [];
  const photos: PhotoRecord[] = [];
  const appearances: AppearanceRecord[] = [];
  const createdAt = new Date().toISOString();
  for (let p = 0; p < peopleCount; p += 1) {
    const personId = `person-${p}`;
    for (let i = 0; i < photosPerPerson; i += 1) {
      const photoId = `photo-${p}-${i}`;
      const faceId = `face-${p}-${i}`;
      photos.push({
        ownerId: OWNER,
        photoId,
        bucket: 'face-groups-raw',
        key: rawKey(OWNER, `${photoId}.jpg`),
        status: 'DONE',
        statusCreatedAt: statusCreatedAt('DONE', createdAt),
        width: 2048,
        height: 1536,
        faceCount: 1,
        createdAt,
        updatedAt: createdAt,
      });
      appearances.push({
        ownerId: OWNER,
        appearanceId: `${photoId}#${faceId}`,
        photoId,
        faceId,
        personId,
        personPhoto: personPhoto(personId, photoId, faceId),
        boundingBox: { left: 0.4, top: 0.3, width: 0.1, height: 0.15 },
        confidence: 99,
        thumbnailKey: thumbnailKey(personId, faceId),
        createdAt,
      });
    }
    people.push({
      ownerId: OWNER,
      personId,
      faceCount: photosPerPerson,
      photoCount: photosPerPerson,
      coverThumbnailKey: thumbnailKey(personId, `face-${p}-0`),
      coverFaceId: `face-${p}-0`,
      createdAt,
      updatedAt: createdAt,
    });
  }
  return { people, photos, appearances };
}

async function writeAll(db: DynamoDBDocumentClient, table: string, items: object[]) {
  const chunks: object[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    for (let chunk = chunks[next++]; chunk; chunk = chunks[next++]) {
      await db.send(
        new BatchWriteCommand({
          RequestItems: { [table]: chunk.map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;
}

const dataDir = mkdtempSync(join(tmpdir(), 'face-groups-bench-api-'));
const storage = fork(new URL(import.meta.url).pathname, ['--serve-storage', dataDir], {
  execArgv: ['--import', 'tsx'],
});
const environment = await new Promise<Record<string, string>>((resolve, reject) => {
  storage.once('message', (message) => resolve(message as Record<string, string>));
  storage.once('exit', (code) => reject(new Error(`The storage process exited (${code})`)));
});
try {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: environment.AWS_REGION,
      endpoint: environment.AWS_ENDPOINT_URL_DYNAMODB,
      credentials: {
        accessKeyId: environment.AWS_ACCESS_KEY_ID!,
        secretAccessKey: environment.AWS_SECRET_ACCESS_KEY!,
      },
    }),
  );
  const seedStarted = performance.now();
  const { people, photos, appearances } = seedItems();
  await writeAll(db, environment.PEOPLE_TABLE!, people);
  await writeAll(db, environment.PHOTOS_TABLE!, photos);
  await writeAll(db, environment.APPEARANCES_TABLE!, appearances);
  db.destroy();
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const api = await startLocalAppSync({ apiKey: API_KEY, environment });
  const query = async () => {
    const response = await fetch(api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY, 'x-owner-id': OWNER },
      body: JSON.stringify({
        query: QUERY,
        variables: { page: pageSize, photos: photosPerPerson },
      }),
    });
    const body = (await response.json()) as {
      data?: { people: { items: { photos: { items: unknown[] } }[] } };
      errors?: unknown[];
    };
    if (body.errors) throw new Error(`The query failed: ${JSON.stringify(body.errors[0])}`);
    return body.data!.people.items;
  };

  for (let i = 0; i < 20; i += 1) await query();
  const before = api.stats();
  const cpuBefore = process.cpuUsage();
  const latencies: number[] = [];
  let urls = 0;
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const items = await query();
    latencies.push(performance.now() - started);
    urls = items.length + items.reduce((sum, person) => sum + person.photos.items.length, 0);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const after = api.stats();
  await api.close();

  latencies.sort((a, b) => a - b);
  const figures = {
    people: peopleCount,
    photosPerPerson,
    pageOfPeople: pageSize,
    runs,
    seedSeconds: Number(seedSeconds.toFixed(1)),
    urlsPerQuery: urls,
    p50Ms: Number(percentile(latencies, 0.5).toFixed(1)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(1)),
    maxMs: Number(latencies.at(-1)!.toFixed(1)),
    // CPU time of the API process (runtime, resolvers, presigning, SDK), whatever the load.
    apiCpuMsPerQuery: Number(((cpu.user + cpu.system) / 1000 / runs).toFixed(1)),
    dynamodbRequestsPerQuery: (after.dynamodbRequests - before.dynamodbRequests) / runs,
    lambdaInvocationsPerQuery: (after.lambdaInvocations - before.lambdaInvocations) / runs,
  };
  console.log(JSON.stringify(figures, null, 2));
} finally {
  storage.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
