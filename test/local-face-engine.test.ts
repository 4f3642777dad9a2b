import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoundingBox } from '../model/domain.ts';
import type { UprightImage } from '../ingestion/ports.ts';
import {
  createLocalFaceEngine,
  distanceToSimilarity,
  similarityToDistance,
  type LocalFaceEngine,
} from '../local/face-engine/local-face-engine.ts';
import { FaceWorkerPool } from '../local/face-engine/face-worker-pool.ts';
import { FaceWorkerCrashedError, FaceWorkerStartError } from '../local/face-engine/errors.ts';
import { useWasmBackend } from '../local/face-engine/wasm-backend.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const demoPhotos = join(repoRoot, 'node_modules/@vladmandic/face-api/demo');
const devPhotos = join(repoRoot, '../shared/faces/dev/photos');

/** What the pipeline hands the engine: EXIF applied, at most 2048 px, JPEG. */
async function upright(bytes: Buffer): Promise<UprightImage> {
  const { data, info } = await sharp(bytes)
    .rotate()
    .resize(2048, 2048, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 90 })
    .toBuffer({ resolveWithObject: true });
  return { jpeg: data, width: info.width, height: info.height };
}

async function uprightFile(path: string): Promise<UprightImage> {
  return upright(await readFile(path));
}

function expectInsidePhoto(box: BoundingBox): void {
  for (const ratio of [box.left, box.top, box.width, box.height]) {
    expect(ratio).toBeGreaterThanOrEqual(0);
    expect(ratio).toBeLessThanOrEqual(1);
  }
  expect(box.left + box.width).toBeLessThanOrEqual(1 + 1e-9);
  expect(box.top + box.height).toBeLessThanOrEqual(1 + 1e-9);
  expect(box.width).toBeGreaterThan(0);
  expect(box.height).toBeGreaterThan(0);
}

/** A worker that speaks the face worker protocol without a model: it finds no faces. */
function standInWorker({ diesOnRequest }: { diesOnRequest: boolean }): Worker {
  const source = `
    const { parentPort } = require('node:worker_threads');
    parentPort.postMessage({ type: 'ready' });
    parentPort.on('message', ({ requestId }) => {
      if (${diesOnRequest}) process.exit(7);
      const result = { width: 1, height: 1, view: 'plain', faces: [] };
      parentPort.postMessage({ type: 'detected', requestId, result });
    });`;
  return new Worker(source, { eval: true });
}

let collectionDir: string;
let engine: LocalFaceEngine;

beforeAll(async () => {
  collectionDir = await mkdtemp(join(tmpdir(), 'face-collection-'));
  engine = await createLocalFaceEngine({ collectionDir, workers: 2 });
});

afterAll(async () => {
  await engine?.close();
  await rm(collectionDir, { recursive: true, force: true });
});

