/**
 * The ingestion pipeline with the Rekognition face engine, on dynalite and s3rver: Rekognition
 * itself is mocked, and each scenario asserts the exact calls the pipeline made through the
 * engine, and what it wrote.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateCollectionCommand,
  IndexFacesCommand,
  RekognitionClient,
  ResourceNotFoundException,
  SearchFacesCommand,
  ThrottlingException,
  type FaceRecord,
} from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RekognitionFaceEngine } from '../ingestion/adapters/rekognition-face-engine.ts';
import {
  appearancesOf,
  peopleOf,
  photosOf,
  plainJpeg,
  startPipelineHarness,
  upload,
  type PipelineHarness,
} from './support/pipeline-harness.ts';

const rekognition = mockClient(RekognitionClient);
const collectionOf = (ownerId: string) => `fg-test-${ownerId}`;
let harness: PipelineHarness;
let photoNumber = 0;

beforeAll(async () => {
  const engine = new RekognitionFaceEngine(new RekognitionClient({ region: 'us-east-1' }), {
    collectionPrefix: 'fg-test-',
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    retryHooks: { sleep: async () => {}, random: () => 0 },
  });
  harness = await startPipelineHarness(engine);
});

beforeEach(() => rekognition.reset());

afterAll(async () => {
  rekognition.restore();
  await harness?.close();
});

function face(faceId: string, left: number): FaceRecord {
  return {
    Face: {
      FaceId: faceId,
      Confidence: 99.9,
      BoundingBox: { Left: left, Top: 0.25, Width: 0.2, Height: 0.4 },
    },
  };
}

async function photoOf(ownerId: string) {
  photoNumber += 1;
  return upload(
    harness,
    `photos-raw/${ownerId}/photo-${photoNumber}.jpg`,
    await plainJpeg(640, 480),
  );
}

/** `Operation(collection, face or photo)` for each Rekognition call, in order. */
function calls(): string[] {
  return rekognition.calls().map((call) => {
    const command = call.args[0] as {
      constructor: { name: string };
      input: { CollectionId?: string; FaceId?: string; ExternalImageId?: string };
    };
    const name = command.constructor.name.replace(/Command$/, '');
    const subject = command.input.FaceId ?? command.input.ExternalImageId;
    return subject
      ? `${name}(${command.input.CollectionId}, ${subject})`
      : `${name}(${command.input.CollectionId})`;
  });
}

describe('the pipeline on Rekognition', () => {
  it("creates a new owner's collection, indexes the face and founds a new person", async () => {
    const photo = await photoOf('owner-new');
    rekognition
      .on(IndexFacesCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'no collection', $metadata: {} }))
      .resolves({ FaceRecords: [face('face-1', 0.3)] });
    rekognition.on(CreateCollectionCommand).resolves({ StatusCode: 200 });
    rekognition.on(SearchFacesCommand).resolves({ FaceMatches: [] });

    await harness.handler(photo.event);

    const collection = collectionOf('owner-new');
    expect(calls()).toEqual([
      `IndexFaces(${collection}, ${photo.photoId})`,
      `CreateCollection(${collection})`,
      `IndexFaces(${collection}, ${photo.photoId})`,
      `SearchFaces(${collection}, face-1)`,
    ]);
    const people = await peopleOf(harness, 'owner-new');
    expect(people).toHaveLength(1);
    expect(harness.publisher.people.map((person) => person.personId)).toContain(
      people[0]!.personId,
    );
  });

  it('matches a known person through the collection and adds the photo to them', async () => {
    const first = await photoOf('owner-known');
    rekognition.on(IndexFacesCommand).resolves({ FaceRecords: [face('face-a', 0.3)] });
    rekognition.on(SearchFacesCommand).resolves({ FaceMatches: [] });
    await harness.handler(first.event);
    rekognition.reset();

    const second = await photoOf('owner-known');
    rekognition.on(IndexFacesCommand).resolves({ FaceRecords: [face('face-b', 0.5)] });
    rekognition.on(SearchFacesCommand, { FaceId: 'face-b' }).resolves({
      FaceMatches: [
        { Similarity: 98.7, Face: { FaceId: 'face-a', ExternalImageId: first.photoId } },
      ],
    });
    await harness.handler(second.event);

    const collection = collectionOf('owner-known');
    expect(calls()).toEqual([
      `IndexFaces(${collection}, ${second.photoId})`,
      `SearchFaces(${collection}, face-b)`,
    ]);
    const people = await peopleOf(harness, 'owner-known');
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({ faceCount: 2, photoCount: 2 });
    const joined = (await appearancesOf(harness, 'owner-known')).find(
      (appearance) => appearance.faceId === 'face-b',
    );
    expect(joined).toMatchObject({ personId: people[0]!.personId, similarity: 98.7 });
  });

  it('indexes a group photo once and searches each of its three faces', async () => {
    const photo = await photoOf('owner-group');
    rekognition
      .on(IndexFacesCommand)
      .resolves({ FaceRecords: [face('face-x', 0.05), face('face-y', 0.4), face('face-z', 0.75)] });
    rekognition.on(SearchFacesCommand).resolves({ FaceMatches: [] });

    await harness.handler(photo.event);

    const collection = collectionOf('owner-group');
    expect(calls()[0]).toBe(`IndexFaces(${collection}, ${photo.photoId})`);
    expect(calls().slice(1).sort()).toEqual([
      `SearchFaces(${collection}, face-x)`,
      `SearchFaces(${collection}, face-y)`,
      `SearchFaces(${collection}, face-z)`,
    ]);
    expect(await peopleOf(harness, 'owner-group')).toHaveLength(3);
    const [record] = await photosOf(harness, 'owner-group');
    expect(record).toMatchObject({ status: 'DONE', faceCount: 3 });
  });

  it('records a photo without a face as NO_FACES after a single index call', async () => {
    const photo = await photoOf('owner-empty');
    rekognition.on(IndexFacesCommand).resolves({ FaceRecords: [], UnindexedFaces: [] });

    await harness.handler(photo.event);

    expect(calls()).toEqual([`IndexFaces(${collectionOf('owner-empty')}, ${photo.photoId})`]);
    const [record] = await photosOf(harness, 'owner-empty');
    expect(record).toMatchObject({ status: 'NO_FACES' });
    expect(await peopleOf(harness, 'owner-empty')).toEqual([]);
  });

  it('retries a throttled index call and finishes the photo', async () => {
    const photo = await photoOf('owner-throttled');
    rekognition
      .on(IndexFacesCommand)
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({ FaceRecords: [face('face-t', 0.3)] });
    rekognition.on(SearchFacesCommand).resolves({ FaceMatches: [] });

    await harness.handler(photo.event);

    const collection = collectionOf('owner-throttled');
    expect(calls()).toEqual([
      `IndexFaces(${collection}, ${photo.photoId})`,
      `IndexFaces(${collection}, ${photo.photoId})`,
      `SearchFaces(${collection}, face-t)`,
    ]);
    const [record] = await photosOf(harness, 'owner-throttled');
    expect(record).toMatchObject({ status: 'DONE', faceCount: 1 });
  });
});
