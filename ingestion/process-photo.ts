/**
 * The ingestion pipeline for one raw photo: read, normalize, detect and index, match and group,
 * crop thumbnails, write the records, publish new people. Every photo ends in a final status;
 * running it again for the same object converges to the same state.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  FINAL_PHOTO_STATUSES,
  statusCreatedAt,
  type PersonRecord,
  type PhotoRecord,
  type PhotoStatus,
} from '../model/domain.ts';
import { ImageTooLargeError, isFaceGroupsError, type ErrorCode } from '../model/errors.ts';
import { parseRawKey, photoIdFor } from '../model/keys.ts';
import { groupFaces } from './group-faces.ts';
import { normalizeImage } from './normalize-image.ts';
import { GROUPING_LEASE, withOwnerLease } from './owner-lease.ts';
import { photoFaces } from './photo-faces.ts';
import type { FaceEngine, MetadataStore, PhotoStore, Publisher } from './ports.ts';
import type { IngestionSettings } from './settings.ts';
import { undoEarlierAttempts } from './undo-photo.ts';

export interface PipelineDependencies {
  faceEngine: FaceEngine;
  photoStore: PhotoStore;
  metadataStore: MetadataStore;
  publisher: Publisher;
  settings: IngestionSettings;
  logger: Logger;
}

/** The raw object an event names. */
export interface PhotoObject {
  bucket: string;
  key: string;
  size?: number;
  eTag?: string;
}

export interface PhotoOutcome {
  photoId?: string;
  ownerId?: string;
  status: PhotoStatus | 'IGNORED' | 'REPLAYED' | 'SUPERSEDED' | 'REMOVED';
  reason?: ErrorCode;
  faces: number;
  newPeople: number;
}

const LEASE = { ttlMs: 60_000, waitMs: 120_000 };

/**
 * A raw photo was deleted: its faces leave the collection, its appearances and thumbnails go,
 * people it alone showed go, and its record goes.
 */
export async function removePhoto(
  object: PhotoObject,
  deps: PipelineDependencies,
): Promise<PhotoOutcome> {
  const { logger, metadataStore: store } = deps;
  let ownerId: string;
  try {
    ({ ownerId } = parseRawKey(object.key));
  } catch {
    return { status: 'IGNORED', reason: 'INVALID_KEY', faces: 0, newPeople: 0 };
  }
  const photoId = photoIdFor(object.bucket, object.key);
  await withOwnerLease(store, ownerId, GROUPING_LEASE, LEASE, async () => {
    await undoEarlierAttempts(ownerId, photoId, [], deps);
    await store.deletePhoto(ownerId, photoId);
    await store.markReclusterDue(ownerId, new Date().toISOString());
  });
  logger.info('Photo removed', { photoId, ownerId });
  return { photoId, ownerId, status: 'REMOVED', faces: 0, newPeople: 0 };
}

export async function processPhoto(
  object: PhotoObject,
  deps: PipelineDependencies,
): Promise<PhotoOutcome> {
  const { logger } = deps;
  let ownerId: string;
  try {
    ({ ownerId } = parseRawKey(object.key));
  } catch (error) {
    // Without an owner there is nobody to record the photo for: say why and move on.
    logger.warn('Ignoring an object outside photos-raw/<ownerId>/', { key: object.key, error });
    return { status: 'IGNORED', reason: 'INVALID_KEY', faces: 0, newPeople: 0 };
  }
  const photoId = photoIdFor(object.bucket, object.key);
  logger.appendKeys({ photoId, ownerId });
  try {
    return await processOwnedPhoto(object, ownerId, photoId, deps);
  } finally {
    logger.removeKeys(['photoId', 'ownerId']);
  }
}

