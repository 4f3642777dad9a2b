import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateCollectionCommand,
  DeleteFacesCommand,
  IndexFacesCommand,
  InvalidImageFormatException,
  RekognitionClient,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  SearchFacesCommand,
  ThrottlingException,
  type IndexFacesCommandOutput,
} from '@aws-sdk/client-rekognition';
import { mockClient } from 'aws-sdk-client-mock';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  boundingBoxOf,
  collectionIdFor,
  RekognitionFaceEngine,
} from '../ingestion/adapters/rekognition-face-engine.ts';
import {
  MAX_IMAGE_BYTES,
  MIN_IMAGE_SIDE,
  rekognitionBytes,
} from '../ingestion/adapters/rekognition-image.ts';
import { backoffDelay, DEFAULT_BACKOFF } from '../ingestion/adapters/retry-throttled.ts';
import { UnsupportedImageError } from '../model/errors.ts';
import type { UprightImage } from '../ingestion/ports.ts';

const PREFIX = 'fg-test-';
const OWNER = '3f1c2b9e-8a4d-4c3e-9f00-5b6a7c8d9e0f';
const COLLECTION = `${PREFIX}${OWNER}`;
const rekognition = mockClient(RekognitionClient);
const waits: number[] = [];
const threshold = { threshold: 80, maxMatches: 25 };

function engine(): RekognitionFaceEngine {
  return new RekognitionFaceEngine(new RekognitionClient({ region: 'us-east-1' }), {
    collectionPrefix: PREFIX,
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    retryHooks: {
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
    },
  });
}

async function photo(width: number, height: number): Promise<UprightImage> {
  const jpeg = await sharp({
    create: { width, height, channels: 3, background: { r: 120, g: 110, b: 100 } },
  })
    .jpeg()
    .toBuffer();
  return { jpeg, width, height };
}

function faceRecord(faceId: string, left: number) {
  return {
    Face: {
      FaceId: faceId,
      ExternalImageId: 'photo-1',
      Confidence: 99.5,
      BoundingBox: { Left: left, Top: 0.2, Width: 0.1, Height: 0.15 },
    },
  };
}

function indexed(...faces: ReturnType<typeof faceRecord>[]): IndexFacesCommandOutput {
  return { FaceRecords: faces, UnindexedFaces: [], $metadata: {} };
}

/** The commands the mock saw, in order, as `Name(collection)`. */
function callSequence(): string[] {
  return rekognition.calls().map((call) => {
    const command = call.args[0] as { constructor: { name: string }; input: object };
    return command.constructor.name.replace(/Command$/, '');
  });
}

const notFound = () =>
  new ResourceNotFoundException({ message: 'The collection id does not exist', $metadata: {} });
const throttled = () => new ThrottlingException({ message: 'Slow down', $metadata: {} });

let image: UprightImage;

beforeAll(async () => {
  image = await photo(640, 480);
});

beforeEach(() => {
  rekognition.reset();
  waits.length = 0;
});

afterAll(() => rekognition.restore());

