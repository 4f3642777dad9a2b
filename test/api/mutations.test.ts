import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoRecord } from '../../model/domain.ts';
import { photoIdFor } from '../../model/keys.ts';
import { LOCAL_RAW_BUCKET } from '../../local/services.ts';
import { seedPerson, startApiHarness, type ApiHarness } from './support.ts';

let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness();
  await seedPerson(harness, 'demo', 'eve', 1);
});

afterAll(async () => {
  await harness?.close();
});

interface Upload {
  photoId: string;
  key: string;
  url: string;
  contentType: string | null;
  expiresAt: string;
}

const CREATE_UPLOAD = `mutation ($name: String!, $contentType: String) {
  createPhotoUpload(name: $name, contentType: $contentType) {
    photoId key url contentType expiresAt
  }
}`;

async function photoItem(photoId: string, ownerId = 'demo') {
  const { Item } = await harness.db.send(
    new GetCommand({ TableName: harness.environment.PHOTOS_TABLE, Key: { ownerId, photoId } }),
  );
  return Item as PhotoRecord | undefined;
}

describe('Mutation.createPhotoUpload', () => {
  it('gives a PUT URL under the caller’s raw prefix and records a PENDING photo', async () => {
    const { body } = await harness.graphql<{ createPhotoUpload: Upload }>(
      CREATE_UPLOAD,
      { name: 'beach day.jpg', contentType: 'image/jpeg' },
      { ownerId: 'alice' },
    );
    const upload = body.data!.createPhotoUpload;

    expect(body.errors).toBeUndefined();
    expect(upload.key).toBe('photos-raw/alice/beach day.jpg');
    expect(upload.photoId).toBe(photoIdFor(LOCAL_RAW_BUCKET, upload.key));
    expect(upload.contentType).toBe('image/jpeg');
    expect(await photoItem(upload.photoId, 'alice')).toMatchObject({
      status: 'PENDING',
      bucket: LOCAL_RAW_BUCKET,
      key: upload.key,
      statusCreatedAt: expect.stringMatching(/^PENDING#/),
    });

    const bytes = Buffer.from('jpeg bytes');
    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg' },
      body: bytes,
    });
    expect(put.status).toBe(200);
    const stored = await harness.s3.send(
      new GetObjectCommand({ Bucket: LOCAL_RAW_BUCKET, Key: upload.key }),
    );
    expect(Buffer.from(await stored.Body!.transformToByteArray())).toEqual(bytes);
  });

  it('keeps the record of a photo uploaded again under the same name', async () => {
    const first = await harness.graphql<{ createPhotoUpload: Upload }>(CREATE_UPLOAD, {
      name: 'again.jpg',
    });
    const { photoId } = first.body.data!.createPhotoUpload;
    const recorded = await photoItem(photoId);

    const second = await harness.graphql<{ createPhotoUpload: Upload }>(CREATE_UPLOAD, {
      name: 'again.jpg',
    });

    expect(second.body.errors).toBeUndefined();
    expect(second.body.data!.createPhotoUpload.photoId).toBe(photoId);
    expect(await photoItem(photoId)).toEqual(recorded);
  });

  it('refuses a name with a slash', async () => {
    const { body } = await harness.graphql(CREATE_UPLOAD, { name: '../bob/x.jpg' });

    expect(body.data).toBeNull();
    expect(body.errors?.[0]).toMatchObject({
      errorType: 'BAD_REQUEST',
      path: ['createPhotoUpload'],
    });
  });
});

describe('Mutation.renamePerson', () => {
  const RENAME = `mutation ($personId: ID!, $name: String) {
    renamePerson(personId: $personId, name: $name) { personId name }
  }`;

  it('names a person, and removes the name when given none', async () => {
    const named = await harness.graphql(RENAME, { personId: 'eve', name: ' Eve ' });
    const unnamed = await harness.graphql(RENAME, { personId: 'eve', name: null });

    expect(named.body.data).toEqual({ renamePerson: { personId: 'eve', name: 'Eve' } });
    expect(unnamed.body.data).toEqual({ renamePerson: { personId: 'eve', name: null } });
  });

  it('answers PERSON_NOT_FOUND for someone else’s or nobody’s person', async () => {
    const { body } = await harness.graphql(
      RENAME,
      { personId: 'eve', name: 'x' },
      { ownerId: 'zed' },
    );

    expect(body.errors?.[0]).toMatchObject({ errorType: 'PERSON_NOT_FOUND' });
    const { Item } = await harness.db.send(
      new GetCommand({
        TableName: harness.environment.PEOPLE_TABLE,
        Key: { ownerId: 'zed', personId: 'eve' },
      }),
    );
    expect(Item).toBeUndefined();
  });
});
