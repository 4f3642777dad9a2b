/**
 * Uploading photos into a test stack the way an app does (PutObject into the raw bucket) and
 * reading what the pipeline made of them once the stack's runner has delivered every event.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PhotoRecord } from '../../model/domain.ts';
import { photoIdFor, rawKey } from '../../model/keys.ts';
import type { TestStack } from './test-stack.ts';

export interface UploadedPhoto {
  key: string;
  photoId: string;
  /** Without quotes, as S3 events and the Photos table carry it. */
  eTag: string;
}

export async function uploadPhoto(
  { clients }: TestStack,
  ownerId: string,
  name: string,
  bytes: Buffer,
): Promise<UploadedPhoto> {
  const key = rawKey(ownerId, name);
  const response = await clients.s3.send(
    new PutObjectCommand({ Bucket: clients.rawBucket, Key: key, Body: bytes }),
  );
  return {
    key,
    photoId: photoIdFor(clients.rawBucket, key),
    eTag: (response.ETag ?? '').replaceAll('"', ''),
  };
}

export async function getPhotoRecord(
  { clients }: TestStack,
  ownerId: string,
  photoId: string,
): Promise<PhotoRecord | undefined> {
  const response = await clients.dynamodb.send(
    new GetCommand({ TableName: clients.photosTable, Key: { ownerId, photoId } }),
  );
  return response.Item as PhotoRecord | undefined;
}

/** Uploads a photo and returns its record once the stack has processed the upload. */
export async function ingestPhoto(
  testStack: TestStack,
  ownerId: string,
  name: string,
  bytes: Buffer,
): Promise<PhotoRecord | undefined> {
  const uploaded = await uploadPhoto(testStack, ownerId, name, bytes);
  // s3rver queues the event before it answers the PUT, so idle means processed.
  await testStack.stack.runner.idle();
  return getPhotoRecord(testStack, ownerId, uploaded.photoId);
}
