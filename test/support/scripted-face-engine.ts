/**
 * A face engine whose faces are scripted per photo: each face carries the label of the person it
 * shows, and two faces are similar when their labels are equal. It stands in for a real engine
 * where a test is about the pipeline's decisions rather than about detection.
 */
import type { BoundingBox } from '../../model/domain.ts';
import type {
  FaceEngine,
  FaceMatch,
  IndexFacesResult,
  SearchOptions,
  UprightImage,
} from '../../ingestion/ports.ts';

export interface ScriptedFace {
  label: string;
  box?: BoundingBox;
  /** Reasons to leave the face out of the collection, as Rekognition's UnindexedFaces does. */
  unindexedReasons?: string[];
}

interface StoredFace {
  ownerId: string;
  photoId: string;
  label: string;
}

export const SAME_PERSON_SIMILARITY = 95;
export const OTHER_PERSON_SIMILARITY = 20;

const defaultBox = (index: number): BoundingBox => ({
  left: 0.05 + index * 0.3,
  top: 0.2,
  width: 0.25,
  height: 0.3,
});

export class ScriptedFaceEngine implements FaceEngine {
  readonly faces = new Map<string, StoredFace>();
  readonly calls: string[] = [];
  private readonly scripts = new Map<string, ScriptedFace[]>();
  /** Makes the next `failures` calls of a method throw a transient error. */
  private readonly pendingFailures = new Map<string, number>();

  script(photoId: string, faces: ScriptedFace[]): void {
    this.scripts.set(photoId, faces);
  }

  failNext(method: 'indexFaces' | 'searchFaces', failures = 1): void {
    this.pendingFailures.set(method, failures);
  }

  private maybeFail(method: string): void {
    const left = this.pendingFailures.get(method) ?? 0;
    if (left > 0) {
      this.pendingFailures.set(method, left - 1);
      throw Object.assign(new Error(`${method} is throttled`), { name: 'ThrottlingException' });
    }
  }

  async indexFaces(
    ownerId: string,
    photoId: string,
    _image: UprightImage,
  ): Promise<IndexFacesResult> {
    this.calls.push(`indexFaces ${photoId}`);
    this.maybeFail('indexFaces');
    const result: IndexFacesResult = { faces: [], unindexed: [] };
    (this.scripts.get(photoId) ?? []).forEach((face, index) => {
      const boundingBox = face.box ?? defaultBox(index);
      if (face.unindexedReasons) {
        result.unindexed.push({ boundingBox, confidence: 60, reasons: face.unindexedReasons });
        return;
      }
      const faceId = `${photoId}-${index}`;
      this.faces.set(faceId, { ownerId, photoId, label: face.label });
      result.faces.push({ faceId, boundingBox, confidence: 99 });
    });
    return result;
  }

  async searchFaces(ownerId: string, faceId: string, options: SearchOptions): Promise<FaceMatch[]> {
    this.calls.push(`searchFaces ${faceId}`);
    this.maybeFail('searchFaces');
    const probe = this.faces.get(faceId);
    if (!probe) return [];
    const matches: FaceMatch[] = [];
    for (const [otherId, other] of this.faces) {
      if (otherId === faceId || other.ownerId !== ownerId) continue;
      const similarity =
        other.label === probe.label ? SAME_PERSON_SIMILARITY : OTHER_PERSON_SIMILARITY;
      if (similarity >= options.threshold) {
        matches.push({ faceId: otherId, photoId: other.photoId, similarity });
      }
    }
    return matches.slice(0, options.maxMatches);
  }

  async deleteFaces(_ownerId: string, faceIds: string[]): Promise<void> {
    this.calls.push(`deleteFaces ${faceIds.join(',')}`);
    for (const faceId of faceIds) this.faces.delete(faceId);
  }
}
