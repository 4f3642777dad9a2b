/**
 * Grouping quality on a labeled photo set: `npm run bench:quality -- [dataset-dir] [options]`.
 *
 * Ingests every photo of the set on a fresh local stack, once per upload order (each order as
 * its own owner, photos one after the other), then re-clusters the owners due, as the product
 * does once ingestion goes idle. Each owner's people are scored against the labels twice: as
 * online grouping left them, and after re-clustering, which is the product's grouping ("ours").
 * The tutorial's grouping and an Immich-style incremental DBSCAN are replayed on the same faces
 * and descriptors, in the same order, and scored alike. Prints a side-by-side table, the F1
 * spread over the orders, what goes wrong, whether the targets are met, and as its last line one
 * JSON object with the figures. Writes contact sheets of the first order's people.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AppearanceRecord } from '../model/domain.ts';
import { defaultReclusterThreshold } from '../ingestion/recluster.ts';
import { reclusterDueOwners, type OwnerReclustered } from '../ingestion/recluster-due-owners.ts';
import { similarityToDistance } from '../local/face-engine/similarity.ts';
import {
  incrementalDbscanGrouping,
  tutorialGrouping,
  type Grouping,
  type ReplayFace,
} from './quality/baselines.ts';
import { startBenchStack, type BenchStack } from './quality/bench-stack.ts';
import { writeContactSheet } from './quality/contact-sheet.ts';
import { ingestSet, type IngestedSet } from './quality/ingest-set.ts';
import { readLabeledSet, type LabeledSet } from './quality/labels.ts';
import { describeErrors, tableHeader, tableRow } from './quality/report.ts';
import { figuresOf, scoreGrouping, type GroupedFace, type QualityScore } from './quality/score.ts';
import { checkTargets, spread } from './quality/targets.ts';
import { shuffled } from './quality/upload-order.ts';

/** The issue's figures for the tutorial's pipeline use face-api's customary 0.6. */
const TUTORIAL_DISTANCE = 0.6;
/** Immich's default `minFaces`. */
const DBSCAN_MIN_FACES = 3;

const USAGE = `Usage: npm run bench:quality -- [dataset-dir] [options]

  dataset-dir              folder with labels.json and photos/ (default ../shared/faces/dev)
  --orders N               upload orders to measure, seeds 1..N (default 3)
  --order SEED             measure one upload order only
  --threshold N            MATCH_THRESHOLD, similarity 0-100 (default: the environment's, or 80)
  --tutorial-distance D    the tutorial baseline's match distance (default ${TUTORIAL_DISTANCE})
  --dbscan-distance D      the DBSCAN baseline's neighbour distance (default: the threshold's)
  --dbscan-min-faces N     the DBSCAN baseline's minFaces (default ${DBSCAN_MIN_FACES})
  --workers N              face engine workers (default: the number of cores)
  --out DIR                where the contact sheets go (default bench/out/quality)
  --recluster              accepted for older scripts; "ours" is always re-clustered now

"ours" is the product's grouping: online grouping as each photo arrives, then the re-clustering
of every owner due that the local stack runs when ingestion goes idle (reclusterDueOwners).
"ours, online only" scores the first stage alone, before re-clustering.
`;

interface Options {
  datasetDir: string;
  seeds: number[];
  threshold?: number;
  tutorialDistance: number;
  dbscanDistance?: number;
  dbscanMinFaces: number;
  workers: number;
  outDir: string;
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new RangeError(`--${name} takes a number, not ${value}`);
  return parsed;
}