async function processOwnedPhoto(
  object: PhotoObject,
  ownerId: string,
  photoId: string,
  deps: PipelineDependencies,
): Promise<PhotoOutcome> {
  const { logger, metadataStore: store, settings } = deps;
  const startedAt = Date.now();
  const previous = await store.getPhoto(ownerId, photoId);
  if (
    previous &&
    FINAL_PHOTO_STATUSES.includes(previous.status) &&
    object.eTag !== undefined &&
    previous.eTag === object.eTag
  ) {
    logger.info('Photo already processed; event replayed', { status: previous.status });
    return {
      photoId,
      ownerId,
      status: 'REPLAYED',
      faces: previous.faceCount ?? 0,
      newPeople: 0,
    };
  }

  const now = new Date().toISOString();
  const attemptId = randomUUID();
  let photo: PhotoRecord = {
    ownerId,
    photoId,
    bucket: object.bucket,
    key: object.key,
    status: 'PROCESSING',
    statusCreatedAt: statusCreatedAt('PROCESSING', previous?.createdAt ?? now),
    attemptId,
    eTag: object.eTag,
    size: object.size,
    faceIds: previous?.faceIds,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
  await store.putPhoto(photo);

  const finish = async (
    status: PhotoStatus,
    changes: Partial<PhotoRecord>,
  ): Promise<PhotoRecord | undefined> => {
    const finished: PhotoRecord = {
      ...photo,
      ...changes,
      status,
      statusCreatedAt: statusCreatedAt(status, photo.createdAt),
      updatedAt: new Date().toISOString(),
    };
    return (await store.putPhoto(finished, attemptId)) ? finished : undefined;
  };

  try {
    if (object.size !== undefined && object.size > settings.maxPhotoBytes) {
      throw new ImageTooLargeError(
        `The photo is ${object.size} bytes; at most ${settings.maxPhotoBytes} are accepted`,
      );
    }
    const stored = await deps.photoStore.getPhoto(object.bucket, object.key);
    if (stored.bytes.length > settings.maxPhotoBytes) {
      throw new ImageTooLargeError(
        `The photo is ${stored.bytes.length} bytes; at most ${settings.maxPhotoBytes} are accepted`,
      );
    }
    photo = { ...photo, eTag: stored.eTag ?? object.eTag, size: stored.bytes.length };
    const image = await normalizeImage(stored.bytes, { maxSide: settings.maxImageSide });
    photo = { ...photo, width: image.width, height: image.height };

    const detectStarted = Date.now();
    const indexed = await deps.faceEngine.indexFaces(ownerId, photoId, image);
    logger.debug('Faces detected', {
      faces: indexed.faces.length,
      unindexed: indexed.unindexed.length,
      durationMs: Date.now() - detectStarted,
    });
    const faceIds = indexed.faces.map((face) => face.faceId);
    photo = { ...photo, faceIds: [...new Set([...(photo.faceIds ?? []), ...faceIds])] };
    if (!(await store.putPhoto(photo, attemptId))) return superseded(photoId, ownerId);

    const faces = await photoFaces(photoId, image, indexed);
    const grouped = await withOwnerLease(store, ownerId, GROUPING_LEASE, LEASE, async () => {
      const current = await store.getPhoto(ownerId, photoId);
      if (current?.attemptId !== attemptId) return undefined;
      await undoEarlierAttempts(ownerId, photoId, faceIds, deps);
      return groupFaces(ownerId, photoId, faces, deps);
    });
    if (!grouped) return superseded(photoId, ownerId);
    const status: PhotoStatus = faces.length === 0 ? 'NO_FACES' : 'DONE';
    const done = await finish(status, { faceIds, faceCount: faces.length });
    if (!done) return superseded(photoId, ownerId);
    logger.info('Photo processed', {
      status,
      faces: faces.length,
      newPeople: grouped.newPeople.length,
      durationMs: Date.now() - startedAt,
    });
    await publishNewPeople(grouped.newPeople, deps);
    return { photoId, ownerId, status, faces: faces.length, newPeople: grouped.newPeople.length };
  } catch (error) {
    if (!isFaceGroupsError(error)) throw error;
    logger.warn('Photo failed', { reason: error.code, reasonMessage: error.message });
    // A photo replaced by an unreadable upload keeps none of the faces of its earlier version.
    await withOwnerLease(store, ownerId, GROUPING_LEASE, LEASE, () =>
      undoEarlierAttempts(ownerId, photoId, [], deps),
    );
    await finish('FAILED', { reason: error.code, reasonMessage: error.message, faceIds: [] });
    return { photoId, ownerId, status: 'FAILED', reason: error.code, faces: 0, newPeople: 0 };
  }
}

function superseded(photoId: string, ownerId: string): PhotoOutcome {
  return { photoId, ownerId, status: 'SUPERSEDED', faces: 0, newPeople: 0 };
}

async function publishNewPeople(people: PersonRecord[], deps: PipelineDependencies) {
  for (const person of people) {
    try {
      await deps.publisher.personCreated(person);
    } catch (error) {
      // The person is stored and can be queried; a lost notification must not fail the photo.
      deps.logger.warn('Could not publish a new person', { personId: person.personId, error });
    }
  }
}
