/** The pipeline's tunable settings, read once from the environment. */

export interface IngestionSettings {
  /** Table names, from `PHOTOS_TABLE`, `PEOPLE_TABLE`, `APPEARANCES_TABLE`, `LEASES_TABLE`. */
  photosTable: string;
  peopleTable: string;
  appearancesTable: string;
  leasesTable: string;
  /** Bucket for thumbnails, from `PROCESSED_BUCKET`. */
  processedBucket: string;
  /** Largest raw object accepted, in bytes (`MAX_PHOTO_BYTES`, default 50 MiB). */
  maxPhotoBytes: number;
  /** Longest side of the upright image handed to the face engine (`MAX_IMAGE_SIDE`, 2048). */
  maxImageSide: number;
  /** Lowest similarity (0-100) at which a face joins a person (`MATCH_THRESHOLD`). */
  matchThreshold: number;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`The environment variable ${name} must be set`);
  return value;
}

function numberOr(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number, not ${value}`);
  return parsed;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): IngestionSettings {
  return {
    photosTable: required(env, 'PHOTOS_TABLE'),
    peopleTable: required(env, 'PEOPLE_TABLE'),
    appearancesTable: required(env, 'APPEARANCES_TABLE'),
    leasesTable: required(env, 'LEASES_TABLE'),
    processedBucket: required(env, 'PROCESSED_BUCKET'),
    maxPhotoBytes: numberOr(env, 'MAX_PHOTO_BYTES', 50 * 1024 * 1024),
    maxImageSide: numberOr(env, 'MAX_IMAGE_SIDE', 2048),
    matchThreshold: numberOr(env, 'MATCH_THRESHOLD', 80),
  };
}
