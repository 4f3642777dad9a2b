/**
 * The face engine on Amazon Rekognition. Each owner has a face collection of its own, created the
 * first time one of its photos is indexed; a face's `ExternalImageId` is its photo's id.
 *
 * Matching searches the collection by face id (`SearchFaces`), not by user vectors: people live
 * in DynamoDB, where the pipeline groups, merges and renames them; a face is one call to search
 * and one to delete, with no association to undo first.
 */
import { createHash } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateCollectionCommand,
  DeleteFacesCommand,
  ImageTooLargeException,
  IndexFacesCommand,
  InvalidImageFormatException,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  SearchFacesCommand,
  type BoundingBox as RekognitionBox,
  type IndexFacesCommandOutput,
  type RekognitionClient,
} from '@aws-sdk/client-rekognition';
import type { BoundingBox } from '../../model/domain.ts';
import { ImageTooLargeError, UnsupportedImageError } from '../../model/errors.ts';
import type {
  FaceEngine,
  FaceMatch,
  IndexedFace,
  IndexFacesResult,
  SearchOptions,
  UnindexedFace,
  UprightImage,
} from '../ports.ts';
import { rekognitionBytes } from './rekognition-image.ts';
import {
  DEFAULT_BACKOFF,
  retryThrottled,
  type BackoffPolicy,
  type RetryHooks,
} from './retry-throttled.ts';

/** IndexFaces keeps at most this many faces of an image, the largest first. */
export const MAX_FACES_PER_PHOTO = 100;
/** DeleteFaces takes at most this many face ids a call. */
const DELETE_BATCH = 4096;
const MAX_COLLECTION_ID = 255;
const COLLECTION_ID = /^[a-zA-Z0-9_.-]+$/;
const EXTERNAL_IMAGE_ID = /^[a-zA-Z0-9_.\-:]{1,255}$/;

export interface RekognitionFaceEngineOptions {
  /**
   * Starts every collection id, so that the collections of one deployment can be told apart
   * (and granted, listed and removed) by prefix.
   * @default 'face-groups-'
   */
  collectionPrefix?: string;
  /** @default DEFAULT_BACKOFF */
  backoff?: BackoffPolicy;
  /** Replace the waits in tests. */
  retryHooks?: Pick<RetryHooks, 'sleep' | 'random'>;
  logger?: Logger;
}

/**
 * The collection id of an owner: the prefix, then the owner id with every character a
 * collection id cannot hold (and `_`, the escape) written as `_` and two hex digits per byte.
 * An id that would pass 255 characters becomes `_z` and a hash; `_z` is never an escape.
 */
export function collectionIdFor(prefix: string, ownerId: string): string {
  if (prefix.length > 0 && !COLLECTION_ID.test(prefix)) {
    throw new RangeError(`The collection prefix ${JSON.stringify(prefix)} has invalid characters`);
  }
  const escaped = ownerId.replace(/[^a-zA-Z0-9.-]/gu, (character) =>
    [...Buffer.from(character, 'utf8')]
      .map((byte) => `_${byte.toString(16).padStart(2, '0')}`)
      .join(''),
  );
  if (escaped.length > 0 && prefix.length + escaped.length <= MAX_COLLECTION_ID) {
    return prefix + escaped;
  }
  return `${prefix}_z${createHash('sha256').update(ownerId).digest('hex')}`;
}

/** The part of [start, start + length] inside [0, 1], as its start and length. */
function withinImage(start: number, length: number): [number, number] {
  const end = start + length;
  if (start >= 0 && end <= 1) return [start, length];
  const from = Math.min(1, Math.max(0, start));
  return [from, Math.min(1, Math.max(0, end)) - from];
}

/** Rekognition's box as ratios of the image, cut to the image: it may reach past the edges. */
export function boundingBoxOf(box: RekognitionBox | undefined): BoundingBox {
  const [left, width] = withinImage(box?.Left ?? 0, box?.Width ?? 0);
  const [top, height] = withinImage(box?.Top ?? 0, box?.Height ?? 0);
  return { left, top, width, height };
}

export class RekognitionFaceEngine implements FaceEngine {
  private readonly prefix: string;
  private readonly backoff: BackoffPolicy;
  private readonly logger: Logger;

  constructor(
    private readonly rekognition: RekognitionClient,
    private readonly options: RekognitionFaceEngineOptions = {},
  ) {
    this.prefix = options.collectionPrefix ?? 'face-groups-';
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.logger = options.logger ?? new Logger({ serviceName: 'face-groups-ingestion' });
    collectionIdFor(this.prefix, 'owner');
  }

