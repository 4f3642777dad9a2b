import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import { photoIdFor } from '../../model/keys.ts';
import type { PresignResult } from '../../resolvers/lambda/presign-protocol.ts';
import { createPresignHandler, readPresignSettings } from '../../resolvers/lambda/presign.ts';

// Presigning is computation only: the endpoint is never called.
const s3 = new S3Client({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  forcePathStyle: true,
  credentials: { accessKeyId: 'KEY', secretAccessKey: 'SECRET' },
});
const settings = readPresignSettings({ RAW_BUCKET: 'raw', PROCESSED_BUCKET: 'processed' });
const handler = createPresignHandler(
  settings,
  s3,
  new Logger({ serviceName: 'face-groups-test', logLevel: 'SILENT' }),
);
const lifetime = (result: PresignResult) =>
  'url' in result ? new URL(result.url!).searchParams.get('X-Amz-Expires') : undefined;

describe('the presign Lambda', () => {
  it('answers a batch with one result per request, in order, each failing alone', async () => {
    const results = (await handler([
      { action: 'getThumbnail', key: 'people/p1/f1.jpg' },
      { action: 'getPhoto', ownerId: 'ann', key: 'photos-raw/bob/secret.jpg' },
      { action: 'getPhoto', ownerId: 'ann', key: 'photos-raw/ann/beach.jpg' },
    ])) as PresignResult[];

    expect(results).toHaveLength(3);
    expect(results[0]).toMatchObject({ bucket: 'processed', key: 'people/p1/f1.jpg' });
    expect(results[1]).toEqual({
      error: { type: 'UNAUTHORIZED', message: 'The photo is not the caller’s' },
    });
    expect(results[2]).toMatchObject({ bucket: 'raw', key: 'photos-raw/ann/beach.jpg' });
  });

  it('makes URLs for 15 minutes by default, as asked up to the cap, and not for 0 s', async () => {
    const get = (expiresInSeconds?: number) =>
      handler({ action: 'getThumbnail', key: 'people/p/f.jpg', expiresInSeconds });

    expect(lifetime((await get()) as PresignResult)).toBe('900');
    expect(lifetime((await get(120)) as PresignResult)).toBe('120');
    expect(lifetime((await get(999_999)) as PresignResult)).toBe('3600');
    expect(await get(0)).toEqual({
      error: { type: 'BAD_REQUEST', message: 'expiresInSeconds must be at least 1' },
    });
  });

  it('signs the same address as the S3 client for keys that need escaping', async () => {
    const key = "photos-raw/ann/a b+c (1)'s.jpg";
    const result = (await handler({ action: 'getPhoto', ownerId: 'ann', key })) as {
      url: string;
    };
    const reference = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'raw', Key: key }));

    expect(new URL(result.url).pathname).toBe(new URL(reference).pathname);
  });

  it('refuses to presign a raw photo as a thumbnail', async () => {
    expect(await handler({ action: 'getThumbnail', key: 'photos-raw/bob/x.jpg' })).toMatchObject({
      error: { type: 'INVALID_KEY' },
    });
  });

  it('gives an upload its key under the owner’s prefix and its photo id', async () => {
    const result = await handler({ action: 'putPhoto', ownerId: 'ann', name: 'new.jpg' });

    expect(result).toMatchObject({
      bucket: 'raw',
      key: 'photos-raw/ann/new.jpg',
      photoId: photoIdFor('raw', 'photos-raw/ann/new.jpg'),
    });
  });

  it('refuses upload names that would leave the owner’s prefix', async () => {
    for (const name of ['a/b.jpg', '', 'x'.repeat(256), 'tab\there.jpg']) {
      expect(await handler({ action: 'putPhoto', ownerId: 'ann', name })).toMatchObject({
        error: { type: 'BAD_REQUEST' },
      });
    }
  });

  it('reads its lifetimes from the environment and refuses ones SigV4 cannot sign', () => {
    const env = { RAW_BUCKET: 'r', PROCESSED_BUCKET: 'p' };

    expect(
      readPresignSettings({
        ...env,
        PRESIGNED_URL_TTL_SECONDS: '300',
        PRESIGNED_URL_MAX_TTL_SECONDS: '600',
      }),
    ).toMatchObject({ defaultSeconds: 300, maxSeconds: 600 });
    expect(() =>
      readPresignSettings({ ...env, PRESIGNED_URL_MAX_TTL_SECONDS: String(8 * 24 * 3600) }),
    ).toThrow(/PRESIGNED_URL_MAX_TTL_SECONDS/);
  });
});
