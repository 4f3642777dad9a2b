/**
 * The storage adapters, built from AWS SDK v3 clients configured by the environment alone
 * (region, credentials, and `AWS_ENDPOINT_URL_*` where the services are local).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbMetadataStore } from './adapters/dynamodb-metadata-store.ts';
import { S3PhotoStore } from './adapters/s3-photo-store.ts';
import type { MetadataStore, PhotoStore } from './ports.ts';
import type { IngestionSettings } from './settings.ts';

export interface AwsAdapters {
  photoStore: PhotoStore;
  metadataStore: MetadataStore;
}

export function createAwsAdapters(settings: IngestionSettings): AwsAdapters {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    photoStore: new S3PhotoStore(new S3Client({}), settings.processedBucket),
    metadataStore: new DynamoDbMetadataStore(db, settings),
  };
}
