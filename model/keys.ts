/** Object key conventions shared by the pipeline, the API and the deployment. */
import { createHash } from 'node:crypto';
import { InvalidKeyError } from './errors.ts';

/** Raw photos live under `photos-raw/<ownerId>/<name>`; only these keys trigger ingestion. */
export const RAW_PREFIX = 'photos-raw/';
/** Face thumbnails live under `people/<personId>/<faceId>.jpg` in the processed bucket. */
export const THUMBNAIL_PREFIX = 'people/';

/** Owner ids are identity ids (a Cognito `sub`, or a local name): no slash, no control bytes. */
const OWNER_ID = /^[A-Za-z0-9_.:@-]{1,128}$/;

export interface RawKey {
  ownerId: string;
  name: string;
}

export function isValidOwnerId(ownerId: string): boolean {
  return OWNER_ID.test(ownerId);
}

export function rawKey(ownerId: string, name: string): string {
  return `${RAW_PREFIX}${ownerId}/${name}`;
}

export function parseRawKey(key: string): RawKey {
  if (!key.startsWith(RAW_PREFIX)) {
    throw new InvalidKeyError(`Key ${JSON.stringify(key)} is not under ${RAW_PREFIX}`);
  }
  const rest = key.slice(RAW_PREFIX.length);
  const slash = rest.indexOf('/');
  const ownerId = slash > 0 ? rest.slice(0, slash) : '';
  const name = rest.slice(slash + 1);
  if (!isValidOwnerId(ownerId) || slash < 0 || name.length === 0 || name.endsWith('/')) {
    throw new InvalidKeyError(`Key ${JSON.stringify(key)} is not ${RAW_PREFIX}<ownerId>/<name>`);
  }
  return { ownerId, name };
}

/**
 * A photo's id is derived from its bucket and key, so that a replayed event, a retry and the
 * upload mutation all name the same photo.
 */
export function photoIdFor(bucket: string, key: string): string {
  return createHash('sha256').update(`${bucket}/${key}`).digest('base64url').slice(0, 22);
}

export function thumbnailKey(personId: string, faceId: string): string {
  return `${THUMBNAIL_PREFIX}${personId}/${faceId}.jpg`;
}

/** Thumbnails of faces that belong to nobody yet. */
export function unassignedThumbnailKey(ownerId: string, faceId: string): string {
  return `unassigned/${ownerId}/${faceId}.jpg`;
}