function readOptions(argv: string[]): Options | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      orders: { type: 'string' },
      order: { type: 'string' },
      threshold: { type: 'string' },
      'tutorial-distance': { type: 'string' },
      'dbscan-distance': { type: 'string' },
      'dbscan-min-faces': { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
      recluster: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return undefined;
  const single = numberOption(values.order, 'order');
  const orders = numberOption(values.orders, 'orders') ?? 3;
  return {
    datasetDir: resolve(positionals[0] ?? '../shared/faces/dev'),
    seeds: single !== undefined ? [single] : Array.from({ length: orders }, (_, i) => i + 1),
    threshold: numberOption(values.threshold, 'threshold'),
    tutorialDistance:
      numberOption(values['tutorial-distance'], 'tutorial-distance') ?? TUTORIAL_DISTANCE,
    dbscanDistance: numberOption(values['dbscan-distance'], 'dbscan-distance'),
    dbscanMinFaces:
      numberOption(values['dbscan-min-faces'], 'dbscan-min-faces') ?? DBSCAN_MIN_FACES,
    workers: numberOption(values.workers, 'workers') ?? availableParallelism(),
    outDir: resolve(values.out ?? 'bench/out/quality'),
  };
}

/** A grouping read back from the metadata store, and its score. */
interface StoredGrouping {
  appearances: AppearanceRecord[];
  score: QualityScore;
}

interface IngestedOrder {
  seed: number;
  ownerId: string;
  ingested: IngestedSet;
  online: StoredGrouping;
  tutorial: QualityScore;
  dbscan: QualityScore;
}

interface OrderResult extends IngestedOrder {
  /** The product's grouping: online, then re-clustered. */
  ours: StoredGrouping;
  /** What re-clustering did to the owner; absent when the owner was not due. */
  reclustered?: OwnerReclustered;
}

function groupedFaces(appearances: AppearanceRecord[], files: Map<string, string>): GroupedFace[] {
  return appearances.map((appearance) => ({
    photo: files.get(appearance.photoId) ?? appearance.photoId,
    personId: appearance.personId,
  }));
}

async function readGrouping(
  stack: BenchStack,
  ownerId: string,
  labels: LabeledSet,
  files: Map<string, string>,
): Promise<StoredGrouping> {
  const appearances = await stack.metadataStore.listOwnerAppearances(ownerId);
  return { appearances, score: scoreGrouping(groupedFaces(appearances, files), labels.photos) };
}

/** The engine's faces in the order the pipeline grouped them: by photo, then by index. */
async function replayOrder(stack: BenchStack, ownerId: string, order: string[]) {
  const position = new Map(order.map((photoId, index) => [photoId, index]));
  const indexOf = (faceId: string) => Number(/-(\d+)$/.exec(faceId)?.[1] ?? 0);
  const faces: ReplayFace[] = await stack.faceEngine.listFaces(ownerId);
  return faces.sort(
    (a, b) =>
      (position.get(a.photoId) ?? 0) - (position.get(b.photoId) ?? 0) ||
      indexOf(a.faceId) - indexOf(b.faceId),
  );
}

function baselineFaces(
  faces: ReplayFace[],
  grouping: Grouping,
  files: Map<string, string>,
): GroupedFace[] {
  return faces.map((face) => ({
    photo: files.get(face.photoId) ?? face.photoId,
    personId: grouping.get(face.faceId),
  }));
}

async function ingestOrder(
  stack: BenchStack,
  labels: LabeledSet,
  photos: string[],
  seed: number,
  options: Options & { dbscanDistance: number },
): Promise<IngestedOrder> {
  const ownerId = `bench-order-${seed}`;
  const order = shuffled(photos, seed);
  const ingested = await ingestSet(stack.handler, ownerId, labels.photoDir, order, (done) => {
    if (done % 20 === 0 || done === order.length) {
      process.stderr.write(`order ${seed}: ${done}/${order.length} photos ingested\n`);
    }
  });
  const online = await readGrouping(stack, ownerId, labels, ingested.files);

  const replay = await replayOrder(stack, ownerId, ingested.order);
  const tutorial = scoreGrouping(
    baselineFaces(
      replay,
      tutorialGrouping(replay, { maxDistance: options.tutorialDistance }),
      ingested.files,
    ),
    labels.photos,
  );
  const dbscan = scoreGrouping(
    baselineFaces(
      replay,
      incrementalDbscanGrouping(replay, {
        maxDistance: options.dbscanDistance,
        minFaces: options.dbscanMinFaces,
      }),
      ingested.files,
    ),
    labels.photos,
  );
  return { seed, ownerId, ingested, online, tutorial, dbscan };
}

