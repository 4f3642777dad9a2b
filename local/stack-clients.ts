/**
 * SDK clients for a running local stack, configured from the settings it publishes rather than
 * from this process's environment, so one process can talk to a stack another one runs.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface StackClients {
  s3: S3Client;
  dynamodb: DynamoDBDocumentClient;
  rawBucket: string;
  processedBucket: string;
  photosTable: string;
  peopleTable: string;
  appearancesTable: string;
  destroy(): void;
}

function setting(environment: Record<string, string>, name: string): string {
  const value = environment[name];
  if (value === undefined) throw new RangeError(`The stack's settings lack ${name}`);
  return value;
}

export function createStackClients(environment: Record<string, string>): StackClients {
  const common = {
    region: setting(environment, 'AWS_REGION'),
    credentials: {
      accessKeyId: setting(environment, 'AWS_ACCESS_KEY_ID'),
      secretAccessKey: setting(environment, 'AWS_SECRET_ACCESS_KEY'),
    },
  };
  const s3 = new S3Client({
    ...common,
    endpoint: setting(environment, 'AWS_ENDPOINT_URL_S3'),
    forcePathStyle: true,
    // s3rver stores a checksummed streaming body with its chunk framing.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const dynamodbClient = new DynamoDBClient({
    ...common,
    endpoint: setting(environment, 'AWS_ENDPOINT_URL_DYNAMODB'),
  });
  return {
    s3,
    dynamodb: DynamoDBDocumentClient.from(dynamodbClient),
    rawBucket: setting(environment, 'RAW_BUCKET'),
    processedBucket: setting(environment, 'PROCESSED_BUCKET'),
    photosTable: setting(environment, 'PHOTOS_TABLE'),
    peopleTable: setting(environment, 'PEOPLE_TABLE'),
    appearancesTable: setting(environment, 'APPEARANCES_TABLE'),
    destroy() {
      s3.destroy();
      dynamodbClient.destroy();
    },
  };
}
