/**
 * Uploads photos into a running stack's raw bucket, as an app would, and waits for each to reach
 * a final status in the Photos table. A photo counts as finished only when its record describes
 * this upload (same eTag, updated after the upload began, or left as it was because the same
 * bytes were already processed), so an earlier upload of the same name is never taken for it.
 */
import { readFile } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { FINAL_PHOTO_STATUSES, type PhotoRecord, type PhotoStatus } from '../model/domain.ts';
import { photoIdFor, rawKey } from '../model/keys.ts';
import { getPhotos } from './get-photos.ts';
import type { PhotoFile } from './photo-files.ts';
import type { StackClients } from './stack-clients.ts';

export interface IngestProgress {
  total: number;
  uploaded: number;
  finished: number;
  done: number;
  noFaces: number;
  failed: number;
  faces: number;
}

export interface PhotoOutcome {
  name: string;
  photoId: string;
  /**
   * `UNFINISHED` when the stack stopped making progress, or (embedded stack) delivered every
   * event, before the photo reached a final status: its event was dropped after retries.
   */
  status: PhotoStatus | 'UNFINISHED';
  reason?: string;
  reasonMessage?: string;
  faceCount?: number;
}

export interface IngestPhotosOptions {
  clients: StackClients;
  ownerId: string;
  photos: readonly PhotoFile[];
  onUploaded?: (photo: PhotoFile, progress: IngestProgress) => void;
  onFinished?: (outcome: PhotoOutcome, progress: IngestProgress) => void;
  /** @default 4 */
  uploadConcurrency?: number;
  /** @default 250 */
  pollIntervalMs?: number;
  /**
   * Gives up on the unfinished photos when none finished for this long.
   * @default 600000 (10 minutes)
   */
  stallTimeoutMs?: number;
  /**
   * Resolves once the stack has delivered every event it received (an embedded stack's runner):
   * from then on a final record with the upload's eTag is this upload's result, even when the
   * pipeline left an identical earlier result untouched.
   */
  settled?: () => Promise<void>;
}

export interface IngestSummary {
  owner: string;
  photos: number;
  done: number;
  noFaces: number;
  failed: number;
  unfinished: number;
  /** Faces found in this run's photos. */
  faces: number;
  /** People of the owner after the run, and how many of them the run added. */
  people: number;
  newPeople: number;
  /** FAILED photos counted by reason code. */
  failures: Record<string, number>;
  seconds: number;
  photosPerSecond: number;
  outcomes: PhotoOutcome[];
}

interface Upload {
  photo: PhotoFile;
  photoId: string;
  eTag: string;
  startedAt: string;
  /**
   * The photo already had a final record of these very bytes: the pipeline takes the new event
   * for a replay and leaves that record as it is, so it is this upload's result too.
   */
  replaysFinalRecord: boolean;
}

const OUTCOME_FIELDS: (keyof PhotoRecord)[] = [
  'photoId',
  'status',
  'reason',
  'reasonMessage',
  'eTag',
  'faceCount',
  'updatedAt',
];

export async function ingestPhotos(options: IngestPhotosOptions): Promise<IngestSummary> {
  const started = performance.now();
  const { clients, ownerId } = options;
  const peopleBefore = await countPeople(clients, ownerId);
  const progress: IngestProgress = {
    total: options.photos.length,
    uploaded: 0,
    finished: 0,
    done: 0,
    noFaces: 0,
    failed: 0,
    faces: 0,
  };

  const pending = new Map<string, Upload>();
  const outcomes: PhotoOutcome[] = [];
  const finish = (outcome: PhotoOutcome) => {
    pending.delete(outcome.photoId);
    outcomes.push(outcome);
    progress.finished += 1;
    if (outcome.status === 'DONE') progress.done += 1;
    if (outcome.status === 'NO_FACES') progress.noFaces += 1;
    if (outcome.status === 'FAILED') progress.failed += 1;
    progress.faces += outcome.status === 'DONE' ? (outcome.faceCount ?? 0) : 0;
    options.onFinished?.(outcome, progress);
  };

  const uploads = { running: true, failed: false };
  const polling = pollUntilFinished(options, pending, uploads, finish);
  try {
    await forEachLimited(options.photos, options.uploadConcurrency ?? 4, async (photo) => {
      const upload = await uploadPhoto(clients, ownerId, photo);
      pending.set(upload.photoId, upload);
      progress.uploaded += 1;
      options.onUploaded?.(photo, progress);
    });
  } catch (error) {
    uploads.failed = true;
    throw error;
  } finally {
    uploads.running = false;
    await polling;
  }

  const people = await countPeople(clients, ownerId);
  const seconds = (performance.now() - started) / 1000;
  const failures: Record<string, number> = {};
  for (const outcome of outcomes) {
    if (outcome.status !== 'FAILED') continue;
    const reason = outcome.reason ?? 'UNKNOWN';
    failures[reason] = (failures[reason] ?? 0) + 1;
  }
  return {
    owner: ownerId,
    photos: options.photos.length,
    done: progress.done,
    noFaces: progress.noFaces,
    failed: progress.failed,
    unfinished: outcomes.filter((outcome) => outcome.status === 'UNFINISHED').length,
    faces: progress.faces,
    people,
    newPeople: people - peopleBefore,
    failures,
    seconds: Math.round(seconds * 100) / 100,
    photosPerSecond: seconds > 0 ? Math.round((options.photos.length / seconds) * 100) / 100 : 0,
    outcomes: outcomes.sort((a, b) => a.name.localeCompare(b.name)),
  };
}

