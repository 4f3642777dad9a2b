/**
 * The local stand-ins for AWS storage: dynalite for DynamoDB and s3rver for S3, bound to
 * 127.0.0.1, with the product's tables and buckets created from the shared definitions.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { localTableName, tables, type TableDefinition } from '../model/tables.ts';

export const LOCAL_RAW_BUCKET = 'face-groups-raw';
export const LOCAL_PROCESSED_BUCKET = 'face-groups-processed';
export const LOCAL_REGION = 'us-east-1';
/** s3rver accepts any well-formed signature; dynalite checks none. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface LocalServicesOptions {
  /** Folder for the DynamoDB and S3 data; reused by the next start. */
  dataDir: string;
  /** 0 picks a free port. */
  dynamodbPort?: number;
  s3Port?: number;
}

export interface LocalServices {
  dynamodbEndpoint: string;
  s3Endpoint: string;
  /** Emits `event` with an S3-like notification for each object write (s3rver's shape). */
  s3: S3rver;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const dynamodbDir = join(options.dataDir, 'dynamodb');
  const s3Dir = join(options.dataDir, 's3');
  mkdirSync(dynamodbDir, { recursive: true });
  mkdirSync(s3Dir, { recursive: true });

  const dynamodb = dynalite({ path: dynamodbDir, createTableMs: 0, deleteTableMs: 0 });
  const dynamodbPort = await listen(dynamodb, options.dynamodbPort ?? 0);

  const s3 = new S3rver({
    address: '127.0.0.1',
    port: options.s3Port ?? 0,
    directory: s3Dir,
    silent: true,
    vhostBuckets: false,
  });
  const s3Address = await s3.run();

  const services: LocalServices = {
    dynamodbEndpoint: `http://127.0.0.1:${dynamodbPort}`,
    s3Endpoint: `http://127.0.0.1:${s3Address.port}`,
    s3,
    async close() {
      await s3.close();
      await new Promise<void>((resolve) => dynamodb.close(() => resolve()));
    },
  };
  await createTablesAndBuckets(services);
  return services;
}

function tableInput(table: TableDefinition) {
  const attributes = new Map<string, 'S' | 'N'>();
  for (const key of [table.partitionKey, table.sortKey]) attributes.set(key.name, key.type);
  for (const index of table.indexes) {
    attributes.set(index.partitionKey.name, index.partitionKey.type);
    attributes.set(index.sortKey.name, index.sortKey.type);
  }
  const indexes: GlobalSecondaryIndex[] = table.indexes.map((index) => ({
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
    ],
    Projection: { ProjectionType: 'ALL' },
  }));
  return {
    TableName: localTableName(table),
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: [
      { AttributeName: table.partitionKey.name, KeyType: 'HASH' as const },
      { AttributeName: table.sortKey.name, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: indexes.length > 0 ? indexes : undefined,
  };
}

async function createTablesAndBuckets(services: LocalServices): Promise<void> {
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: services.dynamodbEndpoint });
  for (const table of tables) {
    try {
      await dynamodb.send(new CreateTableCommand(tableInput(table)));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  dynamodb.destroy();

  const s3 = new S3Client({ ...common, endpoint: services.s3Endpoint, forcePathStyle: true });
  for (const Bucket of [LOCAL_RAW_BUCKET, LOCAL_PROCESSED_BUCKET]) {
    try {
      await s3.send(new CreateBucketCommand({ Bucket }));
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
    }
  }
  s3.destroy();
}

/**
 * The standard settings that point AWS SDK v3 clients, and the product's functions, at the
 * local services. The functions read nothing else to find them.
 */
export function localEnvironment(services: LocalServices): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: services.dynamodbEndpoint,
    AWS_ENDPOINT_URL_S3: services.s3Endpoint,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    RAW_BUCKET: LOCAL_RAW_BUCKET,
    PROCESSED_BUCKET: LOCAL_PROCESSED_BUCKET,
  };
  for (const table of tables) env[table.envName] = localTableName(table);
  return env;
}
