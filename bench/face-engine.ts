/**
 * Times the local face engine: detection and descriptors per photo, photos per second through the
 * worker pool, and peak memory. Prints figures, asserts nothing.
 *
 *   npx tsx bench/face-engine.ts [photoDir] [--photos 20] [--workers 2]
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import type { UprightImage } from '../ingestion/ports.ts';
import { createLocalFaceEngine } from '../local/face-engine/local-face-engine.ts';

const MAX_SIDE = 2048;
const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    photos: { type: 'string', default: '20' },
    workers: { type: 'string', default: '2' },
  },
});
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const photoDir = positionals[0] ?? join(repoRoot, '../shared/faces/dev/photos');
const photoCount = Number(values.photos);
const workers = Number(values.workers);

/** Spread over the folder's sorted names, so one family of photos does not make the sample. */
async function samplePhotos(dir: string, count: number): Promise<string[]> {
  const names = (await readdir(dir))
    .filter((name) => PHOTO_EXTENSIONS.has(extname(name).toLowerCase()))
    .sort();
  const step = Math.max(1, names.length / count);
  const picked = new Set<string>();
  for (let i = 0; i < names.length && picked.size < count; i += step) {
    picked.add(names[Math.floor(i)]!);
  }
  return [...picked];
}

async function upright(path: string): Promise<UprightImage> {
  const { data, info } = await sharp(await readFile(path))
    .rotate()
    .resize(MAX_SIDE, MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 90 })
    .toBuffer({ resolveWithObject: true });
  return { jpeg: data, width: info.width, height: info.height };
}

function megabytes(kilobytes: number): string {
  return `${(kilobytes / 1024).toFixed(0)} MB`;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

const names = await samplePhotos(photoDir, photoCount);
const photos = await Promise.all(names.map((name) => upright(join(photoDir, name))));
const baselineRss = process.resourceUsage().maxRSS;
const collectionDir = await mkdtemp(join(tmpdir(), 'bench-face-engine-'));

const startedAt = performance.now();
const engine = await createLocalFaceEngine({ collectionDir, workers });
const startMs = performance.now() - startedAt;
try {
  // The first inference of a worker compiles its kernels; it is not what a photo costs.
  await Promise.all(Array.from({ length: workers }, (_, i) => engine.detectFaces(photos[i]!)));

  const latencies: number[] = [];
  let faces = 0;
  const batchStarted = performance.now();
  const cpuBefore = process.cpuUsage();
  await Promise.all(
    photos.map(async (photo, i) => {
      const started = performance.now();
      const result = await engine.indexFaces('bench-owner', `photo-${i}`, photo);
      latencies.push(performance.now() - started);
      faces += result.faces.length;
    }),
  );
  const batchSeconds = (performance.now() - batchStarted) / 1000;
  // CPU time counts every thread of the process and, unlike wall time, ignores other processes.
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMsPerPhoto = (cpu.user + cpu.system) / 1000 / photos.length;

  // Requests queue for a free worker, so a latency is wait plus work; work is the batch's share.
  const sorted = latencies.sort((a, b) => a - b);
  const peakRss = process.resourceUsage().maxRSS;
  console.log(
    `photos: ${photos.length} from ${photoDir} (at most ${MAX_SIDE} px), faces: ${faces}`,
  );
  console.log(`workers: ${workers}, start-up (models loaded): ${startMs.toFixed(0)} ms`);
  console.log(
    `throughput: ${(photos.length / batchSeconds).toFixed(2)} photos/s, ` +
      `${((batchSeconds * 1000 * workers) / photos.length).toFixed(0)} ms of a worker per photo`,
  );
  console.log(
    `CPU time per photo: ${cpuMsPerPhoto.toFixed(0)} ms, so about ` +
      `${((1000 * workers) / cpuMsPerPhoto).toFixed(2)} photos/s on ${workers} idle cores`,
  );
  console.log(
    `latency with queueing: median ${percentile(sorted, 0.5).toFixed(0)} ms, ` +
      `p90 ${percentile(sorted, 0.9).toFixed(0)} ms, max ${sorted.at(-1)?.toFixed(0)} ms`,
  );
  console.log(
    `peak RSS of the process: ${megabytes(peakRss)} (before the engine: ` +
      `${megabytes(baselineRss)}); per worker about ` +
      `${megabytes((peakRss - baselineRss) / workers)}`,
  );
} finally {
  await engine.close();
  await rm(collectionDir, { recursive: true, force: true });
}
