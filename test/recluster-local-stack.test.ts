import { setTimeout as sleep } from 'node:timers/promises';
import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMetadataStore } from '../ingestion/adapters/dynamodb-metadata-store.ts';
import { readSettings } from '../ingestion/settings.ts';
import { personPhoto, type AppearanceRecord, type PersonRecord } from '../model/domain.ts';
import { thumbnailKey } from '../model/keys.ts';
import { colourPhoto } from './support/colour-face-engine.ts';
import { ingestPhoto } from './support/stack-photos.ts';
import { startTestStack, type TestStack } from './support/test-stack.ts';

let testStack: TestStack;
let store: DynamoDbMetadataStore;

beforeAll(async () => {
  testStack = await startTestStack({ periodicReclustering: { intervalMs: 20 } });
  store = new DynamoDbMetadataStore(
    testStack.clients.dynamodb,
    readSettings(testStack.stack.environment),
  );
});

afterAll(async () => {
  await testStack?.close();
});

async function query<T>(tableName: string, ownerId: string): Promise<T[]> {
  const { Items } = await testStack.clients.dynamodb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'ownerId = :ownerId',
      ExpressionAttributeValues: { ':ownerId': ownerId },
    }),
  );
  return (Items ?? []) as T[];
}

const people = (ownerId: string) => query<PersonRecord>(testStack.clients.peopleTable, ownerId);
const appearances = (ownerId: string) =>
  query<AppearanceRecord>(testStack.clients.appearancesTable, ownerId);

async function put(tableName: string, item: object): Promise<void> {
  await testStack.clients.dynamodb.send(new PutCommand({ TableName: tableName, Item: item }));
}

/** One person seen in two photos, grouped, and nothing left due. */
async function personInTwoPhotos(ownerId: string): Promise<void> {
  await ingestPhoto(testStack, ownerId, 'one.jpg', await colourPhoto(['red']));
  await ingestPhoto(testStack, ownerId, 'two.jpg', await colourPhoto(['red']));
  await testStack.stack.settled();
}

/** Moves the person's second face to a new person, as a grouping mistake would leave it. */
async function splitTheOnlyPerson(ownerId: string): Promise<void> {
  const [person] = await people(ownerId);
  const [kept, moved] = (await appearances(ownerId)).sort((a, b) => (a.faceId < b.faceId ? -1 : 1));
  const now = new Date().toISOString();
  const splitId = 'split-off';
  const movedKey = thumbnailKey(splitId, moved!.faceId);
  await testStack.clients.s3.send(
    new CopyObjectCommand({
      Bucket: testStack.clients.processedBucket,
      Key: movedKey,
      CopySource: `${testStack.clients.processedBucket}/${moved!.thumbnailKey}`,
    }),
  );
  await put(testStack.clients.appearancesTable, {
    ...moved,
    personId: splitId,
    personPhoto: personPhoto(splitId, moved!.photoId, moved!.faceId),
    thumbnailKey: movedKey,
  });
  await put(testStack.clients.peopleTable, {
    ...person,
    personId: splitId,
    faceCount: 1,
    photoCount: 1,
    coverFaceId: moved!.faceId,
    coverThumbnailKey: movedKey,
    createdAt: now,
    updatedAt: now,
  });
  await put(testStack.clients.peopleTable, {
    ...person,
    faceCount: 1,
    photoCount: 1,
    coverFaceId: kept!.faceId,
    coverThumbnailKey: kept!.thumbnailKey,
  });
  expect(await people(ownerId)).toHaveLength(2);
}

async function expectOnePersonWithBothFaces(ownerId: string): Promise<void> {
  const found = await people(ownerId);
  expect(found).toHaveLength(1);
  expect(found[0]).toMatchObject({ faceCount: 2, photoCount: 2 });
  const faces = await appearances(ownerId);
  expect(faces.map((appearance) => appearance.personId)).toEqual([
    found[0]!.personId,
    found[0]!.personId,
  ]);
}

async function isDue(ownerId: string): Promise<boolean> {
  return (await store.listReclusterDue()).some((due) => due.ownerId === ownerId);
}

describe('re-clustering on the local stack', () => {
  it('takes the note the ingestion leaves once the runner goes idle', async () => {
    await ingestPhoto(testStack, 'ivy', 'one.jpg', await colourPhoto(['blue']));
    await testStack.stack.settled();

    expect(await people('ivy')).toHaveLength(1);
    expect(await isDue('ivy')).toBe(false);
  });

  it('regroups every owner due when the runner goes idle, however recent the note', async () => {
    await personInTwoPhotos('jon');
    await splitTheOnlyPerson('jon');
    await store.markReclusterDue('jon', new Date().toISOString());

    await ingestPhoto(testStack, 'someone-else', 'wall.jpg', await colourPhoto([]));
    await testStack.stack.settled();

    await expectOnePersonWithBothFaces('jon');
  });

  it('regroups the caller’s people after reclusterPeople, with no upload', async () => {
    await personInTwoPhotos('kim');
    await splitTheOnlyPerson('kim');

    const response = await fetch(testStack.stack.apiEndpoint!, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': testStack.stack.apiKey!,
        'x-owner-id': 'kim',
      },
      body: JSON.stringify({ query: 'mutation { reclusterPeople }' }),
    });
    expect(await response.json()).toEqual({ data: { reclusterPeople: true } });
    // A periodic run clears the note as it starts; settled() then waits for that run.
    for (let tries = 0; tries < 1000 && (await isDue('kim')); tries += 1) await sleep(10);
    expect(await isDue('kim')).toBe(false);
    await testStack.stack.settled();

    await expectOnePersonWithBothFaces('kim');
  });
});
