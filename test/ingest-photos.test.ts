import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestPhotos } from '../local/ingest-photos.ts';
import { listPhotoFiles } from '../local/photo-files.ts';
import { colourPhoto } from './support/colour-face-engine.ts';
import { startTestStack, type TestStack } from './support/test-stack.ts';

let test: TestStack;
let folder: string;

beforeAll(async () => {
  test = await startTestStack();
  folder = mkdtempSync(join(tmpdir(), 'face-groups-photos-'));
  writeFileSync(join(folder, 'green.jpg'), await colourPhoto(['green']));
  writeFileSync(join(folder, 'green again.jpg'), await colourPhoto(['green']));
});

afterAll(async () => {
  await test?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('an ingest into a stack it can wait for', () => {
  it('reports only once the stack has settled, re-clustering included', async () => {
    let settledAt: number | undefined;
    const summary = await ingestPhotos({
      clients: test.clients,
      ownerId: 'settling',
      photos: listPhotoFiles(folder).photos,
      pollIntervalMs: 10,
      settled: async () => {
        await test.stack.settled();
        // A slow re-clustering: the summary must still wait for it.
        await new Promise((resolve) => setTimeout(resolve, 400));
        settledAt = performance.now();
      },
    });
    const reportedAt = performance.now();

    expect(summary).toMatchObject({ photos: 2, done: 2, people: 1 });
    expect(settledAt).toBeDefined();
    expect(reportedAt).toBeGreaterThanOrEqual(settledAt!);
  });
});
