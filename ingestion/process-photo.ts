/**
 * The ingestion pipeline for one raw photo: read, normalize, detect and index, match and group,
 * crop thumbnails, write the records, publish new people. Every photo ends in a final status;
 * running it again for the same object converges to the same state.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  appearanceId,
  FINAL_PHOTO_STATUSES,
  personPhoto,
  statusCreatedAt,
  type AppearanceRecord,
  type PersonRecord,
  type PhotoRecord,
  type PhotoStatus,
  type UnassignedReason,
} from '../model/domain.ts';
import { ImageTooLargeError, isFaceGroupsError, type ErrorCode } from '../model/errors.ts';
import { parseRawKey, photoIdFor, thumbnailKey, unassignedThumbnailKey } from '../model/keys.ts';
import { cropThumbnails } from './crop-thumbnails.ts';
import { assignFaces, findPersonCandidates } from './match-faces.ts';
import { normalizeImage } from './normalize-image.ts';
import { GROUPING_LEASE, withOwnerLease } from './owner-lease.ts';
import type {
  FaceEngine,
  IndexFacesResult,
  MetadataStore,
  PhotoStore,
  Publisher,
  UprightImage,
} from './ports.ts';
import type { IngestionSettings } from './settings.ts';

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

/** A face the pipeline will write, with or without a person. */
interface PhotoFace {
  faceId: string;
  indexed: boolean;
  unassignedReason?: UnassignedReason;
  boundingBox: AppearanceRecord['boundingBox'];
  confidence: number;
  thumbnail: Buffer;
}

function unassignedReason(reasons: string[]): UnassignedReason {
  if (reasons.some((reason) => /SMALL/i.test(reason))) return 'TOO_SMALL';
  if (reasons.some((reason) => /CONFIDENCE/i.test(reason))) return 'LOW_CONFIDENCE';
  if (reasons.some((reason) => /QUALITY|SHARPNESS|BRIGHTNESS|POSE/i.test(reason))) {
    return 'LOW_QUALITY';
  }
  return 'UNINDEXED';
}

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

async function photoFaces(
  photoId: string,
  image: UprightImage,
  indexed: IndexFacesResult,
): Promise<PhotoFace[]> {
  const boxes = [
    ...indexed.faces.map((face) => face.boundingBox),
    ...indexed.unindexed.map((face) => face.boundingBox),
  ];
  const thumbnails = await cropThumbnails(image, boxes);
  const faces: PhotoFace[] = indexed.faces.map((face, index) => ({
    faceId: face.faceId,
    indexed: true,
    boundingBox: face.boundingBox,
    confidence: face.confidence,
    thumbnail: thumbnails[index]!,
  }));
  indexed.unindexed.forEach((face, index) => {
    faces.push({
      faceId: `${photoId}-unindexed-${index}`,
      indexed: false,
      unassignedReason: unassignedReason(face.reasons),
      boundingBox: face.boundingBox,
      confidence: face.confidence,
      thumbnail: thumbnails[indexed.faces.length + index]!,
    });
  });
  return faces;
}

/**
 * Removes what an earlier, unfinished or superseded attempt left of this photo: its appearances,
 * its share of each person, the people it alone founded and the faces it indexed.
 */
async function undoEarlierAttempts(
  ownerId: string,
  photoId: string,
  keepFaceIds: string[],
  deps: PipelineDependencies,
): Promise<void> {
  const { metadataStore: store } = deps;
  const earlier = await store.listPhotoAppearances(ownerId, photoId);
  const photo = await store.getPhoto(ownerId, photoId);
  const keep = new Set(keepFaceIds);
  const staleFaceIds = new Set((photo?.faceIds ?? []).filter((faceId) => !keep.has(faceId)));
  if (earlier.length === 0 && staleFaceIds.size === 0) return;

  const now = new Date().toISOString();
  for (const appearance of earlier) {
    if (!appearance.personId) continue;
    const person = await store.addToPersonCounts(
      ownerId,
      appearance.personId,
      { faces: -1, photos: -1 },
      now,
    );
    if (person.faceCount <= 0) await store.deletePerson(ownerId, appearance.personId);
  }
  await store.deleteAppearances(
    ownerId,
    earlier.map((appearance) => appearance.appearanceId),
  );
  await deps.photoStore.deleteThumbnails(earlier.map((appearance) => appearance.thumbnailKey));
  for (const appearance of earlier) {
    if (!keep.has(appearance.faceId)) staleFaceIds.add(appearance.faceId);
  }
  const indexedStale = [...staleFaceIds].filter((faceId) => !faceId.includes('-unindexed-'));
  if (indexedStale.length > 0) await deps.faceEngine.deleteFaces(ownerId, indexedStale);
  deps.logger.info('Undid an earlier attempt', {
    appearances: earlier.length,
    faces: indexedStale.length,
  });
}

interface GroupedFaces {
  appearances: AppearanceRecord[];
  newPeople: PersonRecord[];
}

async function groupFaces(
  ownerId: string,
  photoId: string,
  faces: PhotoFace[],
  deps: PipelineDependencies,
): Promise<GroupedFaces> {
  const { metadataStore: store, logger } = deps;
  const indexedIds = faces.filter((face) => face.indexed).map((face) => face.faceId);
  const candidates = await findPersonCandidates(
    deps.faceEngine,
    store,
    ownerId,
    photoId,
    indexedIds,
    deps.settings.matchThreshold,
  );
  const assignments = new Map(
    assignFaces(indexedIds, candidates).map((assignment) => [assignment.faceId, assignment]),
  );

  const now = new Date().toISOString();
  const appearances: AppearanceRecord[] = [];
  const newPeople: PersonRecord[] = [];
  for (const face of faces) {
    const assignment = assignments.get(face.faceId);
    const base = {
      ownerId,
      appearanceId: appearanceId(photoId, face.faceId),
      photoId,
      faceId: face.faceId,
      boundingBox: face.boundingBox,
      confidence: face.confidence,
      createdAt: now,
    };
    if (!assignment) {
      appearances.push({
        ...base,
        unassignedReason: face.unassignedReason ?? 'UNINDEXED',
        thumbnailKey: unassignedThumbnailKey(ownerId, face.faceId),
      });
      continue;
    }
    const personId = assignment.personId ?? randomUUID();
    const key = thumbnailKey(personId, face.faceId);
    if (assignment.personId) {
      await store.addToPersonCounts(ownerId, personId, { faces: 1, photos: 1 }, now);
      logger.debug('Face matched', {
        faceId: face.faceId,
        personId,
        similarity: assignment.similarity,
      });
    } else {
      const person: PersonRecord = {
        ownerId,
        personId,
        faceCount: 1,
        photoCount: 1,
        coverThumbnailKey: key,
        coverFaceId: face.faceId,
        createdAt: now,
        updatedAt: now,
      };
      await store.createPerson(person);
      newPeople.push(person);
      logger.info('Creating new person for face', { faceId: face.faceId, personId });
    }
    appearances.push({
      ...base,
      personId,
      personPhoto: personPhoto(personId, photoId, face.faceId),
      similarity: assignment.similarity,
      thumbnailKey: key,
    });
  }
  // Thumbnails first: whoever reads an appearance (re-clustering too) finds its thumbnail.
  await Promise.all(
    appearances.map((appearance, index) =>
      deps.photoStore.putThumbnail(appearance.thumbnailKey, faces[index]!.thumbnail),
    ),
  );
  await store.putAppearances(appearances);
  if (indexedIds.length > 0) await store.markReclusterDue(ownerId, now);
  return { appearances, newPeople };
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
