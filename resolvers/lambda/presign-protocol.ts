/**
 * What resolvers ask of the presign Lambda, one request per field (a batch is an array of
 * them), and what it answers. A failed request answers with its error instead of failing the
 * whole batch.
 */
import type { ErrorCode } from '../../model/errors.ts';

interface Lifetime {
  /** Requested lifetime; the function's default when absent, capped at its maximum. */
  expiresInSeconds?: number | null;
}

/** GET an owner's raw photo; the key must be under the owner's raw prefix. */
export interface PhotoGetRequest extends Lifetime {
  action: 'getPhoto';
  ownerId: string;
  key: string;
}

/** GET a face thumbnail in the processed bucket. */
export interface ThumbnailGetRequest extends Lifetime {
  action: 'getThumbnail';
  key: string;
}

/** PUT a new photo at `photos-raw/<ownerId>/<name>` in the raw bucket. */
export interface PhotoPutRequest extends Lifetime {
  action: 'putPhoto';
  ownerId: string;
  name: string;
  contentType?: string | null;
}

export type PresignRequest = PhotoGetRequest | ThumbnailGetRequest | PhotoPutRequest;

export interface PresignedUrl {
  url: string;
  expiresAt: string;
  bucket: string;
  key: string;
  /** For uploads: the id the photo will have. */
  photoId?: string;
  error?: undefined;
}

export interface PresignFailure {
  error: { type: ErrorCode; message: string };
}

export type PresignResult = PresignedUrl | PresignFailure;
