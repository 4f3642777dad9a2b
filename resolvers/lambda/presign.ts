/**
 * The presigned-URL Lambda behind the API's URL fields. AppSync invokes it with one request
 * (`Invoke`) or with an array of them (`BatchInvoke`, one per field of a page); it answers in the
 * same shape and order. A request that cannot be served answers with its error, so one bad key
 * does not fail its whole batch.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { S3Client } from '@aws-sdk/client-s3';
import { isFaceGroupsError } from '../../model/errors.ts';
import { parseRawKey, photoIdFor, rawKey, RAW_PREFIX } from '../../model/keys.ts';
import { ObjectUrlSigner } from './object-urls.ts';
import type {
  PresignedUrl,
  PresignFailure,
  PresignRequest,
  PresignResult,
} from './presign-protocol.ts';

/** SigV4 refuses presigned URLs valid for longer than a week. */
const SIGV4_MAX_SECONDS = 7 * 24 * 3600;
const MAX_NAME_LENGTH = 255;

export interface PresignSettings {
  rawBucket: string;
  processedBucket: string;
  /** Lifetime of a URL when the request names none (`PRESIGNED_URL_TTL_SECONDS`, 900). */
  defaultSeconds: number;
  /** The longest lifetime granted (`PRESIGNED_URL_MAX_TTL_SECONDS`, 3600). */
  maxSeconds: number;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > SIGV4_MAX_SECONDS) {
    throw new Error(`${name} must be a whole number of seconds from 1 to ${SIGV4_MAX_SECONDS}`);
  }
  return parsed;
}

export function readPresignSettings(env: NodeJS.ProcessEnv = process.env): PresignSettings {
  const rawBucket = env.RAW_BUCKET;
  const processedBucket = env.PROCESSED_BUCKET;
  if (!rawBucket || !processedBucket) {
    throw new Error('The environment variables RAW_BUCKET and PROCESSED_BUCKET must be set');
  }
  const maxSeconds = seconds(env, 'PRESIGNED_URL_MAX_TTL_SECONDS', 3600);
  const defaultSeconds = Math.min(seconds(env, 'PRESIGNED_URL_TTL_SECONDS', 900), maxSeconds);
  return { rawBucket, processedBucket, defaultSeconds, maxSeconds };
}

/** One request answers with one result; an array (a batch) with an array in the same order. */
export type PresignHandler = (
  event: PresignRequest | PresignRequest[],
) => Promise<PresignResult | PresignResult[]>;

class PresignRequestError extends Error {
  constructor(
    readonly type: PresignFailure['error']['type'],
    message: string,
  ) {
    super(message);
    this.name = 'PresignRequestError';
  }
}

export function createPresignHandler(
  settings: PresignSettings = readPresignSettings(),
  s3: S3Client = new S3Client({}),
  logger: Logger = new Logger({ serviceName: 'face-groups-presign' }),
): PresignHandler {
  const signer = new ObjectUrlSigner(s3);

  function lifetime(request: PresignRequest): number {
    const requested = request.expiresInSeconds ?? settings.defaultSeconds;
    if (!Number.isInteger(requested) || requested < 1) {
      throw new PresignRequestError('BAD_REQUEST', 'expiresInSeconds must be at least 1');
    }
    return Math.min(requested, settings.maxSeconds);
  }

  async function presign(request: PresignRequest): Promise<PresignedUrl> {
    const expiresIn = lifetime(request);
    const expiresAt = new Date(Date.now() + expiresIn * 1000).toISOString();
    switch (request.action) {
      case 'getPhoto': {
        if (!request.key.startsWith(rawKey(request.ownerId, ''))) {
          throw new PresignRequestError('UNAUTHORIZED', 'The photo is not the caller’s');
        }
        const bucket = settings.rawBucket;
        const url = await signer.getObjectUrl(bucket, request.key, expiresIn);
        return { url, expiresAt, bucket, key: request.key };
      }
      case 'getThumbnail': {
        if (request.key.startsWith(RAW_PREFIX)) {
          throw new PresignRequestError('INVALID_KEY', 'Thumbnails are not raw photos');
        }
        const bucket = settings.processedBucket;
        const url = await signer.getObjectUrl(bucket, request.key, expiresIn);
        return { url, expiresAt, bucket, key: request.key };
      }
      case 'putPhoto': {
        const key = uploadKey(request.ownerId, request.name);
        const bucket = settings.rawBucket;
        const contentType = request.contentType ?? undefined;
        const url = await signer.putObjectUrl(bucket, key, contentType, expiresIn);
        return { url, expiresAt, bucket, key, photoId: photoIdFor(bucket, key) };
      }
    }
  }

  async function answer(request: PresignRequest): Promise<PresignResult> {
    try {
      return await presign(request);
    } catch (error) {
      if (error instanceof PresignRequestError || isFaceGroupsError(error)) {
        logger.warn('Presign request refused', { action: request.action, reason: error.message });
        const type = error instanceof PresignRequestError ? error.type : error.code;
        return { error: { type, message: error.message } };
      }
      throw error;
    }
  }

  return async (event) => {
    if (!Array.isArray(event)) return answer(event);
    logger.debug('Presigning a batch', { size: event.length });
    return Promise.all(event.map(answer));
  };
}

/** The raw key of an upload; the name becomes the last segment, so it holds no slash. */
function uploadKey(ownerId: string, name: string): string {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u001f\u007f]/;
  if (
    name.length === 0 ||
    name.length > MAX_NAME_LENGTH ||
    /[/]/.test(name) ||
    control.test(name)
  ) {
    throw new PresignRequestError(
      'BAD_REQUEST',
      `A photo name has 1 to ${MAX_NAME_LENGTH} characters, no slash and no control character`,
    );
  }
  const key = rawKey(ownerId, name);
  parseRawKey(key);
  return key;
}

let configured: PresignHandler | undefined;

/** The Lambda entry point, configured from the environment on first use. */
export async function handler(
  event: PresignRequest | PresignRequest[],
): Promise<PresignResult | PresignResult[]> {
  configured ??= createPresignHandler();
  return configured(event);
}
