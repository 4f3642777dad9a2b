/** The photo store on S3: raw photos in, thumbnails out. */
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { PhotoNotFoundError } from '../../model/errors.ts';
import type { PhotoStore, StoredPhoto } from '../ports.ts';

/** DeleteObjects takes at most this many keys a call. */
const DELETE_BATCH = 1000;

/** A key as CopySource wants it: each path segment URL-encoded, the slashes kept. */
function encodeKeyPath(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/');
}

export class S3PhotoStore implements PhotoStore {
  constructor(
    private readonly s3: S3Client,
    private readonly processedBucket: string,
  ) {}

  async getPhoto(bucket: string, key: string): Promise<StoredPhoto> {
    try {
      const response = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = Buffer.from((await response.Body?.transformToByteArray()) ?? []);
      return { bytes, eTag: response.ETag?.replace(/"/g, '') };
    } catch (error) {
      if (error instanceof NoSuchKey) throw new PhotoNotFoundError(`${bucket}/${key}`);
      throw error;
    }
  }

  async putThumbnail(key: string, jpeg: Buffer): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.processedBucket,
        Key: key,
        Body: jpeg,
        ContentType: 'image/jpeg',
      }),
    );
  }

  async copyThumbnail(sourceKey: string, targetKey: string): Promise<boolean> {
    try {
      await this.s3.send(
        new CopyObjectCommand({
          Bucket: this.processedBucket,
          Key: targetKey,
          CopySource: `${this.processedBucket}/${encodeKeyPath(sourceKey)}`,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error).name === 'NoSuchKey') return false;
      throw error;
    }
  }

  async deleteThumbnails(keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.processedBucket,
          Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    }
  }
}
