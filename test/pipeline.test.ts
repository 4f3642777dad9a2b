import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { ScriptedFaceEngine } from './support/scripted-face-engine.ts';
import {
  appearancesOf,
  peopleOf,
  photosOf,
  plainJpeg,
  processedObject,
  startPipelineHarness,
  upload,
  type PipelineHarness,
} from './support/pipeline-harness.ts';

let engine: ScriptedFaceEngine;
let harness: PipelineHarness;
let photoNumber = 0;

beforeAll(async () => {
  engine = new ScriptedFaceEngine();
  harness = await startPipelineHarness(engine);
});

afterAll(async () => {
  await harness?.close();
});

/** Uploads a plain photo under a fresh owner-scoped key, scripted to show `labels`. */
async function photoOf(ownerId: string, labels: string[], name?: string) {
  photoNumber += 1;
  const uploaded = await upload(
    harness,
    `photos-raw/${ownerId}/${name ?? `photo-${photoNumber}.jpg`}`,
    await plainJpeg(),
  );
  engine.script(
    uploaded.photoId,
    labels.map((label) => ({ label })),
  );
  return uploaded;
}

describe('ingesting photos of people', () => {
  it('puts two photos of one person into one person with both photos', async () => {
    const first = await photoOf('owner-one', ['ana']);
    const second = await photoOf('owner-one', ['ana']);
    await harness.handler(first.event);
    await harness.handler(second.event);

    const people = await peopleOf(harness, 'owner-one');
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({ faceCount: 2, photoCount: 2 });
    const appearances = await appearancesOf(harness, 'owner-one');
    expect(appearances.map((a) => a.photoId).sort()).toEqual(
      [first.photoId, second.photoId].sort(),
    );
    expect(new Set(appearances.map((a) => a.personId))).toEqual(new Set([people[0]!.personId]));
    expect(appearances.find((a) => a.photoId === second.photoId)?.similarity).toBe(95);
  });

  it('writes a JPEG thumbnail per face under people/<personId>/', async () => {
    const photo = await photoOf('owner-thumbs', ['bo']);
    await harness.handler(photo.event);

    const [appearance] = await appearancesOf(harness, 'owner-thumbs');
    expect(appearance!.thumbnailKey).toBe(
      `people/${appearance!.personId}/${appearance!.faceId}.jpg`,
    );
    const thumbnail = await processedObject(harness, appearance!.thumbnailKey);
    const metadata = await sharp(thumbnail!).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 160, height: 160 });
  });

  it('gives two faces of one photo two people, and a later photo joins the right one', async () => {
    const group = await photoOf('owner-group', ['cy', 'di']);
    const later = await photoOf('owner-group', ['di']);
    await harness.handler(group.event);
    await harness.handler(later.event);

    const people = await peopleOf(harness, 'owner-group');
    expect(people).toHaveLength(2);
    const appearances = await appearancesOf(harness, 'owner-group');
    const di = appearances.find((a) => a.faceId === `${group.photoId}-1`)!.personId;
    expect(appearances.find((a) => a.photoId === later.photoId)!.personId).toBe(di);
    expect(harness.publisher.people.filter((p) => p.ownerId === 'owner-group')).toHaveLength(2);
  });

  it('records the photo as DONE with its size, faces and the upright dimensions', async () => {
    const photo = await photoOf('owner-record', ['ed']);
    await harness.handler(photo.event);

    const [record] = await photosOf(harness, 'owner-record');
    expect(record).toMatchObject({
      photoId: photo.photoId,
      status: 'DONE',
      faceCount: 1,
      width: 320,
      height: 240,
      key: photo.key,
    });
    expect(record!.statusCreatedAt).toBe(`DONE#${record!.createdAt}`);
  });

  it("never matches one owner's face with another owner's", async () => {
    await harness.handler((await photoOf('owner-a', ['fay'])).event);
    await harness.handler((await photoOf('owner-b', ['fay'])).event);

    const [personA] = await peopleOf(harness, 'owner-a');
    const [personB] = await peopleOf(harness, 'owner-b');
    expect(personA!.personId).not.toBe(personB!.personId);
    expect(personA!.photoCount).toBe(1);
  });

  it('keeps a face the engine would not index, unassigned with its reason, founding nobody', async () => {
    const photo = await photoOf('owner-small', []);
    engine.script(photo.photoId, [{ label: 'gus', unindexedReasons: ['SMALL_BOUNDING_BOX'] }]);
    await harness.handler(photo.event);

    expect(await peopleOf(harness, 'owner-small')).toHaveLength(0);
    const [appearance] = await appearancesOf(harness, 'owner-small');
    expect(appearance).toMatchObject({ unassignedReason: 'TOO_SMALL' });
    expect(appearance!.personId).toBeUndefined();
    expect(await processedObject(harness, appearance!.thumbnailKey)).toBeDefined();
  });
});