  async indexFaces(
    ownerId: string,
    photoId: string,
    image: UprightImage,
  ): Promise<IndexFacesResult> {
    if (!EXTERNAL_IMAGE_ID.test(photoId)) {
      throw new RangeError(
        `The photo id ${JSON.stringify(photoId)} is not a valid ExternalImageId`,
      );
    }
    const collectionId = collectionIdFor(this.prefix, ownerId);
    const bytes = await rekognitionBytes(image);
    const command = new IndexFacesCommand({
      CollectionId: collectionId,
      Image: { Bytes: bytes },
      ExternalImageId: photoId,
      MaxFaces: MAX_FACES_PER_PHOTO,
      QualityFilter: 'AUTO',
      DetectionAttributes: ['DEFAULT'],
    });
    const response = await this.inCollection(collectionId, () =>
      this.send('IndexFaces', () => this.rekognition.send(command)),
    );
    return this.indexResult(response);
  }

  async searchFaces(ownerId: string, faceId: string, options: SearchOptions): Promise<FaceMatch[]> {
    const command = new SearchFacesCommand({
      CollectionId: collectionIdFor(this.prefix, ownerId),
      FaceId: faceId,
      FaceMatchThreshold: options.threshold,
      MaxFaces: options.maxMatches,
    });
    const response = await this.send('SearchFaces', () => this.rekognition.send(command));
    const matches: FaceMatch[] = [];
    for (const match of response.FaceMatches ?? []) {
      const face = match.Face;
      if (!face?.FaceId || face.FaceId === faceId) continue;
      matches.push({
        faceId: face.FaceId,
        photoId: face.ExternalImageId ?? '',
        similarity: match.Similarity ?? 0,
      });
    }
    return matches.sort((a, b) => b.similarity - a.similarity);
  }

  async deleteFaces(ownerId: string, faceIds: string[]): Promise<void> {
    const collectionId = collectionIdFor(this.prefix, ownerId);
    for (let start = 0; start < faceIds.length; start += DELETE_BATCH) {
      const command = new DeleteFacesCommand({
        CollectionId: collectionId,
        FaceIds: faceIds.slice(start, start + DELETE_BATCH),
      });
      try {
        await this.send('DeleteFaces', () => this.rekognition.send(command));
      } catch (error) {
        // No collection, no faces to delete.
        if (error instanceof ResourceNotFoundException) return;
        throw error;
      }
    }
  }

  /**
   * Runs an indexing call; when the owner has no collection yet, creates it and runs the call
   * again. Trying first costs nothing for the owners that have one, which is nearly every call.
   */
  private async inCollection<T>(collectionId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    await this.createCollection(collectionId);
    return call();
  }

  private async createCollection(collectionId: string): Promise<void> {
    try {
      const command = new CreateCollectionCommand({ CollectionId: collectionId });
      await this.send('CreateCollection', () => this.rekognition.send(command));
      this.logger.info('Created a face collection', { collectionId });
    } catch (error) {
      // Another photo of the same owner created it first.
      if (!(error instanceof ResourceAlreadyExistsException)) throw error;
    }
  }

  private indexResult(response: IndexFacesCommandOutput): IndexFacesResult {
    const faces: IndexedFace[] = [];
    for (const record of response.FaceRecords ?? []) {
      if (!record.Face?.FaceId) continue;
      faces.push({
        faceId: record.Face.FaceId,
        boundingBox: boundingBoxOf(record.Face.BoundingBox),
        confidence: record.Face.Confidence ?? 0,
      });
    }
    const unindexed: UnindexedFace[] = (response.UnindexedFaces ?? []).map((face) => ({
      boundingBox: boundingBoxOf(face.FaceDetail?.BoundingBox),
      confidence: face.FaceDetail?.Confidence ?? 0,
      reasons: face.Reasons ?? [],
    }));
    for (const face of unindexed) {
      this.logger.debug('Rekognition did not index a face', { reasons: face.reasons });
    }
    return { faces, unindexed };
  }

  /** One Rekognition call, retried on throttling, with its image errors given their codes. */
  private async send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await retryThrottled(call, this.backoff, {
        ...this.options.retryHooks,
        onRetry: ({ attempt, delayMs, error }) =>
          this.logger.warn('Rekognition call will be retried', {
            operation,
            attempt,
            delayMs,
            errorName: (error as Error).name,
          }),
      });
    } catch (error) {
      if (error instanceof InvalidImageFormatException) {
        throw new UnsupportedImageError(`Rekognition cannot read the image: ${error.message}`, {
          cause: error,
        });
      }
      if (error instanceof ImageTooLargeException) {
        throw new ImageTooLargeError(`The image is too large for Rekognition: ${error.message}`);
      }
      throw error;
    }
  }
}
