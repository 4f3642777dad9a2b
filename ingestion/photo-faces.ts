/**
 * Step "crop": the faces of a photo as the pipeline writes them, indexed or not, each with its
 * thumbnail cut out of the upright image.
 */
import type { AppearanceRecord, UnassignedReason } from '../model/domain.ts';
import { cropThumbnails } from './crop-thumbnails.ts';
import type { IndexFacesResult, UprightImage } from './ports.ts';

const UNINDEXED_MARK = '-unindexed-';

/** A face the pipeline will write, with or without a person. */
export interface PhotoFace {
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

/** Faces the engine did not index have no id of its own: the pipeline names them. */
function unindexedFaceId(photoId: string, index: number): string {
  return `${photoId}${UNINDEXED_MARK}${index}`;
}

/** Whether a face id names a face the engine holds (one the pipeline named is not). */
export function isIndexedFaceId(faceId: string): boolean {
  return !faceId.includes(UNINDEXED_MARK);
}

export async function photoFaces(
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
      faceId: unindexedFaceId(photoId, index),
      indexed: false,
      unassignedReason: unassignedReason(face.reasons),
      boundingBox: face.boundingBox,
      confidence: face.confidence,
      thumbnail: thumbnails[indexed.faces.length + index]!,
    });
  });
  return faces;
}