describe('photos without faces and bad input', () => {
  it('records a photo without faces as NO_FACES', async () => {
    const photo = await photoOf('owner-empty', []);
    await harness.handler(photo.event);

    const [record] = await photosOf(harness, 'owner-empty');
    expect(record).toMatchObject({ status: 'NO_FACES', faceCount: 0 });
  });

  it.each([
    ['an empty file', Buffer.alloc(0), 'EMPTY_IMAGE'],
    [
      'a text file',
      Buffer.from('these are not the pixels you are looking for'),
      'UNSUPPORTED_IMAGE',
    ],
    [
      'a corrupt JPEG',
      Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 7)]),
    ],
  ] as const)('records %s as FAILED with a typed reason', async (_name, body, reason?) => {
    const ownerId = `owner-bad-${body.length}`;
    const uploaded = await upload(harness, `photos-raw/${ownerId}/bad.jpg`, body);
    await harness.handler(uploaded.event);

    const [record] = await photosOf(harness, ownerId);
    expect(record!.status).toBe('FAILED');
    expect(record!.reason).toBe(reason ?? 'CORRUPT_IMAGE');
    expect(record!.reasonMessage).toBeTruthy();
  });

  it('records a truncated JPEG as FAILED with CORRUPT_IMAGE', async () => {
    const whole = await sharp({
      create: { width: 400, height: 300, channels: 3, background: '#3366aa' },
    })
      .jpeg()
      .toBuffer();
    const uploaded = await upload(
      harness,
      'photos-raw/owner-truncated/cut.jpg',
      whole.subarray(0, Math.floor(whole.length / 2)),
    );
    await harness.handler(uploaded.event);

    const [record] = await photosOf(harness, 'owner-truncated');
    expect(record).toMatchObject({ status: 'FAILED', reason: 'CORRUPT_IMAGE' });
  });

  it('goes on with the rest of a batch after a bad photo', async () => {
    const bad = await upload(harness, 'photos-raw/owner-batch/bad.jpg', Buffer.from('nope'));
    const good = await photoOf('owner-batch', ['hal']);
    await harness.handler({ Records: [...bad.event.Records, ...good.event.Records] });

    const statuses = (await photosOf(harness, 'owner-batch')).map((p) => p.status).sort();
    expect(statuses).toEqual(['DONE', 'FAILED']);
  });

  it('records a photo larger than the limit without reading it', async () => {
    const photo = await photoOf('owner-huge', ['ian']);
    const record = photo.event.Records[0]!;
    record.s3.object.size = harness.settings.maxPhotoBytes + 1;
    await harness.handler(photo.event);

    const [stored] = await photosOf(harness, 'owner-huge');
    expect(stored).toMatchObject({ status: 'FAILED', reason: 'IMAGE_TOO_LARGE' });
  });

  it('decodes a URL-encoded key with spaces, an ampersand, brackets and unicode', async () => {
    const photo = await photoOf('owner-keys', ['jo'], 'family trip/Ana & Bo (1) – été.jpg');
    expect(photo.event.Records[0]!.s3.object.key).toContain('family+trip');
    await harness.handler(photo.event);

    const [record] = await photosOf(harness, 'owner-keys');
    expect(record).toMatchObject({
      key: 'photos-raw/owner-keys/family trip/Ana & Bo (1) – été.jpg',
      status: 'DONE',
    });
  });

  it('ignores a key outside photos-raw/<ownerId>/ without failing the batch', async () => {
    const stray = await upload(harness, 'elsewhere/photo.jpg', await plainJpeg());
    const good = await photoOf('owner-stray', ['kim']);
    await harness.handler({ Records: [...stray.event.Records, ...good.event.Records] });

    expect((await photosOf(harness, 'owner-stray')).map((p) => p.status)).toEqual(['DONE']);
  });
});