describe('the local face engine', () => {
  it('runs tfjs on the wasm backend', async () => {
    await expect(useWasmBackend()).resolves.toBe('wasm');
  });

  it('maps distance 0.55 to similarity 80, linearly and clamped to 0-100', () => {
    expect(distanceToSimilarity(0.55)).toBeCloseTo(80);
    expect(similarityToDistance(80)).toBeCloseTo(0.55);
    expect(distanceToSimilarity(0.45)).toBeGreaterThan(distanceToSimilarity(0.5));
    expect(distanceToSimilarity(0)).toBe(100);
    expect(distanceToSimilarity(5)).toBe(0);
    expect(distanceToSimilarity(similarityToDistance(93))).toBeCloseTo(93);
  });

  it('indexes every face of a sample group photo, with boxes inside the photo', async () => {
    const photo = await uprightFile(join(demoPhotos, 'sample1.jpg'));

    const result = await engine.indexFaces('owner-sample', 'sample-1', photo);

    expect(result.faces).toHaveLength(3);
    expect(result.unindexed).toEqual([]);
    for (const face of result.faces) {
      expectInsidePhoto(face.boundingBox);
      expect(face.confidence).toBeGreaterThan(40);
      expect(face.confidence).toBeLessThanOrEqual(100);
    }
    expect(result.faces.map((face) => face.faceId)).toEqual([
      'sample-1-0',
      'sample-1-1',
      'sample-1-2',
    ]);
  });

  it('overwrites rather than duplicates the faces of a photo indexed again', async () => {
    const photo = await uprightFile(join(demoPhotos, 'sample2.jpg'));

    const first = await engine.indexFaces('owner-retry', 'sample-2', photo);
    const second = await engine.indexFaces('owner-retry', 'sample-2', photo);

    expect(second.faces.map((face) => face.faceId)).toEqual(first.faces.map((face) => face.faceId));
    expect(await engine.listFaces('owner-retry')).toHaveLength(first.faces.length);
  });

  it('reports a face under 40 pixels as unindexed with a small bounding box', async () => {
    const photo = await upright(
      await sharp(await readFile(join(demoPhotos, 'sample1.jpg')))
        .resize(300)
        .toBuffer(),
    );

    const result = await engine.indexFaces('owner-small', 'small-faces', photo);

    expect(result.faces).toEqual([]);
    expect(result.unindexed.length).toBeGreaterThan(0);
    for (const face of result.unindexed) {
      expect(face.reasons).toContain('SMALL_BOUNDING_BOX');
      expectInsidePhoto(face.boundingBox);
    }
    expect(await engine.listFaces('owner-small')).toEqual([]);
  });

  it('keeps going after a worker dies: the request fails and a new worker takes over', async () => {
    let spawned = 0;
    const pool = await FaceWorkerPool.start({
      size: 1,
      settings: { minFaceSide: 40 },
      spawn: () => standInWorker({ diesOnRequest: ++spawned === 1 }),
    });
    try {
      await expect(pool.detect(Buffer.from('photo'))).rejects.toBeInstanceOf(
        FaceWorkerCrashedError,
      );
      await expect(pool.detect(Buffer.from('photo'))).resolves.toMatchObject({ faces: [] });
      expect(pool.size).toBe(1);
    } finally {
      await pool.close();
    }
  });

  it('fails to start with a clear error when a worker cannot load', async () => {
    const start = FaceWorkerPool.start({
      size: 1,
      settings: { minFaceSide: 40 },
      spawn: () =>
        new Worker(
          `require('node:worker_threads').parentPort.postMessage({ type: 'start-failed',
             errorName: 'WasmBackendError', message: "tfjs runs on the 'cpu' backend" });`,
          { eval: true },
        ),
    });

    await expect(start).rejects.toBeInstanceOf(FaceWorkerStartError);
    await expect(start).rejects.toThrow(/WasmBackendError.*'cpu'/);
  });
});

