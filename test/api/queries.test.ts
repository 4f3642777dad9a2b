import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PROCESSED_BUCKET, LOCAL_RAW_BUCKET } from '../../local/services.ts';
import {
  photoRecord,
  putObject,
  seedPerson,
  startApiHarness,
  type ApiHarness,
  type ApiResponse,
  type SeededPerson,
} from './support.ts';

let harness: ApiHarness;
let ann: SeededPerson;
let bob: SeededPerson;
let cat: SeededPerson;

interface Page<T> {
  items: T[];
  nextToken: string | null;
}

beforeAll(async () => {
  harness = await startApiHarness();
  ann = await seedPerson(harness, 'demo', 'ann', 3);
  bob = await seedPerson(harness, 'demo', 'bob', 5);
  cat = await seedPerson(harness, 'demo', 'cat', 1);
  await seedPerson(harness, 'other-owner', 'dan', 2);
});

afterAll(async () => {
  await harness?.close();
});

describe('Query.people', () => {
  it('lists the caller’s people, those in the most photos first', async () => {
    const { body } = await harness.graphql<{ people: Page<{ personId: string }> }>(
      '{ people { items { personId photoCount } nextToken } }',
    );

    expect(body.errors).toBeUndefined();
    expect(body.data?.people.items.map((p) => p.personId)).toEqual(['bob', 'ann', 'cat']);
    expect(body.data?.people.nextToken).toBeNull();
  });

  it('pages with limit and nextToken until every person was listed once', async () => {
    const seen: string[] = [];
    let nextToken: string | null = null;
    let pages = 0;
    do {
      const { body }: ApiResponse<{ people: Page<{ personId: string }> }> = await harness.graphql(
        `query ($nextToken: String) {
          people(limit: 2, nextToken: $nextToken) { items { personId } nextToken }
        }`,
        { nextToken },
      );
      expect(body.errors).toBeUndefined();
      seen.push(...body.data!.people.items.map((p) => p.personId));
      nextToken = body.data!.people.nextToken;
      pages += 1;
    } while (nextToken);

    expect(seen).toEqual(['bob', 'ann', 'cat']);
    expect(pages).toBe(2);
  });

  it('shows an owner only its own people', async () => {
    const { body } = await harness.graphql<{ people: Page<{ personId: string }> }>(
      '{ people { items { personId } } }',
      {},
      { ownerId: 'other-owner' },
    );

    expect(body.data?.people.items.map((p) => p.personId)).toEqual(['dan']);
  });

  it('refuses a page size out of range with BAD_REQUEST', async () => {
    const { body } = await harness.graphql('{ people(limit: 500) { items { personId } } }');

    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ errorType: 'BAD_REQUEST', path: ['people'] });
  });
});

describe('Query.person', () => {
  it('returns one of the caller’s people', async () => {
    const { body } = await harness.graphql<{ person: Record<string, unknown> }>(
      '{ person(personId: "ann") { personId name faceCount photoCount coverFaceId createdAt } }',
    );

    expect(body.data?.person).toEqual({
      personId: 'ann',
      name: null,
      faceCount: 3,
      photoCount: 3,
      coverFaceId: ann.person.coverFaceId,
      createdAt: ann.person.createdAt,
    });
  });

  it('answers PERSON_NOT_FOUND for nobody, shaped as AppSync shapes errors', async () => {
    const { status, body } = await harness.graphql(
      'query {\n  person(personId: "nobody") { personId }\n}',
    );

    expect(status).toBe(200);
    expect(body).toEqual({
      data: { person: null },
      errors: [
        {
          path: ['person'],
          data: null,
          errorType: 'PERSON_NOT_FOUND',
          errorInfo: null,
          locations: [{ line: 2, column: 3, sourceName: null }],
          message: 'No person nobody',
        },
      ],
    });
  });

  it('does not reach another owner’s person, whatever the id', async () => {
    const { body } = await harness.graphql(
      '{ person(personId: "dan") { personId } }',
      {},
      { ownerId: 'demo' },
    );

    expect(body.errors?.[0]?.errorType).toBe('PERSON_NOT_FOUND');
  });
});

describe('Query.photo and Query.photos', () => {
  it('returns one of the caller’s photos', async () => {
    const photo = ann.photos[0]!;
    const { body } = await harness.graphql<{ photo: Record<string, unknown> }>(
      `{ photo(photoId: "${photo.photoId}") {
          photoId key status width height faceCount createdAt } }`,
    );

    expect(body.data?.photo).toEqual({
      photoId: photo.photoId,
      key: photo.key,
      status: 'DONE',
      width: 640,
      height: 480,
      faceCount: 1,
      createdAt: photo.createdAt,
    });
  });

  it('answers PHOTO_NOT_FOUND for an unknown photo', async () => {
    const { body } = await harness.graphql('{ photo(photoId: "nope") { photoId } }');

    expect(body.errors?.[0]).toMatchObject({ errorType: 'PHOTO_NOT_FOUND', path: ['photo'] });
  });

  it('lists the photos of one status, newest first', async () => {
    const failed = photoRecord('demo', 'broken', 'FAILED');
    const failedLater = { ...photoRecord('demo', 'broken-too', 'FAILED'), reason: 'CORRUPT_IMAGE' };
    await harness.db.send(
      new BatchWriteCommand({
        RequestItems: {
          [harness.environment.PHOTOS_TABLE!]: [failed, failedLater].map((Item) => ({
            PutRequest: { Item },
          })),
        },
      }),
    );

    const { body } = await harness.graphql<{ photos: Page<{ photoId: string; reason: string }> }>(
      '{ photos(status: FAILED) { items { photoId status reason } nextToken } }',
    );

    expect(body.data?.photos.items).toEqual([
      { photoId: 'broken-too', status: 'FAILED', reason: 'CORRUPT_IMAGE' },
      { photoId: 'broken', status: 'FAILED', reason: null },
    ]);
  });
});