describe('replays, retries and concurrency', () => {
  it('leaves the same state when the same event is delivered twice', async () => {
    const photo = await photoOf('owner-replay', ['lu', 'mo']);
    await harness.handler(photo.event);
    const before = {
      people: await peopleOf(harness, 'owner-replay'),
      appearances: await appearancesOf(harness, 'owner-replay'),
    };
    await harness.handler(photo.event);

    expect(await peopleOf(harness, 'owner-replay')).toEqual(before.people);
    expect(await appearancesOf(harness, 'owner-replay')).toEqual(before.appearances);
    expect(harness.publisher.people.filter((p) => p.ownerId === 'owner-replay')).toHaveLength(2);
  });

  it('converges after a transient failure mid-way when the event is retried', async () => {
    await harness.handler((await photoOf('owner-retry', ['ned'])).event);
    const photo = await photoOf('owner-retry', ['ned', 'oz']);
    engine.failNext('searchFaces');

    await expect(harness.handler(photo.event)).rejects.toThrow(/throttled/);
    expect((await photosOf(harness, 'owner-retry')).map((p) => p.status).sort()).toEqual([
      'DONE',
      'PROCESSING',
    ]);
    await harness.handler(photo.event);

    const people = await peopleOf(harness, 'owner-retry');
    expect(people.map((p) => p.photoCount).sort()).toEqual([1, 2]);
    expect(await appearancesOf(harness, 'owner-retry')).toHaveLength(3);
    expect((await photosOf(harness, 'owner-retry')).every((p) => p.status === 'DONE')).toBe(true);
  });

  it('reports SQS messages whose photo failed transiently, and only those', async () => {
    const good = await photoOf('owner-sqs', ['pia']);
    const flaky = await photoOf('owner-sqs', ['quin']);
    engine.failNext('indexFaces');
    const message = (id: string, body: unknown) => ({
      messageId: id,
      receiptHandle: `handle-${id}`,
      body: JSON.stringify(body),
      attributes: {} as never,
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:raw-photos',
      awsRegion: 'us-east-1',
    });

    const response = await harness.handler({
      Records: [message('m-flaky', flaky.event), message('m-good', good.event)],
    });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-flaky' }]);
    expect((await photosOf(harness, 'owner-sqs')).map((p) => p.status).sort()).toEqual([
      'DONE',
      'PROCESSING',
    ]);
  });

  it('creates one person when two photos of a new person are processed at the same time', async () => {
    const photos = await Promise.all([1, 2, 3].map(() => photoOf('owner-race', ['rey'])));
    await Promise.all(photos.map((photo) => harness.handler(photo.event)));

    const people = await peopleOf(harness, 'owner-race');
    expect(people).toHaveLength(1);
    expect(people[0]!.photoCount).toBe(3);
  });

  it('forgets the faces of a photo replaced by an unreadable upload', async () => {
    const photo = await photoOf('owner-replace', ['sam'], 'portrait.jpg');
    await harness.handler(photo.event);
    const replaced = await upload(harness, photo.key, Buffer.from('not an image any more'));
    await harness.handler(replaced.event);

    expect(await appearancesOf(harness, 'owner-replace')).toEqual([]);
    expect(await peopleOf(harness, 'owner-replace')).toEqual([]);
    const [record] = await photosOf(harness, 'owner-replace');
    expect(record).toMatchObject({ status: 'FAILED', reason: 'UNSUPPORTED_IMAGE' });
  });

  it('removes a deleted photo: its faces, appearances, thumbnails, record and lone people', async () => {
    const kept = await photoOf('owner-delete', ['tia']);
    const deleted = await photoOf('owner-delete', ['tia', 'uma']);
    await harness.handler(kept.event);
    await harness.handler(deleted.event);
    const thumbnails = (await appearancesOf(harness, 'owner-delete'))
      .filter((appearance) => appearance.photoId === deleted.photoId)
      .map((appearance) => appearance.thumbnailKey);
    const removal = structuredClone(deleted.event);
    removal.Records[0]!.eventName = 'ObjectRemoved:Delete';

    await harness.handler(removal);

    expect((await photosOf(harness, 'owner-delete')).map((p) => p.photoId)).toEqual([kept.photoId]);
    expect((await appearancesOf(harness, 'owner-delete')).map((a) => a.photoId)).toEqual([
      kept.photoId,
    ]);
    const people = await peopleOf(harness, 'owner-delete');
    expect(people.map((person) => person.photoCount)).toEqual([1]);
    expect([...engine.faces.keys()].filter((id) => id.startsWith(deleted.photoId))).toEqual([]);
    for (const key of thumbnails) expect(await processedObject(harness, key)).toBeUndefined();
  });
});
