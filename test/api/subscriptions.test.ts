import { Logger } from '@aws-lambda-powertools/logger';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppSyncPublisher } from '../../ingestion/adapters/appsync-publisher.ts';
import { createAwsAdapters } from '../../ingestion/aws-adapters.ts';
import { createIngestionHandler, type IngestionHandler } from '../../ingestion/ingest-event.ts';
import { readSettings } from '../../ingestion/settings.ts';
import type { PersonRecord } from '../../model/domain.ts';
import { photoIdFor } from '../../model/keys.ts';
import { LOCAL_RAW_BUCKET } from '../../local/services.ts';
import { plainJpeg, s3Event } from '../support/pipeline-harness.ts';
import { ScriptedFaceEngine } from '../support/scripted-face-engine.ts';
import { API_KEY, startApiHarness, subscribe, type ApiHarness } from './support.ts';

interface PersonCreated {
  onPersonCreated: {
    ownerId: string;
    personId: string;
    name: string | null;
    faceCount: number;
    photoCount: number;
    coverFaceId: string;
    createdAt: string;
  };
}

const ON_PERSON_CREATED = `subscription {
  onPersonCreated { ownerId personId name faceCount photoCount coverFaceId createdAt }
}`;

let harness: ApiHarness;
let publisher: AppSyncPublisher;

beforeAll(async () => {
  harness = await startApiHarness();
  const { environment } = harness;
  publisher = new AppSyncPublisher({
    endpoint: harness.api.url,
    region: environment.AWS_REGION!,
    credentials: async () => ({
      accessKeyId: environment.AWS_ACCESS_KEY_ID!,
      secretAccessKey: environment.AWS_SECRET_ACCESS_KEY!,
    }),
  });
});

afterAll(async () => {
  await harness?.close();
});

function person(ownerId: string, personId: string): PersonRecord {
  return {
    ownerId,
    personId,
    faceCount: 1,
    photoCount: 1,
    coverThumbnailKey: `people/${personId}/face.jpg`,
    coverFaceId: 'face',
    createdAt: '2026-02-01T10:00:00.000Z',
    updatedAt: '2026-02-01T10:00:00.000Z',
  };
}

describe('Subscription.onPersonCreated', () => {
  it('tells each subscriber of its own owner’s new people only', async () => {
    const alice = subscribe<PersonCreated>(harness.subscriber('alice'), ON_PERSON_CREATED);
    const bob = subscribe<PersonCreated>(harness.subscriber('bob'), ON_PERSON_CREATED);
    await harness.subscriptionsReady(2);

    await publisher.personCreated(person('alice', 'alice-1'));
    await publisher.personCreated(person('bob', 'bob-1'));

    expect(await alice.next(1)).toEqual([
      {
        onPersonCreated: {
          ownerId: 'alice',
          personId: 'alice-1',
          name: null,
          faceCount: 1,
          photoCount: 1,
          coverFaceId: 'face',
          createdAt: '2026-02-01T10:00:00.000Z',
        },
      },
    ]);
    // Alice's event, published before both of Bob's, would have reached him before them.
    await publisher.personCreated(person('bob', 'bob-2'));
    const bobs = await bob.next(2);
    expect(bobs.map((event) => event.onPersonCreated.personId)).toEqual(['bob-1', 'bob-2']);
    alice.stop();
    bob.stop();
  });

  it('refuses a connection with a wrong API key', async () => {
    const client = createClient({
      url: harness.api.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { 'x-api-key': `${API_KEY}-wrong` },
      retryAttempts: 0,
    });
    const refused = subscribe<PersonCreated>(client, ON_PERSON_CREATED);

    await refused.next(1);
    expect(refused.events).toEqual([]);
    expect(refused.errors).toHaveLength(1);
    await client.dispose();
  });
});

describe('the ingestion', () => {
  let handler: IngestionHandler;
  let engine: ScriptedFaceEngine;

  beforeAll(() => {
    Object.assign(process.env, harness.environment);
    const settings = readSettings();
    engine = new ScriptedFaceEngine();
    handler = createIngestionHandler({
      ...createAwsAdapters(settings),
      faceEngine: engine,
      publisher,
      settings,
      logger: new Logger({ serviceName: 'face-groups-test', logLevel: 'SILENT' }),
    });
  });

  async function ingest(ownerId: string, name: string, label: string): Promise<void> {
    const key = `photos-raw/${ownerId}/${name}`;
    engine.script(photoIdFor(LOCAL_RAW_BUCKET, key), [{ label }]);
    const body = await plainJpeg();
    const put = await harness.s3.send(
      new PutObjectCommand({ Bucket: LOCAL_RAW_BUCKET, Key: key, Body: body }),
    );
    await handler(s3Event(key, body.length, put.ETag?.replace(/"/g, '')));
  }

  it('notifies the owner’s subscriber of a new person in a photo, and nobody else', async () => {
    const carol = subscribe<PersonCreated>(harness.subscriber('carol'), ON_PERSON_CREATED);
    const dave = subscribe<PersonCreated>(harness.subscriber('dave'), ON_PERSON_CREATED);
    await harness.subscriptionsReady(2);

    await ingest('carol', 'party.jpg', 'carols-friend');
    await ingest('dave', 'hike.jpg', 'daves-friend');

    const [created] = await carol.next(1);
    expect(created?.onPersonCreated).toMatchObject({ ownerId: 'carol', faceCount: 1 });
    const { body } = await harness.graphql<{ person: { personId: string; photoCount: number } }>(
      `{ person(personId: "${created!.onPersonCreated.personId}") { personId photoCount } }`,
      {},
      { ownerId: 'carol' },
    );
    expect(body.data?.person.photoCount).toBe(1);
    const [first] = await dave.next(1);
    expect(first?.onPersonCreated.ownerId).toBe('dave');
    carol.stop();
    dave.stop();
  });
});