describe.skipIf(!existsSync(devPhotos))('the local face engine on the dev photos', () => {
  const dev = (name: string) => uprightFile(join(devPhotos, name));

  it('finds no face in a photo of coffee or of a falcon', async () => {
    const [coffee, falcon] = await Promise.all([
      dev('skimage_coffee.png').then((photo) => engine.indexFaces('owner-empty', 'coffee', photo)),
      dev('immich_prairie_falcon.jpg').then((photo) =>
        engine.indexFaces('owner-empty', 'falcon', photo),
      ),
    ]);

    expect(coffee).toEqual({ faces: [], unindexed: [] });
    expect(falcon).toEqual({ faces: [], unindexed: [] });
  });

  it('matches two photos of one person above 80 and another person below', async () => {
    const index = async (photoId: string, name: string) =>
      engine.indexFaces('owner-match', photoId, await dev(name));
    const [obama, obamaAgain, biden] = await Promise.all([
      index('obama-1', 'fr_obama.jpg'),
      index('obama-2', 'fr_obama2.jpg'),
      index('biden', 'fr_knn_biden2.jpg'),
    ]);
    const [obamaFace] = obama.faces;
    const [obamaAgainFace] = obamaAgain.faces;
    const [bidenFace] = biden.faces;

    const matches = await engine.searchFaces('owner-match', obamaFace!.faceId, {
      threshold: 0,
      maxMatches: 10,
    });

    expect(matches.map((match) => match.faceId)).toEqual([
      obamaAgainFace!.faceId,
      bidenFace!.faceId,
    ]);
    expect(matches[0]).toMatchObject({ photoId: 'obama-2' });
    expect(matches[0]!.similarity).toBeGreaterThan(80);
    expect(matches[1]!.similarity).toBeLessThan(80);
    const atThreshold = await engine.searchFaces('owner-match', obamaFace!.faceId, {
      threshold: 80,
      maxMatches: 10,
    });
    expect(atThreshold.map((match) => match.faceId)).toEqual([obamaAgainFace!.faceId]);
  });

  it('finds a face in a photo turned on its side and maps its box back', async () => {
    const photo = await dev('fr_obama3.jpg');
    const turned = await upright(await sharp(photo.jpeg).rotate(-90).toBuffer());

    const [uprightResult, turnedResult] = await Promise.all([
      engine.detectFaces(photo),
      engine.detectFaces(turned),
    ]);

    expect(uprightResult.faces).toHaveLength(1);
    expect(turnedResult.view).toBe('turn90');
    expect(turnedResult.faces).toHaveLength(1);
    const { left, top, width, height } = uprightResult.faces[0]!.boundingBox;
    // Turning counter-clockwise takes a point at (x, y) to (y, 1 - x), in ratios.
    const expected = { left: top, top: 1 - left - width, width: height, height: width };
    const found = turnedResult.faces[0]!.boundingBox;
    expect(found.left).toBeCloseTo(expected.left, 1);
    expect(found.top).toBeCloseTo(expected.top, 1);
    expect(found.width).toBeCloseTo(expected.width, 1);
    expect(found.height).toBeCloseTo(expected.height, 1);
  });

  it('matches a face found unsure on a sideways photo by looking at it turned', async () => {
    const photo = await dev('fr_obama.jpg');
    const sideways = await upright(await sharp(photo.jpeg).rotate(90).toBuffer());
    const [uprightResult, sidewaysResult] = await Promise.all([
      engine.indexFaces('owner-sideways', 'upright', photo),
      engine.indexFaces('owner-sideways', 'sideways', sideways),
    ]);
    expect(uprightResult.faces).toHaveLength(1);
    expect(sidewaysResult.faces).toHaveLength(1);

    const [match] = await engine.searchFaces('owner-sideways', sidewaysResult.faces[0]!.faceId, {
      threshold: 0,
      maxMatches: 1,
    });

    expect(match).toMatchObject({ photoId: 'upright' });
    expect(match!.similarity).toBeGreaterThan(80);
  });

  it("keeps each owner's faces apart", async () => {
    const photo = await dev('fr_obama3.jpg');
    const mine = await engine.indexFaces('owner-isolation-a', 'obama-3', photo);
    const theirs = await engine.indexFaces('owner-isolation-b', 'obama-3', photo);
    await engine.indexFaces('owner-isolation-b', 'obama-1', await dev('fr_obama.jpg'));

    const matches = await engine.searchFaces('owner-isolation-a', mine.faces[0]!.faceId, {
      threshold: 0,
      maxMatches: 10,
    });

    expect(matches).toEqual([]);
    expect((await engine.listFaces('owner-isolation-a')).map((face) => face.photoId)).toEqual([
      'obama-3',
    ]);
    expect(await engine.listFaces('owner-isolation-b')).toHaveLength(2);
    await engine.deleteFaces('owner-isolation-a', [theirs.faces[0]!.faceId, 'no-such-face']);
    expect(await engine.listFaces('owner-isolation-b')).toHaveLength(2);
  });

  it('finds the faces of an earlier engine on the same collection folder', async () => {
    const photo = await dev('fr_knn_rose_leslie_img2.jpg');
    const indexed = await engine.indexFaces('owner-persisted', 'rose', photo);
    await engine.indexFaces('owner-persisted', 'rose-again', photo);
    await engine.deleteFaces('owner-persisted', ['rose-again-0']);

    const later = await createLocalFaceEngine({ collectionDir, workers: 1 });
    try {
      const faces = await later.listFaces('owner-persisted');
      expect(faces.map((face) => face.faceId)).toEqual([indexed.faces[0]!.faceId]);
      const original = (await engine.listFaces('owner-persisted'))[0]!;
      expect(Array.from(faces[0]!.descriptor)).toEqual(Array.from(original.descriptor));

      const again = await later.indexFaces('owner-persisted', 'rose-copy', photo);
      const matches = await later.searchFaces('owner-persisted', again.faces[0]!.faceId, {
        threshold: 80,
        maxMatches: 5,
      });
      expect(matches).toMatchObject([{ faceId: indexed.faces[0]!.faceId, photoId: 'rose' }]);
    } finally {
      await later.close();
    }
  });
});