const fixed = (value: number, digits = 3) => value.toFixed(digits);

async function main(): Promise<number> {
  const parsed = readOptions(process.argv.slice(2));
  if (!parsed) {
    process.stdout.write(USAGE);
    return 0;
  }
  const labels = readLabeledSet(parsed.datasetDir);
  const photos = [...labels.photos.keys()].sort();
  const stack = await startBenchStack({
    workers: parsed.workers,
    matchThreshold: parsed.threshold,
  });
  const threshold = stack.settings.matchThreshold;
  const reclusterThreshold = defaultReclusterThreshold(threshold);
  const options = {
    ...parsed,
    dbscanDistance: parsed.dbscanDistance ?? similarityToDistance(threshold),
  };

  let results: OrderResult[];
  let reclusterMs: number;
  try {
    // Each order is its own owner with its own lease and collection: they run side by side,
    // while inside an order the photos go one at a time.
    const ingestedOrders = await Promise.all(
      options.seeds.map((seed) => ingestOrder(stack, labels, photos, seed, options)),
    );
    const first = ingestedOrders[0]!;
    const sheetInput = {
      files: first.ingested.files,
      labels,
      processedBucket: stack.settings.processedBucket,
    };
    // Before re-clustering, which moves thumbnails away from the keys these appearances hold.
    const onlineSheet = join(options.outDir, 'contact-sheet-online.html');
    await writeContactSheet(onlineSheet, {
      ...sheetInput,
      title: `People after online grouping only, order ${first.seed}, threshold ${threshold}`,
      appearances: first.online.appearances,
      score: first.online.score,
    });
    process.stderr.write(`contact sheet of online grouping: ${onlineSheet}\n`);

    // Once every order is in, as the local stack does when its runner goes idle: run earlier,
    // for the first order done, it would also regroup the owners still uploading.
    const startedAt = Date.now();
    const reclustered = await reclusterDueOwners(stack, { quietMs: 0 });
    reclusterMs = Date.now() - startedAt;
    results = await Promise.all(
      ingestedOrders.map(async (order) => ({
        ...order,
        ours: await readGrouping(stack, order.ownerId, labels, order.ingested.files),
        reclustered: reclustered.find((owner) => owner.ownerId === order.ownerId),
      })),
    );

    const sheet = join(options.outDir, 'contact-sheet.html');
    await writeContactSheet(sheet, {
      ...sheetInput,
      title: `People after re-clustering, order ${first.seed}, threshold ${threshold}`,
      appearances: results[0]!.ours.appearances,
      score: results[0]!.ours.score,
    });
    process.stderr.write(`contact sheet: ${sheet}\n`);
  } finally {
    await stack.close();
  }

  const first = results[0]!;
  const faces = first.ours.appearances.length;
  const unassigned = first.ours.appearances.filter((appearance) => !appearance.personId).length;
  const labeledFaces = [...labels.faceCounts.values()].reduce((sum, count) => sum + count, 0);
  const names = {
    ours: `ours (threshold ${threshold}, recluster ${reclusterThreshold})`,
    online: `ours, online only (threshold ${threshold})`,
    tutorial: `tutorial (distance ${options.tutorialDistance})`,
    dbscan: `dbscan (distance ${fixed(options.dbscanDistance, 2)}, min ${options.dbscanMinFaces})`,
  };
  const out = (line = '') => process.stdout.write(`${line}\n`);

  out(
    `${options.datasetDir}: ${photos.length} photos, ${first.ours.score.labeledPeople} labeled ` +
      `people (${first.ours.score.scoredPeople} with 2+ photos), ${labeledFaces} faces counted ` +
      `by the labels`,
  );
  for (const result of results) {
    const seconds = (result.ingested.durationMs / 1000).toFixed(0);
    const regrouped = result.reclustered;
    out(
      `order ${result.seed}: ${result.ours.appearances.length} faces found ` +
        `(${result.ours.appearances.filter((a) => !a.personId).length} unassigned), ` +
        `ingested in ${seconds} s; ` +
        (regrouped
          ? `re-clustering moved ${regrouped.movedFaces} faces, ${regrouped.people} people ` +
            `(${regrouped.keptPeople} kept, ${regrouped.newPeople} new, ` +
            `${regrouped.removedPeople} removed)`
          : 'NOT re-clustered: the owner was not due'),
    );
  }
  out(`re-clustering of ${results.length} owners took ${reclusterMs} ms`);
  out();

  out(`Errors of ours, order ${first.seed} (${faces} faces, ${unassigned} unassigned):`);
  const firstErrors = describeErrors(first.ours.score, labels.names);
  for (const line of firstErrors) out(line);
  for (const result of results.slice(1)) {
    const errors = describeErrors(result.ours.score, labels.names);
    const same = errors.join('\n') === firstErrors.join('\n');
    out(`Errors of ours, order ${result.seed}:${same ? ` as in order ${first.seed}` : ''}`);
    if (!same) for (const line of errors) out(line);
  }
  out(`Errors of ours online only, order ${first.seed}:`);
  for (const line of describeErrors(first.online.score, labels.names)) out(line);
  out();

  for (const result of results) {
    out(`order ${result.seed}`);
    out(tableHeader());
    out(tableRow(names.ours, result.ours.score));
    out(tableRow(names.online, result.online.score));
    out(tableRow(names.tutorial, result.tutorial));
    out(tableRow(names.dbscan, result.dbscan));
    out();
  }

  const f1s = (pick: (result: OrderResult) => QualityScore) =>
    results.map((result) => pick(result).f1);
  const spreads = {
    ours: spread(f1s((r) => r.ours.score)),
    oursOnline: spread(f1s((r) => r.online.score)),
    tutorial: spread(f1s((r) => r.tutorial)),
    dbscan: spread(f1s((r) => r.dbscan)),
  };
  out(
    `F1 spread over ${results.length} orders: ` +
      Object.entries(spreads)
        .map(([name, value]) => `${name} ${fixed(value)}`)
        .join(', '),
  );
  const targets = checkTargets(
    results.map((result) => ({
      ours: result.ours.score,
      tutorial: result.tutorial,
      dbscan: result.dbscan,
    })),
  );
  const beaten = results.every(
    (result) =>
      result.ours.score.f1 > result.tutorial.f1 && result.ours.score.f1 > result.dbscan.f1,
  );
  out(`ours beats both baselines in every order: ${beaten ? 'yes' : 'no'}`);
  out('Targets for ours:');
  for (const check of targets) {
    out(`  ${check.met ? 'met    ' : 'NOT MET'} ${check.target}: ${check.measured}`);
  }

  const summary = {
    dataset: options.datasetDir,
    photos: photos.length,
    threshold,
    thresholdDistance: Number(fixed(similarityToDistance(threshold), 4)),
    reclusterThreshold,
    orders: options.seeds,
    faces,
    unassignedFaces: unassigned,
    ours: figuresOf(first.ours.score),
    oursOnline: figuresOf(first.online.score),
    tutorial: { distance: options.tutorialDistance, ...figuresOf(first.tutorial) },
    dbscan: {
      distance: options.dbscanDistance,
      minFaces: options.dbscanMinFaces,
      ...figuresOf(first.dbscan),
    },
    perOrder: results.map((result) => ({
      seed: result.seed,
      ours: result.ours.score.f1,
      oursOnline: result.online.score.f1,
      tutorial: result.tutorial.f1,
      dbscan: result.dbscan.f1,
      reclustered: result.reclustered !== undefined,
    })),
    reclusterMs,
    f1Spread: spreads,
    beatsBaselines: beaten,
    targetsMet: targets.every((check) => check.met),
  };
  out(JSON.stringify(summary));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:quality failed: ${error instanceof Error ? error.stack : error}\n`);
    process.exit(1);
  },
);