async function uploadPhoto(
  clients: StackClients,
  ownerId: string,
  photo: PhotoFile,
): Promise<Upload> {
  const key = rawKey(ownerId, photo.name);
  const photoId = photoIdFor(clients.rawBucket, key);
  const body = await readFile(photo.path);
  const previous = await clients.dynamodb.send(
    new GetCommand({ TableName: clients.photosTable, Key: { ownerId, photoId } }),
  );
  const previousPhoto = previous.Item as PhotoRecord | undefined;
  const startedAt = new Date().toISOString();
  const response = await clients.s3.send(
    new PutObjectCommand({
      Bucket: clients.rawBucket,
      Key: key,
      Body: body,
      ContentType: photo.contentType,
    }),
  );
  const eTag = unquote(response.ETag ?? '');
  return {
    photo,
    photoId,
    eTag,
    startedAt,
    replaysFinalRecord:
      previousPhoto !== undefined &&
      FINAL_PHOTO_STATUSES.includes(previousPhoto.status) &&
      unquote(previousPhoto.eTag ?? '') === eTag,
  };
}

async function pollUntilFinished(
  options: IngestPhotosOptions,
  pending: Map<string, Upload>,
  uploads: { running: boolean; failed: boolean },
  finish: (outcome: PhotoOutcome) => void,
): Promise<void> {
  const interval = options.pollIntervalMs ?? 250;
  const stallTimeoutMs = options.stallTimeoutMs ?? 600_000;
  let settling: Promise<void> | undefined;
  let settled = false;
  const settle = () =>
    (settling ??= options.settled?.().then(() => {
      settled = true;
    }));
  let lastFinishedAt = performance.now();

  while (!uploads.failed && (uploads.running || pending.size > 0)) {
    // Every upload's event is queued by now (s3rver emits it before answering the PUT).
    if (!uploads.running) void settle();
    // Read `settled` before the records, so that the records read after it are final.
    const settledBeforeRead = settled;
    const records = await getPhotos(
      options.clients,
      options.ownerId,
      [...pending.keys()],
      OUTCOME_FIELDS,
    );
    for (const record of records) {
      const upload = pending.get(record.photoId);
      if (upload === undefined || !isResultOf(record, upload, settledBeforeRead)) continue;
      finish(outcomeOf(upload, record));
      lastFinishedAt = performance.now();
    }
    if (pending.size === 0 && !uploads.running) break;
    const stalled = performance.now() - lastFinishedAt > stallTimeoutMs;
    if (!uploads.running && (settledBeforeRead || stalled)) {
      for (const upload of pending.values()) {
        finish({ name: upload.photo.name, photoId: upload.photoId, status: 'UNFINISHED' });
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
  // Final records are not the end: the people are what re-clustering leaves of them.
  if (!uploads.failed) await settle();
}

function isResultOf(record: PhotoRecord, upload: Upload, settled: boolean): boolean {
  if (!FINAL_PHOTO_STATUSES.includes(record.status)) return false;
  if (record.eTag !== undefined && unquote(record.eTag) !== upload.eTag) return false;
  return settled || upload.replaysFinalRecord || record.updatedAt >= upload.startedAt;
}

function outcomeOf(upload: Upload, record: PhotoRecord): PhotoOutcome {
  return {
    name: upload.photo.name,
    photoId: upload.photoId,
    status: record.status,
    reason: record.reason,
    reasonMessage: record.reasonMessage,
    faceCount: record.faceCount,
  };
}

/** How many people the owner has. */
export async function countPeople(clients: StackClients, ownerId: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const response = await clients.dynamodb.send(
      new QueryCommand({
        TableName: clients.peopleTable,
        KeyConditionExpression: 'ownerId = :ownerId',
        ExpressionAttributeValues: { ':ownerId': ownerId },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += response.Count ?? 0;
    startKey = response.LastEvaluatedKey;
  } while (startKey !== undefined);
  return count;
}

function unquote(eTag: string): string {
  return eTag.replaceAll('"', '');
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