describe('RekognitionFaceEngine call sequences', () => {
  it('creates the collection of a new owner on first use, then indexes and finds a new person', async () => {
    rekognition
      .on(IndexFacesCommand)
      .rejectsOnce(notFound())
      .resolves(indexed(faceRecord('face-a', 0.3)));
    rekognition.on(CreateCollectionCommand).resolves({ StatusCode: 200 });
    rekognition.on(SearchFacesCommand).resolves({ FaceMatches: [] });
    const faces = engine();

    const result = await faces.indexFaces(OWNER, 'photo-1', image);
    const matches = await faces.searchFaces(OWNER, 'face-a', threshold);

    expect(callSequence()).toEqual(['IndexFaces', 'CreateCollection', 'IndexFaces', 'SearchFaces']);
    expect(rekognition.commandCalls(CreateCollectionCommand)[0]!.args[0].input).toEqual({
      CollectionId: COLLECTION,
    });
    const index = rekognition.commandCalls(IndexFacesCommand)[1]!.args[0].input;
    expect(index).toMatchObject({
      CollectionId: COLLECTION,
      ExternalImageId: 'photo-1',
      MaxFaces: 100,
      QualityFilter: 'AUTO',
    });
    expect(index.Image?.Bytes).toEqual(image.jpeg);
    expect(rekognition.commandCalls(SearchFacesCommand)[0]!.args[0].input).toEqual({
      CollectionId: COLLECTION,
      FaceId: 'face-a',
      FaceMatchThreshold: 80,
      MaxFaces: 25,
    });
    expect(result.faces).toEqual([
      {
        faceId: 'face-a',
        confidence: 99.5,
        boundingBox: { left: 0.3, top: 0.2, width: 0.1, height: 0.15 },
      },
    ]);
    expect(matches).toEqual([]);
  });

  it('finds a known person through the collection: one index call, one search by face id', async () => {
    rekognition.on(IndexFacesCommand).resolves(indexed(faceRecord('face-b', 0.4)));
    rekognition.on(SearchFacesCommand).resolves({
      SearchedFaceId: 'face-b',
      FaceMatches: [
        { Similarity: 91.25, Face: { FaceId: 'face-old-2', ExternalImageId: 'photo-old-2' } },
        { Similarity: 98.5, Face: { FaceId: 'face-old-1', ExternalImageId: 'photo-old-1' } },
      ],
    });
    const faces = engine();

    await faces.indexFaces(OWNER, 'photo-2', image);
    const matches = await faces.searchFaces(OWNER, 'face-b', threshold);

    expect(callSequence()).toEqual(['IndexFaces', 'SearchFaces']);
    expect(matches).toEqual([
      { faceId: 'face-old-1', photoId: 'photo-old-1', similarity: 98.5 },
      { faceId: 'face-old-2', photoId: 'photo-old-2', similarity: 91.25 },
    ]);
  });

  it('indexes a group photo of three faces in one call and searches each face once', async () => {
    rekognition
      .on(IndexFacesCommand)
      .resolves(
        indexed(faceRecord('face-1', 0.1), faceRecord('face-2', 0.4), faceRecord('face-3', 0.7)),
      );
    rekognition.on(SearchFacesCommand).resolves({ FaceMatches: [] });
    const faces = engine();

    const result = await faces.indexFaces(OWNER, 'photo-3', image);
    for (const face of result.faces) await faces.searchFaces(OWNER, face.faceId, threshold);

    expect(callSequence()).toEqual(['IndexFaces', 'SearchFaces', 'SearchFaces', 'SearchFaces']);
    expect(result.faces.map((face) => face.faceId)).toEqual(['face-1', 'face-2', 'face-3']);
    const searched = rekognition
      .commandCalls(SearchFacesCommand)
      .map((call) => call.args[0].input.FaceId);
    expect(searched).toEqual(['face-1', 'face-2', 'face-3']);
  });

  it('returns no face for a photo without one, and records the faces it would not index', async () => {
    rekognition.on(IndexFacesCommand).resolves({
      FaceRecords: [],
      UnindexedFaces: [
        {
          Reasons: ['SMALL_BOUNDING_BOX', 'LOW_SHARPNESS'],
          FaceDetail: {
            Confidence: 62,
            BoundingBox: { Left: -0.02, Top: 0.9, Width: 0.05, Height: 0.2 },
          },
        },
      ],
      $metadata: {},
    });
    const faces = engine();

    const result = await faces.indexFaces(OWNER, 'photo-4', image);

    expect(callSequence()).toEqual(['IndexFaces']);
    expect(result.faces).toEqual([]);
    expect(result.unindexed).toHaveLength(1);
    expect(result.unindexed[0]!.reasons).toEqual(['SMALL_BOUNDING_BOX', 'LOW_SHARPNESS']);
    expect(result.unindexed[0]!.confidence).toBe(62);
    const box = result.unindexed[0]!.boundingBox;
    expect(box.left).toBe(0);
    expect(box.width).toBeCloseTo(0.03);
    expect(box.top).toBe(0.9);
    expect(box.height).toBeCloseTo(0.1);
  });

  it('retries a throttled call with growing, jittered waits until it succeeds', async () => {
    rekognition
      .on(IndexFacesCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves(indexed(faceRecord('face-c', 0.5)));
    const faces = engine();

    const result = await faces.indexFaces(OWNER, 'photo-5', image);

    expect(callSequence()).toEqual(['IndexFaces', 'IndexFaces', 'IndexFaces']);
    expect(result.faces.map((face) => face.faceId)).toEqual(['face-c']);
    // random() = 0.5: half of a cap that starts at the base delay and doubles.
    expect(waits).toEqual([DEFAULT_BACKOFF.baseDelayMs / 2, DEFAULT_BACKOFF.baseDelayMs]);
  });

  it('gives up after the last attempt and lets the throttling error reach the caller', async () => {
    rekognition.on(SearchFacesCommand).rejects(throttled());

    await expect(engine().searchFaces(OWNER, 'face-d', threshold)).rejects.toBeInstanceOf(
      ThrottlingException,
    );
    expect(callSequence()).toHaveLength(DEFAULT_BACKOFF.maxAttempts);
    expect(waits).toHaveLength(DEFAULT_BACKOFF.maxAttempts - 1);
  });

  it('tolerates a collection that another photo created at the same time', async () => {
    rekognition
      .on(IndexFacesCommand)
      .rejectsOnce(notFound())
      .resolves(indexed(faceRecord('face-e', 0.2)));
    rekognition
      .on(CreateCollectionCommand)
      .rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {} }));

    const result = await engine().indexFaces(OWNER, 'photo-6', image);

    expect(callSequence()).toEqual(['IndexFaces', 'CreateCollection', 'IndexFaces']);
    expect(result.faces).toHaveLength(1);
  });

  it('deletes the faces of a photo from the collection, and ignores an owner without one', async () => {
    rekognition
      .on(DeleteFacesCommand)
      .resolvesOnce({ DeletedFaces: ['face-1', 'face-2'] })
      .rejects(notFound());
    const faces = engine();

    await faces.deleteFaces(OWNER, ['face-1', 'face-2']);
    await faces.deleteFaces('owner-without-photos', ['face-9']);

    expect(callSequence()).toEqual(['DeleteFaces', 'DeleteFaces']);
    expect(rekognition.commandCalls(DeleteFacesCommand)[0]!.args[0].input).toEqual({
      CollectionId: COLLECTION,
      FaceIds: ['face-1', 'face-2'],
    });
  });

  it('reports an image Rekognition cannot read as an unsupported image, without retrying', async () => {
    rekognition
      .on(IndexFacesCommand)
      .rejects(new InvalidImageFormatException({ message: 'bad format', $metadata: {} }));

    await expect(engine().indexFaces(OWNER, 'photo-7', image)).rejects.toBeInstanceOf(
      UnsupportedImageError,
    );
    expect(callSequence()).toEqual(['IndexFaces']);
  });

  it('refuses a photo id that is not a valid ExternalImageId before calling Rekognition', async () => {
    await expect(engine().indexFaces(OWNER, 'photo/with/slashes', image)).rejects.toThrow(
      /ExternalImageId/,
    );
    expect(callSequence()).toEqual([]);
  });
});

