/**
 * Grouping quality on a labeled photo set: `npm run bench:quality -- [dataset-dir] [options]`.
 *
 * Ingests every photo of the set on a fresh local stack, once per upload order (each order as
 * its own owner, photos one after the other), reads back each person's photos and faces, and
 * scores them against the labels. The tutorial's grouping and an Immich-style incremental
 * DBSCAN are replayed on the same faces and descriptors, in the same order, and scored alike.
 * Prints a side-by-side table, the F1 spread over the orders, what goes wrong, and as its last
 * line one JSON object with the figures. Writes a contact sheet of the first order's people.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { AppearanceRecord } from '../model/domain.ts';
import { defaultReclusterThreshold, reclusterOwner } from '../ingestion/recluster.ts';
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
import {
  figuresOf,
  scoreGrouping,
  type GroupedFace,
  type QualityFigures,
  type QualityScore,
} from './quality/score.ts';
import { shuffled } from './quality/upload-order.ts';

/** The figures for the tutorial's pipeline use face-api's customary 0.6. */
const TUTORIAL_DISTANCE = 0.6;
/** Immich's default `minFaces`. */
const DBSCAN_MIN_FACES = 3;

const USAGE = `Usage: npm run bench:quality -- [dataset-dir] [options]

  dataset-dir              folder with labels.json and photos/ (default ../shared/faces/dev)
  --orders N               upload orders to measure, seeds 1..N (default 3)
  --order SEED             measure one upload order only
  --threshold N            MATCH_THRESHOLD, similarity 0-100 (default: the environment's, or 80)
  --tutorial-distance D    the tutorial baseline's match distance (default ${TUTORIAL_DISTANCE})
  --dbscan-distance D      the DBSCAN baseline's neighbour distance (default: ours, from the threshold)
  --dbscan-min-faces N     the DBSCAN baseline's minFaces (default ${DBSCAN_MIN_FACES})
  --recluster              also score each order after re-clustering its faces
  --recluster-threshold N  re-clustering's mean similarity (default: the threshold minus 7)
  --workers N              face engine workers (default: the number of cores)
  --out DIR                where the contact sheets go (default bench/out/quality)
`;

interface Options {
  datasetDir: string;
  seeds: number[];
  threshold?: number;
  tutorialDistance: number;
  dbscanDistance?: number;
  dbscanMinFaces: number;
  recluster: boolean;
  reclusterThreshold?: number;
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
      recluster: { type: 'boolean', default: false },
      'recluster-threshold': { type: 'string' },
      workers: { type: 'string' },
      out: { type: 'string' },
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
    recluster: values.recluster || values['recluster-threshold'] !== undefined,
    reclusterThreshold: numberOption(values['recluster-threshold'], 'recluster-threshold'),
    workers: numberOption(values.workers, 'workers') ?? availableParallelism(),
    outDir: resolve(values.out ?? 'bench/out/quality'),
  };
}

interface OrderResult {
  seed: number;
  ownerId: string;
  ingested: IngestedSet;
  appearances: AppearanceRecord[];
  ours: QualityScore;
  tutorial: QualityScore;
  dbscan: QualityScore;
  recluster?: { score: QualityScore; appearances: AppearanceRecord[]; durationMs: number };
}