describe('Person.photos and Person.appearances', () => {
  it('lists the photos a person appears in, a page at a time', async () => {
    const { body } = await harness.graphql<{ person: { photos: Page<{ photoId: string }> } }>(
      `query ($token: String) {
        person(personId: "bob") {
          photos(limit: 3, nextToken: $token) { items { photoId } nextToken }
        }
      }`,
    );
    const first = body.data!.person.photos;
    const rest = await harness.graphql<{ person: { photos: Page<{ photoId: string }> } }>(
      `query ($token: String) {
        person(personId: "bob") {
          photos(limit: 3, nextToken: $token) { items { photoId } nextToken }
        }
      }`,
      { token: first.nextToken },
    );

    const all = [...first.items, ...rest.body.data!.person.photos.items].map((p) => p.photoId);
    expect(first.items).toHaveLength(3);
    expect(rest.body.data!.person.photos.nextToken).toBeNull();
    expect(all.sort()).toEqual(bob.photos.map((p) => p.photoId).sort());
  });

  it('lists a person’s faces with their boxes', async () => {
    const { body } = await harness.graphql<{
      person: { appearances: Page<Record<string, unknown>> };
    }>(
      `{ person(personId: "cat") { appearances { items {
          appearanceId photoId faceId personId confidence similarity unassignedReason
          boundingBox { left top width height }
        } nextToken } } }`,
    );

    const [face] = cat.appearances;
    expect(body.data?.person.appearances).toEqual({
      items: [
        {
          appearanceId: face!.appearanceId,
          photoId: face!.photoId,
          faceId: face!.faceId,
          personId: 'cat',
          confidence: 99.5,
          similarity: null,
          unassignedReason: null,
          boundingBox: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 },
        },
      ],
      nextToken: null,
    });
  });
});

describe('Photo.appearances and Photo.people', () => {
  it('lists a photo’s faces and the people they belong to', async () => {
    const photo = ann.photos[1]!;
    const { body } = await harness.graphql<{
      photo: { appearances: { faceId: string }[]; people: { personId: string }[] };
    }>(`{ photo(photoId: "${photo.photoId}") { appearances { faceId } people { personId } } }`);

    expect(body.data?.photo).toEqual({
      appearances: [{ faceId: ann.appearances[1]!.faceId }],
      people: [{ personId: 'ann' }],
    });
  });

  it('lists no people for a photo whose faces belong to nobody', async () => {
    const { body } = await harness.graphql<{ photo: { people: unknown[] } }>(
      '{ photo(photoId: "broken") { people { personId } appearances { faceId } } }',
    );

    expect(body.data?.photo).toEqual({ people: [], appearances: [] });
  });
});

describe('presigned URLs', () => {
  it('give the bytes of a photo and of face thumbnails', async () => {
    const photo = ann.photos[0]!;
    const face = ann.appearances[0]!;
    const photoBytes = Buffer.from('the photo’s bytes');
    const thumbnailBytes = Buffer.from('the thumbnail’s bytes');
    await putObject(harness, LOCAL_RAW_BUCKET, photo.key, photoBytes);
    await putObject(harness, LOCAL_PROCESSED_BUCKET, face.thumbnailKey, thumbnailBytes);

    const { body } = await harness.graphql<{
      photo: { url: string; appearances: { thumbnailUrl: string }[] };
      person: { thumbnailUrl: string };
    }>(
      `{ photo(photoId: "${photo.photoId}") { url appearances { thumbnailUrl } }
         person(personId: "ann") { thumbnailUrl } }`,
    );
    const fetched = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());

    expect(body.errors).toBeUndefined();
    expect(await fetched(body.data!.photo.url)).toEqual(photoBytes);
    expect(await fetched(body.data!.photo.appearances[0]!.thumbnailUrl)).toEqual(thumbnailBytes);
    expect(await fetched(body.data!.person.thumbnailUrl)).toEqual(thumbnailBytes);
  });

  it('last 15 minutes unless asked otherwise, and no longer than the cap', async () => {
    const photo = ann.photos[0]!;
    const { body } = await harness.graphql<{ photo: Record<string, string> }>(
      `{ photo(photoId: "${photo.photoId}") {
          standard: url short: url(expiresInSeconds: 60) long: url(expiresInSeconds: 86400) } }`,
    );
    const lifetime = (url: string) => new URL(url).searchParams.get('X-Amz-Expires');

    expect(lifetime(body.data!.photo.standard!)).toBe('900');
    expect(lifetime(body.data!.photo.short!)).toBe('60');
    expect(lifetime(body.data!.photo.long!)).toBe('3600');
  });
});
