/**
 * The ports of the ingestion pipeline. The pipeline knows these interfaces and `model/` only;
 * adapters (S3, DynamoDB, Rekognition, the local face model, AppSync) implement them.
 */
import type { AppearanceRecord, BoundingBox, PersonRecord, PhotoRecord } from '../model/domain.ts';

/** An image turned upright (EXIF applied), capped in size, encoded as JPEG. */
export interface UprightImage {
  jpeg: Buffer;
  width: number;
  height: number;
}

export interface IndexedFace {
  faceId: string;
  boundingBox: BoundingBox;
  /** Detection confidence, 0-100. */
  confidence: number;
}

/** A face the engine saw but did not add to the collection, with the engine's reasons. */
export interface UnindexedFace {
  boundingBox: BoundingBox;
  confidence: number;
  reasons: string[];
}

export interface IndexFacesResult {
  faces: IndexedFace[];
  unindexed: UnindexedFace[];
}

export interface FaceMatch {
  faceId: string;
  /** The photo the matched face was indexed from. */
  photoId: string;
  /** 0-100, as Rekognition reports it. */
  similarity: number;
}

export interface SearchOptions {
  /** Lowest similarity (0-100) a match may have. */
  threshold: number;
  maxMatches: number;
}

/** Finds faces and keeps each owner's faces in a searchable collection. */
export interface FaceEngine {
  /** Detects the faces of an upright image and adds them to the owner's collection. */
  indexFaces(ownerId: string, photoId: string, image: UprightImage): Promise<IndexFacesResult>;
  /** The owner's faces most similar to one of its indexed faces, best first (itself excluded). */
  searchFaces(ownerId: string, faceId: string, options: SearchOptions): Promise<FaceMatch[]>;
  /** Removes faces from the owner's collection; ids it does not hold are ignored. */
  deleteFaces(ownerId: string, faceIds: string[]): Promise<void>;
}

export interface StoredPhoto {
  bytes: Buffer;
  eTag?: string;
}

/** Reads raw photos and writes face thumbnails. */
export interface PhotoStore {
  /** The object's bytes; throws `PhotoNotFoundError` when it does not exist (any more). */
  getPhoto(bucket: string, key: string): Promise<StoredPhoto>;
  /** Writes a JPEG thumbnail to the processed bucket. */
  putThumbnail(key: string, jpeg: Buffer): Promise<void>;
  deleteThumbnails(keys: string[]): Promise<void>;
  /**
   * Copies a thumbnail to another key of the processed bucket (re-clustering moves faces);
   * false when there is no thumbnail at `sourceKey`.
   */
  copyThumbnail(sourceKey: string, targetKey: string): Promise<boolean>;
}

export interface ReclusterDue {
  ownerId: string;
  /** When the first photo since the last re-clustering was grouped (ISO 8601). */
  dueSince: string;
}

/** Photos, people and appearances in DynamoDB. */
export interface MetadataStore {
  getPhoto(ownerId: string, photoId: string): Promise<PhotoRecord | undefined>;
  /**
   * Writes the whole photo record. With `onlyIfAttempt`, writes only while the stored record still
   * belongs to that processing attempt, and returns false when another attempt took the photo over.
   */
  putPhoto(photo: PhotoRecord, onlyIfAttempt?: string): Promise<boolean>;
  deletePhoto(ownerId: string, photoId: string): Promise<void>;
  getAppearances(ownerId: string, appearanceIds: string[]): Promise<AppearanceRecord[]>;
  listPhotoAppearances(ownerId: string, photoId: string): Promise<AppearanceRecord[]>;
  putAppearances(appearances: AppearanceRecord[]): Promise<void>;
  deleteAppearances(ownerId: string, appearanceIds: string[]): Promise<void>;
  getPerson(ownerId: string, personId: string): Promise<PersonRecord | undefined>;
  /** Creates a person; does nothing when one with that id exists. */
  createPerson(person: PersonRecord): Promise<void>;
  /** Adds (or, with negative numbers, removes) faces and photos to a person's counts. */
  addToPersonCounts(
    ownerId: string,
    personId: string,
    change: { faces: number; photos: number },
    updatedAt: string,
  ): Promise<PersonRecord>;
  deletePerson(ownerId: string, personId: string): Promise<void>;
  /** Every appearance of the owner, assigned to a person or not. */
  listOwnerAppearances(ownerId: string): Promise<AppearanceRecord[]>;
  /** Every person of the owner. */
  listPeople(ownerId: string): Promise<PersonRecord[]>;
  /**
   * Creates a person or rewrites its grouping (counts, cover, `updatedAt`); a name the owner gave
   * is never written here, so a stored name stays as it is.
   */
  putPerson(person: PersonRecord): Promise<void>;
  /** Notes that the owner's people should be re-clustered; a later note replaces an earlier. */
  markReclusterDue(ownerId: string, dueSince: string): Promise<void>;
  /** Every owner with a re-clustering due, and since when. */
  listReclusterDue(): Promise<ReclusterDue[]>;
  /**
   * Clears the note, unless a newer one (another `dueSince`) replaced it meanwhile or another
   * run cleared it first; true when this call cleared it.
   */
  clearReclusterDue(due: ReclusterDue): Promise<boolean>;
  /**
   * Takes the owner's named lease for `ttlMs` if nobody holds it (or the holder's time ran out).
   * Returns false when someone else holds it.
   */
  tryAcquireLease(
    ownerId: string,
    leaseName: string,
    holder: string,
    ttlMs: number,
  ): Promise<boolean>;
  releaseLease(ownerId: string, leaseName: string, holder: string): Promise<void>;
}

/** Tells subscribed clients about changes. */
export interface Publisher {
  /** A person was created from a face in one of the owner's photos. */
  personCreated(person: PersonRecord): Promise<void>;
}