function groupedFaces(appearances: AppearanceRecord[], files: Map<string, string>): GroupedFace[] {
  return appearances.map((appearance) => ({
    photo: files.get(appearance.photoId) ?? appearance.photoId,
    personId: appearance.personId,
  }));
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

async function measureOrder(
  stack: BenchStack,
  labels: LabeledSet,
  photos: string[],
  seed: number,
  options: Options & { dbscanDistance: number; reclusterThreshold: number },
): Promise<OrderResult> {
  const ownerId = `bench-order-${seed}`;
  const order = shuffled(photos, seed);
  const ingested = await ingestSet(stack.handler, ownerId, labels.photoDir, order, (done) => {
    if (done % 20 === 0 || done === order.length) {
      process.stderr.write(`order ${seed}: ${done}/${order.length} photos ingested\n`);
    }
  });
  const appearances = await stack.metadataStore.listOwnerAppearances(ownerId);
  const ours = scoreGrouping(groupedFaces(appearances, ingested.files), labels.photos);

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

  const result: OrderResult = { seed, ownerId, ingested, appearances, ours, tutorial, dbscan };
  if (options.recluster) {
    const startedAt = Date.now();
    await reclusterOwner(ownerId, stack, { threshold: options.reclusterThreshold });
    const durationMs = Date.now() - startedAt;
    const regrouped = await stack.metadataStore.listOwnerAppearances(ownerId);
    result.recluster = {
      score: scoreGrouping(groupedFaces(regrouped, ingested.files), labels.photos),
      appearances: regrouped,
      durationMs,
    };
  }
  return result;
}

const fixed = (value: number, digits = 3) => value.toFixed(digits);

function tableRow(name: string, figures: QualityFigures): string {
  return [
    name.padEnd(34),
    fixed(figures.f1).padStart(6),
    fixed(figures.precision).padStart(9),
    fixed(figures.recall).padStart(7),
    String(figures.predictedPeople).padStart(7),
    String(figures.splits).padStart(7),
    String(figures.merges).padStart(7),
    String(figures.collisions).padStart(11),
  ].join(' ');
}

function spread(values: number[]): number {
  return values.length === 0 ? 0 : Math.max(...values) - Math.min(...values);
}

/** What went wrong in a score, one line per error, with the labeled people's names. */
function describeErrors(score: QualityScore, labels: LabeledSet): string[] {
  const nameOf = (personId: string) => labels.names.get(personId) ?? personId;
  const lines: string[] = [];
  for (const person of score.people) {
    if (person.precision === 1 && person.recall === 1) continue;
    const parts = [
      `${nameOf(person.labeledPerson)}: precision ${fixed(person.precision, 2)}`,
      `recall ${fixed(person.recall, 2)} (${person.shared}/${person.photos} photos)`,
    ];
    if (person.missed.length > 0) parts.push(`missed ${person.missed.join(', ')}`);
    if (person.extra.length > 0) parts.push(`extra ${person.extra.join(', ')}`);
    lines.push(`  ${parts.join('; ')}`);
  }
  for (const split of score.splitPeople) {
    lines.push(`  split: ${nameOf(split.labeledPerson)} over ${split.personIds.length} people`);
  }
  for (const merge of score.mergedPeople) {
    const pairs = merge.labeledPairs.map((pair) => pair.map(nameOf).join(' + ')).join(', ');
    lines.push(`  merge: ${merge.personId} holds ${pairs}`);
  }
  for (const collision of score.collidedPhotos) {
    lines.push(`  collision: ${collision.faces} faces of ${collision.photo} in one person`);
  }
  return lines;
}

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
  const options = {
    ...parsed,
    dbscanDistance: parsed.dbscanDistance ?? similarityToDistance(threshold),
    reclusterThreshold: parsed.reclusterThreshold ?? defaultReclusterThreshold(threshold),
  };

  let results: OrderResult[];
  try {
    // Each order is its own owner with its own lease and collection: they run side by side,
    // while inside an order the photos go one at a time.
    results = await Promise.all(
      options.seeds.map((seed) => measureOrder(stack, labels, photos, seed, options)),
    );
    const first = results[0]!;
    const sheet = join(options.outDir, 'contact-sheet.html');
    const sheetInput = {
      files: first.ingested.files,
      labels,
      processedBucket: stack.settings.processedBucket,
    };
    await writeContactSheet(sheet, {
      ...sheetInput,
      title: `People after ingestion, order ${first.seed}, threshold ${threshold}`,
      appearances: first.appearances,
      score: first.ours,
    });
    process.stderr.write(`contact sheet: ${sheet}\n`);
    if (first.recluster) {
      const reclusterSheet = join(options.outDir, 'contact-sheet-recluster.html');
      await writeContactSheet(reclusterSheet, {
        ...sheetInput,
        title: `People after re-clustering, order ${first.seed}, threshold ${threshold}`,
        appearances: first.recluster.appearances,
        score: first.recluster.score,
      });
      process.stderr.write(`contact sheet after re-clustering: ${reclusterSheet}\n`);
    }
  } finally {
    await stack.close();
  }

  const first = results[0]!;
  const faces = first.appearances.length;
  const unassigned = first.appearances.filter((appearance) => !appearance.personId).length;
  const labeledFaces = [...labels.faceCounts.values()].reduce((sum, count) => sum + count, 0);
  const names = {
    ours: `ours (threshold ${threshold})`,
    tutorial: `tutorial (distance ${options.tutorialDistance})`,
    dbscan: `dbscan (distance ${fixed(options.dbscanDistance, 2)}, min ${options.dbscanMinFaces})`,
    recluster: `ours + recluster (mean ${options.reclusterThreshold})`,
  };
  const out = (line = '') => process.stdout.write(`${line}\n`);

  out(
    `${options.datasetDir}: ${photos.length} photos, ${first.ours.labeledPeople} labeled people ` +
      `(${first.ours.scoredPeople} with 2+ photos), ${labeledFaces} faces counted by the labels`,
  );
  for (const result of results) {
    const seconds = (result.ingested.durationMs / 1000).toFixed(0);
    out(
      `order ${result.seed}: ${result.appearances.length} faces found ` +
        `(${result.appearances.filter((a) => !a.personId).length} unassigned), ingested in ${seconds} s` +
        (result.recluster ? `, re-clustered in ${result.recluster.durationMs} ms` : ''),
    );
  }
  out();
  out(`Errors of ours, order ${first.seed} (${faces} faces, ${unassigned} unassigned):`);
  for (const line of describeErrors(first.ours, labels)) out(line);
  if (first.recluster) {
    out(`Errors of ours after re-clustering, order ${first.seed}:`);
    for (const line of describeErrors(first.recluster.score, labels)) out(line);
  }
  out();

  const header = [
    'grouping'.padEnd(34),
    'F1'.padStart(6),
    'precision'.padStart(9),
    'recall'.padStart(7),
    'people'.padStart(7),
    'splits'.padStart(7),
    'merges'.padStart(7),
    'collisions'.padStart(11),
  ].join(' ');
  for (const result of results) {
    out(`order ${result.seed}`);
    out(header);
    out(tableRow(names.ours, result.ours));
    if (result.recluster) out(tableRow(names.recluster, result.recluster.score));
    out(tableRow(names.tutorial, result.tutorial));
    out(tableRow(names.dbscan, result.dbscan));
    out();
  }

  const f1s = (pick: (result: OrderResult) => QualityScore | undefined) =>
    results.flatMap((result) => (pick(result) ? [pick(result)!.f1] : []));
  const spreads = {
    ours: spread(f1s((r) => r.ours)),
    tutorial: spread(f1s((r) => r.tutorial)),
    dbscan: spread(f1s((r) => r.dbscan)),
    ...(options.recluster && { recluster: spread(f1s((r) => r.recluster?.score)) }),
  };
  out(
    `F1 spread over ${results.length} orders: ` +
      Object.entries(spreads)
        .map(([name, value]) => `${name} ${fixed(value)}`)
        .join(', '),
  );
  const beaten = results.every(
    (result) => result.ours.f1 > result.tutorial.f1 && result.ours.f1 > result.dbscan.f1,
  );
  out(`ours beats both baselines in every order: ${beaten ? 'yes' : 'no'}`);

  const summary = {
    dataset: options.datasetDir,
    photos: photos.length,
    threshold,
    thresholdDistance: Number(fixed(similarityToDistance(threshold), 4)),
    orders: options.seeds,
    faces,
    unassignedFaces: unassigned,
    ours: figuresOf(first.ours),
    ...(first.recluster && {
      recluster: { threshold: options.reclusterThreshold, ...figuresOf(first.recluster.score) },
    }),
    tutorial: { distance: options.tutorialDistance, ...figuresOf(first.tutorial) },
    dbscan: {
      distance: options.dbscanDistance,
      minFaces: options.dbscanMinFaces,
      ...figuresOf(first.dbscan),
    },
    perOrder: results.map((result) => ({
      seed: result.seed,
      ours: result.ours.f1,
      ...(result.recluster && { recluster: result.recluster.score.f1 }),
      tutorial: result.tutorial.f1,
      dbscan: result.dbscan.f1,
    })),
    f1Spread: spreads,
    beatsBaselines: beaten,
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
