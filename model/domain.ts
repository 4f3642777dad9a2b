/** The product's domain records, as stored in DynamoDB and served by the GraphQL API. */
import type { ErrorCode } from './errors.ts';

export const PHOTO_STATUSES = ['PENDING', 'PROCESSING', 'DONE', 'NO_FACES', 'FAILED'] as const;
export type PhotoStatus = (typeof PHOTO_STATUSES)[number];

/** The statuses a photo does not leave unless it is uploaded again. */
export const FINAL_PHOTO_STATUSES: readonly PhotoStatus[] = ['DONE', 'NO_FACES', 'FAILED'];

/** A box as ratios (0-1) of the upright image's width and height. */
export interface BoundingBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface PhotoRecord {
  ownerId: string;
  photoId: string;
  bucket: string;
  key: string;
  status: PhotoStatus;
  /** `<status>#<createdAt>`, the sort key of the by-status index. */
  statusCreatedAt: string;
  /** Why the photo is FAILED (or NO_FACES); absent otherwise. */
  reason?: ErrorCode;
  reasonMessage?: string;
  /** ETag of the object version the record describes; a different one means a new upload. */
  eTag?: string;
  size?: number;
  /** Size of the upright (EXIF-oriented) image, in pixels. */
  width?: number;
  height?: number;
  faceCount?: number;
  /** The processing attempt that owns the record; a newer attempt takes the photo over. */
  attemptId?: string;
  /** Faces indexed in the face collection for this photo, so a retry can undo them. */
  faceIds?: string[];
  createdAt: string;
  updatedAt: string;
}

export interface PersonRecord {
  ownerId: string;
  personId: string;
  /** A name the owner gave; never changed by the pipeline. */
  name?: string;
  faceCount: number;
  photoCount: number;
  /** Key in the processed bucket of the thumbnail that stands for the person. */
  coverThumbnailKey: string;
  coverFaceId: string;
  createdAt: string;
  updatedAt: string;
}

/** Why a face was kept but not given to a person. */
export const UNASSIGNED_REASONS = [
  'LOW_CONFIDENCE',
  'TOO_SMALL',
  'LOW_QUALITY',
  'UNINDEXED',
] as const;
export type UnassignedReason = (typeof UNASSIGNED_REASONS)[number];

export interface AppearanceRecord {
  ownerId: string;
  /** `<photoId>#<faceId>`. */
  appearanceId: string;
  photoId: string;
  faceId: string;
  /** Absent while the face belongs to nobody (see `unassignedReason`). */
  personId?: string;
  /** `<personId>#<photoId>#<faceId>`, the sort key of the by-person index. */
  personPhoto?: string;
  unassignedReason?: UnassignedReason;
  boundingBox: BoundingBox;
  /** Detection confidence, 0-100. */
  confidence: number;
  /** Similarity (0-100) to the face that matched it to its person; absent for a founding face. */
  similarity?: number;
  thumbnailKey: string;
  createdAt: string;
}

export function appearanceId(photoId: string, faceId: string): string {
  return `${photoId}#${faceId}`;
}

export function personPhoto(personId: string, photoId: string, faceId: string): string {
  return `${personId}#${photoId}#${faceId}`;
}

export function statusCreatedAt(status: PhotoStatus, createdAt: string): string {
  return `${status}#${createdAt}`;
}
