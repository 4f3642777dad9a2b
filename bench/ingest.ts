/**
 * Ingestion throughput and memory on a fresh local stack with the real face engine:
 * `npx tsx bench/ingest.ts [DIR] [--workers N] [--concurrency N]` (DIR defaults to the dev set).
 *
 * Worker threads share the process, so the process's peak RSS covers them; the figure per
 * worker is the growth over the RSS before the stack started, divided among the workers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ingestPhotos } from '../local/ingest-photos.ts';
import { listPhotoFiles } from '../local/photo-files.ts';
import { createStackClients } from '../local/stack-clients.ts';
import { startLocalStack } from '../local/stack.ts';

const { values, positionals } = parseArgs({
  options: { workers: { type: 'string' }, concurrency: { type: 'string' } },
  allowPositionals: true,
});
const folder = resolve(positionals[0] ?? join(import.meta.dirname, '..', '..', 'shared/faces/dev'));
const workers = Number(values.workers ?? availableParallelism());
const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const megabytes = (kilobytes: number) => Math.round(kilobytes / 1024);
const { photos } = listPhotoFiles(folder);
const dataDir = mkdtempSync(join(tmpdir(), 'face-groups-bench-'));
const baselineRss = process.memoryUsage.rss() / 1024;
const started = performance.now();
const stack = await startLocalStack({ dataDir, workers, concurrency });
const startupSeconds = (performance.now() - started) / 1000;
const clients = createStackClients(stack.environment);

const cpuBefore = process.cpuUsage();
const summary = await ingestPhotos({
  clients,
  ownerId: 'bench',
  photos,
  // The people counted are the product's: the re-clustering that idle starts is waited for.
  settled: () => stack.settled(),
});
const cpu = process.cpuUsage(cpuBefore);
clients.destroy();
await stack.close();
rmSync(dataDir, { recursive: true, force: true });

const totalSeconds = (performance.now() - started) / 1000;
const peakRss = process.resourceUsage().maxRSS;
const figures = {
  folder,
  photos: summary.photos,
  workers,
  concurrency: concurrency ?? workers,
  photosPerSecond: summary.photosPerSecond,
  ingestSeconds: summary.seconds,
  startupSeconds: Math.round(startupSeconds * 100) / 100,
  totalSeconds: Math.round(totalSeconds * 100) / 100,
  /** Share of the machine's cores busy during the ingest. */
  cpuUse:
    Math.round(((cpu.user + cpu.system) / 1e6 / summary.seconds / availableParallelism()) * 100) /
    100,
  /** CPU time (all threads) per photo: what bounds photos/s on an otherwise idle machine. */
  cpuSecondsPerPhoto:
    Math.round(((cpu.user + cpu.system) / 1e6 / Math.max(summary.photos, 1)) * 100) / 100,
  peakRssMb: megabytes(peakRss),
  peakRssPerWorkerMb: megabytes((peakRss - baselineRss) / workers),
  faces: summary.faces,
  people: summary.people,
  done: summary.done,
  noFaces: summary.noFaces,
  failed: summary.failed,
  unfinished: summary.unfinished,
  failures: summary.failures,
};
console.log(
  [
    `${figures.photos} photos of ${folder}, ${workers} workers`,
    `  ${figures.photosPerSecond} photos/s (ingest ${figures.ingestSeconds} s, ` +
      `engine start ${figures.startupSeconds} s, total ${figures.totalSeconds} s)`,
    `  CPU use ${Math.round(figures.cpuUse * 100)}% of ${availableParallelism()} cores, ` +
      `${figures.cpuSecondsPerPhoto} CPU s a photo`,
    `  peak RSS ${figures.peakRssMb} MB (about ${figures.peakRssPerWorkerMb} MB a worker)`,
    `  ${figures.faces} faces, ${figures.people} people, ${figures.noFaces} without faces, ` +
      `${figures.failed} failed, ${figures.unfinished} unfinished`,
  ].join('\n'),
);
console.log(JSON.stringify(figures));
