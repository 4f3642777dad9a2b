/**
 * The ingestion handler with the real local face engine, on the sample photos that ship in
 * `@vladmandic/face-api` and, when present, on the labeled photos of `../shared/faces/dev`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppearanceRecord } from '../model/domain.ts';
import {
  createLocalFaceEngine,
  type LocalFaceEngine,
} from '../local/face-engine/local-face-engine.ts';
import {
  appearancesOf,
  peopleOf,
  photosOf,
  processedObject,
  startPipelineHarness,
  upload,
  type PipelineHarness,
} from './support/pipeline-harness.ts';

const require = createRequire(import.meta.url);
const samples = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const devPhotos = join(repoRoot, '../shared/faces/dev/photos');

let engine: LocalFaceEngine;
let harness: PipelineHarness;
let collectionDir: string;

beforeAll(async () => {
  collectionDir = mkdtempSync(join(tmpdir(), 'face-groups-collection-'));
  engine = await createLocalFaceEngine({ collectionDir, workers: 2 });
  harness = await startPipelineHarness(engine);
});

afterAll(async () => {
  await harness?.close();
  await engine?.close();
  rmSync(collectionDir, { recursive: true, force: true });
});

async function ingest(ownerId: string, name: string, bytes: Buffer) {
  const uploaded = await upload(harness, `photos-raw/${ownerId}/${name}`, bytes);
  await harness.handler(uploaded.event);
  return uploaded.photoId;
}

function facesOf(appearances: AppearanceRecord[], photoId: string): AppearanceRecord[] {
  return appearances
    .filter((appearance) => appearance.photoId === photoId)
    .sort((a, b) => a.boundingBox.left - b.boundingBox.left);
}

async function meanPixelDifference(a: Buffer, b: Buffer): Promise<number> {
  const [pixelsA, pixelsB] = await Promise.all(
    [a, b].map((image) => sharp(image).greyscale().raw().toBuffer()),
  );
  let total = 0;
  for (let index = 0; index < pixelsA!.length; index += 1) {
    total += Math.abs(pixelsA![index]! - pixelsB![index]!);
  }
  return total / pixelsA!.length;
}

/** Boxes and thumbnails of the same faces agree, whichever way the pixels were stored. */
async function expectSameFaces(photoA: string, photoB: string, ownerId: string) {
  const appearances = await appearancesOf(harness, ownerId);
  const facesA = facesOf(appearances, photoA);
  const facesB = facesOf(appearances, photoB);
  expect(facesA.length).toBeGreaterThan(0);
  expect(facesB).toHaveLength(facesA.length);
  for (const [index, faceA] of facesA.entries()) {
    const faceB = facesB[index]!;
    for (const side of ['left', 'top', 'width', 'height'] as const) {
      expect(Math.abs(faceA.boundingBox[side] - faceB.boundingBox[side])).toBeLessThan(0.02);
    }
    const thumbnailA = await processedObject(harness, faceA.thumbnailKey);
    const thumbnailB = await processedObject(harness, faceB.thumbnailKey);
    expect(await meanPixelDifference(thumbnailA!, thumbnailB!)).toBeLessThan(12);
  }
}

describe('the sample photos shipped with the face model', () => {
  it('are each processed, with every face in a person and a thumbnail', async () => {
    const names = ['sample1.jpg', 'sample2.jpg', 'sample3.jpg'];
    for (const name of names) await ingest('samples', name, readFileSync(join(samples, name)));

    const photos = await photosOf(harness, 'samples');
    expect(photos.map((photo) => photo.status)).toEqual(['DONE', 'DONE', 'DONE']);
    const appearances = await appearancesOf(harness, 'samples');
    expect(appearances.length).toBeGreaterThanOrEqual(6);
    for (const appearance of appearances) {
      const { left, top, width, height } = appearance.boundingBox;
      expect(Math.min(left, top, width, height)).toBeGreaterThanOrEqual(0);
      expect(Math.max(left + width, top + height)).toBeLessThanOrEqual(1);
      expect(await processedObject(harness, appearance.thumbnailKey)).toBeDefined();
    }
    expect((await peopleOf(harness, 'samples')).length).toBeGreaterThan(0);
  });

  it('gives a photo stored sideways with EXIF orientation 6 the boxes of the upright one', async () => {
    const upright = readFileSync(join(samples, 'sample2.jpg'));
    const sideways = await sharp(upright).rotate(-90).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(sideways).metadata()).orientation).toBe(6);

    const uprightId = await ingest('exif-synthetic', 'upright.jpg', upright);
    const sidewaysId = await ingest('exif-synthetic', 'sideways.jpg', sideways);

    await expectSameFaces(uprightId, sidewaysId, 'exif-synthetic');
  });
});

describe.skipIf(!existsSync(devPhotos))('the labeled dev photos', () => {
  const dev = (name: string) => readFileSync(join(devPhotos, name));

  it('find the same faces and people in a portrait stored upright, with EXIF 6 and 8', async () => {
    const upright = await ingest('exif-dev', 'portrait.jpg', dev('immich_portrait.jpg'));
    const six = await ingest('exif-dev', 'six.jpg', dev('immich_portrait-orientation-6.jpg'));
    const eight = await ingest('exif-dev', 'eight.jpg', dev('skatsubo_photo.8.embedded.jpg'));

    await expectSameFaces(upright, six, 'exif-dev');
    await expectSameFaces(upright, eight, 'exif-dev');
    const people = await peopleOf(harness, 'exif-dev');
    expect(people.length).toBeGreaterThan(0);
    expect(people.map((person) => person.photoCount)).toEqual(people.map(() => 3));
  });

  it('record a photo without faces as NO_FACES', async () => {
    await ingest('no-face', 'coffee.png', dev('skimage_coffee.png'));

    const [photo] = await photosOf(harness, 'no-face');
    expect(photo).toMatchObject({ status: 'NO_FACES', faceCount: 0 });
  });

  it('put two photos of one person together and keep another person apart', async () => {
    await ingest('pair', 'obama.jpg', dev('fr_obama.jpg'));
    await ingest('pair', 'obama2.jpg', dev('fr_obama2.jpg'));
    await ingest('pair', 'biden.jpg', dev('fr_biden.jpg'));

    const counts = (await peopleOf(harness, 'pair')).map((person) => person.photoCount).sort();
    expect(counts).toEqual([1, 2]);
  });
});
