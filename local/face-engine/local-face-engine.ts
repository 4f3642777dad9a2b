/**
 * The face engine of the local stack: faces found and described by the face-api model in a pool
 * of worker threads, kept per owner in a collection on disk, compared by the distance of their
 * descriptors. It stands in for Rekognition behind the same port and speaks its terms: similarity
 * 0-100, faces too small or too unsure reported as unindexed with Rekognition's reasons.
 */
import type {
  FaceEngine,
  FaceMatch,
  IndexedFace,
  IndexFacesResult,
  SearchOptions,
  UnindexedFace,
  UprightImage,
} from '../../ingestion/ports.ts';
import type { DetectedFace, FaceDetectionResult } from './detect-faces.ts';
import { FaceCollection, type StoredFace } from './face-collection.ts';
import { FaceWorkerPool, type FaceWorkerPoolOptions } from './face-worker-pool.ts';
import { distanceToSimilarity, similarityToDistance } from './similarity.ts';

export { distanceToSimilarity, similarityToDistance } from './similarity.ts';
export type { StoredFace } from './face-collection.ts';
export type { DetectedFace, FaceDetectionResult } from './detect-faces.ts';

export interface LocalFaceEngineOptions {
  /** Folder of the owners' collections (one JSON file per owner); created when missing. */
  collectionDir: string;
  /** Worker threads. @default os.availableParallelism() */
  workers?: number;
  /** Faces whose shorter side is under this many pixels stay unindexed. @default 40 */
  minFaceSide?: number;
  /** Faces under this confidence (0-100) stay unindexed. @default 40, the detector's own floor */
  minConfidence?: number;
  /** At most this many faces of a photo are indexed, the most confident first. @default 100 */
  maxFaces?: number;
  /** Starts a worker; for tests of the pool's behaviour. */
  spawnWorker?: FaceWorkerPoolOptions['spawn'];
}

export interface LocalFaceEngine extends FaceEngine {
  /** Finds and describes the faces of an image without touching any collection. */
  detectFaces(image: UprightImage): Promise<FaceDetectionResult>;
  /** An owner's indexed faces with their descriptors, for re-clustering. */
  listFaces(ownerId: string): Promise<StoredFace[]>;
  /** Stops the worker threads; the collections are already on disk. */
  close(): Promise<void>;
}

/** Rekognition's `UnindexedFaces` reasons, which the pipeline reads. */
const SMALL_BOUNDING_BOX = 'SMALL_BOUNDING_BOX';
const LOW_CONFIDENCE = 'LOW_CONFIDENCE';
const EXCEEDS_MAX_FACES = 'EXCEEDS_MAX_FACES';
const LOW_FACE_QUALITY = 'LOW_FACE_QUALITY';

/** The characters Rekognition allows in an external id; others in a photoId become `_`. */
function faceIdFor(photoId: string, index: number): string {
  return `${photoId.replace(/[^A-Za-z0-9_.:-]/g, '_')}-${index}`;
}

interface Limits {
  minFaceSide: number;
  minConfidence: number;
  maxFaces: number;
}

function unindexedReasons(face: DetectedFace, limits: Limits): string[] {
  const reasons: string[] = [];
  if (face.sidePixels < limits.minFaceSide) reasons.push(SMALL_BOUNDING_BOX);
  // The landmark net can fail on a face the detector found; such a face gets no descriptor.
  else if (!face.descriptor) reasons.push(LOW_FACE_QUALITY);
  if (face.confidence < limits.minConfidence) reasons.push(LOW_CONFIDENCE);
  return reasons;
}

class WorkerPoolFaceEngine implements LocalFaceEngine {
  constructor(
    private readonly pool: FaceWorkerPool,
    private readonly collection: FaceCollection,
    private readonly limits: Limits,
  ) {}

  detectFaces(image: UprightImage): Promise<FaceDetectionResult> {
    return this.pool.detect(image.jpeg);
  }

  async indexFaces(
    ownerId: string,
    photoId: string,
    image: UprightImage,
  ): Promise<IndexFacesResult> {
    const detected = await this.pool.detect(image.jpeg);

    const faces: IndexedFace[] = [];
    const stored: StoredFace[] = [];
    const unindexed: UnindexedFace[] = [];
    for (const face of detected.faces) {
      const { boundingBox, confidence, descriptor } = face;
      const reasons = unindexedReasons(face, this.limits);
      if (reasons.length === 0 && faces.length >= this.limits.maxFaces) {
        reasons.push(EXCEEDS_MAX_FACES);
      }
      if (reasons.length > 0 || !descriptor) {
        unindexed.push({ boundingBox, confidence, reasons });
        continue;
      }
      const faceId = faceIdFor(photoId, faces.length);
      faces.push({ faceId, boundingBox, confidence });
      stored.push({ faceId, photoId, descriptor });
    }

    await this.collection.putFaces(ownerId, stored);
    return { faces, unindexed };
  }

  async searchFaces(ownerId: string, faceId: string, options: SearchOptions): Promise<FaceMatch[]> {
    const face = await this.collection.getFace(ownerId, faceId);
    if (!face) return [];
    const near = await this.collection.nearestFaces(
      ownerId,
      face.descriptor,
      similarityToDistance(options.threshold),
    );
    return near
      .filter((match) => match.faceId !== faceId)
      .slice(0, options.maxMatches)
      .map((match) => ({
        faceId: match.faceId,
        photoId: match.photoId,
        similarity: distanceToSimilarity(match.distance),
      }));
  }

  deleteFaces(ownerId: string, faceIds: string[]): Promise<void> {
    return this.collection.deleteFaces(ownerId, faceIds);
  }

  listFaces(ownerId: string): Promise<StoredFace[]> {
    return this.collection.listFaces(ownerId);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Starts the worker threads (each loads the models once, on the wasm backend) and opens the
 * collections under `collectionDir`. Fails with `FaceWorkerStartError` when a worker cannot start,
 * for example when tfjs does not run on wasm.
 */
export async function createLocalFaceEngine(
  options: LocalFaceEngineOptions,
): Promise<LocalFaceEngine> {
  const limits: Limits = {
    minFaceSide: options.minFaceSide ?? 40,
    minConfidence: options.minConfidence ?? 40,
    maxFaces: options.maxFaces ?? 100,
  };
  const pool = await FaceWorkerPool.start({
    size: options.workers,
    settings: { minFaceSide: limits.minFaceSide },
    spawn: options.spawnWorker,
  });
  return new WorkerPoolFaceEngine(pool, new FaceCollection(options.collectionDir), limits);
}