describe('collection ids', () => {
  it('keep an owner id made of valid characters as it is', () => {
    expect(collectionIdFor('fg-', 'a1b2-c3.d4')).toBe('fg-a1b2-c3.d4');
  });

  it('escape characters a collection id cannot hold, and the escape character itself', () => {
    expect(collectionIdFor('fg-', 'us-east-1:abc')).toBe('fg-us-east-1_3aabc');
    expect(collectionIdFor('fg-', 'a_b@c')).toBe('fg-a_5fb_40c');
    expect(collectionIdFor('fg-', 'a:b')).not.toBe(collectionIdFor('fg-', 'a_3ab'));
  });

  it('hash an owner id whose escaped form would pass 255 characters', () => {
    const id = collectionIdFor('fg-', ':'.repeat(128));
    expect(id).toMatch(/^fg-_z[0-9a-f]{64}$/);
    expect(id.length).toBeLessThanOrEqual(255);
  });

  it('are refused for a prefix with invalid characters', () => {
    expect(() => collectionIdFor('face groups/', 'owner')).toThrow(RangeError);
  });
});

describe('images sent to Rekognition', () => {
  it('are the upright JPEG itself when it is within the limits', async () => {
    expect(await rekognitionBytes(image)).toBe(image.jpeg);
  });

  it('are enlarged to 80 px on the short side when smaller', async () => {
    const small = await photo(60, 40);
    const bytes = await rekognitionBytes(small);
    const size = await sharp(bytes).metadata();
    expect(size.format).toBe('jpeg');
    expect(size.height).toBe(MIN_IMAGE_SIDE);
    expect(size.width).toBe(120);
  });

  it('are converted to JPEG when in another format', async () => {
    const webp = await sharp(image.jpeg).webp().toBuffer();
    const bytes = await rekognitionBytes({ ...image, jpeg: webp });
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
  });

  it('are encoded again, smaller, when over 5 MB', async () => {
    const side = 2600;
    const noise = Buffer.alloc(side * side * 3);
    for (let i = 0; i < noise.length; i += 1) noise[i] = (i * 2654435761) >>> 24;
    const jpeg = await sharp(noise, { raw: { width: side, height: side, channels: 3 } })
      .jpeg({ quality: 100 })
      .toBuffer();
    expect(jpeg.length).toBeGreaterThan(MAX_IMAGE_BYTES);

    const bytes = await rekognitionBytes({ jpeg, width: side, height: side });

    expect(bytes.length).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
  });
});

describe('face boxes', () => {
  it('are cut to the image when Rekognition reports them past its edges', () => {
    expect(boundingBoxOf({ Left: 0.9, Top: -0.1, Width: 0.2, Height: 0.3 })).toEqual({
      left: 0.9,
      top: 0,
      width: expect.closeTo(0.1, 10) as number,
      height: expect.closeTo(0.2, 10) as number,
    });
  });
});

describe('backoff', () => {
  it('doubles the cap of the wait with each attempt, up to its maximum', () => {
    const policy = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(policy, attempt, () => 0.999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
  });
});
