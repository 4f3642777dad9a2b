/**
 * `npm run destroy`: removes a deployment and everything it made, in an order that works.
 *
 * 1. reads the stack's outputs (bucket, table, pool and collection names);
 * 2. deletes the owners' face collections, which CloudFormation never knew about;
 * 3. empties the buckets;
 * 4. runs `cdk destroy`;
 * 5. deletes what the stack keeps on deletion by design (buckets, tables with deletion
 *    protection, the user pool).
 *
 * Usage: npm run destroy -- [--stack FaceGroups] [--region eu-west-1] [--yes]
 */
import { spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CognitoIdentityProviderClient,
  DeleteUserPoolCommand,
  ResourceNotFoundException as UserPoolNotFound,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DeleteTableCommand,
  DynamoDBClient,
  ResourceInUseException as TableInUse,
  ResourceNotFoundException as TableNotFound,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCollectionCommand,
  ListCollectionsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  S3Client,
  type ObjectIdentifier,
} from '@aws-sdk/client-s3';
import { OUTPUTS } from './face-groups-stack.ts';
import { REPOSITORY_ROOT } from './paths.ts';

/** S3 delivers access logs minutes late: a bucket emptied once may not stay empty. */
const BUCKET_DELETE_ATTEMPTS = 5;
const BUCKET_RETRY_MS = 20_000;

export interface Deployment {
  stackName: string;
  rawBucket?: string;
  processedBucket?: string;
  accessLogsBucket?: string;
  tables: string[];
  userPoolId?: string;
  collectionPrefix?: string;
}

function say(message: string): void {
  process.stdout.write(`${message}\n`);
}

export async function readDeployment(stackName: string): Promise<Deployment | undefined> {
  const cloudFormation = new CloudFormationClient({});
  let response;
  try {
    response = await cloudFormation.send(new DescribeStacksCommand({ StackName: stackName }));
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) return undefined;
    throw error;
  }
  const outputs = new Map(
    (response.Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]),
  );
  return {
    stackName,
    rawBucket: outputs.get(OUTPUTS.rawBucket),
    processedBucket: outputs.get(OUTPUTS.processedBucket),
    accessLogsBucket: outputs.get(OUTPUTS.accessLogsBucket),
    tables: (outputs.get(OUTPUTS.tables) ?? '').split(',').filter(Boolean),
    userPoolId: outputs.get(OUTPUTS.userPoolId),
    collectionPrefix: outputs.get(OUTPUTS.collectionPrefix),
  };
}

export async function deleteCollections(prefix: string): Promise<number> {
  const rekognition = new RekognitionClient({});
  const collectionIds: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await rekognition.send(new ListCollectionsCommand({ NextToken }));
    collectionIds.push(...(page.CollectionIds ?? []).filter((id) => id.startsWith(prefix)));
    NextToken = page.NextToken;
  } while (NextToken);
  for (const CollectionId of collectionIds) {
    await rekognition.send(new DeleteCollectionCommand({ CollectionId }));
    say(`  deleted face collection ${CollectionId}`);
  }
  return collectionIds.length;
}

/** Deletes every object version and delete marker; returns false when the bucket is gone. */
export async function emptyBucket(s3: S3Client, Bucket: string): Promise<boolean> {
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  let deleted = 0;
  try {
    do {
      const page = await s3.send(
        new ListObjectVersionsCommand({ Bucket, KeyMarker, VersionIdMarker }),
      );
      const objects: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
        .filter((version) => version.Key !== undefined)
        .map((version) => ({ Key: version.Key!, VersionId: version.VersionId }));
      for (let start = 0; start < objects.length; start += 1000) {
        const batch = objects.slice(start, start + 1000);
        await s3.send(
          new DeleteObjectsCommand({ Bucket, Delete: { Objects: batch, Quiet: true } }),
        );
        deleted += batch.length;
      }
      KeyMarker = page.NextKeyMarker;
      VersionIdMarker = page.NextVersionIdMarker;
    } while (KeyMarker || VersionIdMarker);
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchBucket') return false;
    throw error;
  }
  say(`  emptied s3://${Bucket} (${deleted} objects)`);
  return true;
}

export async function deleteBucket(s3: S3Client, Bucket: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    if (!(await emptyBucket(s3, Bucket))) return;
    try {
      await s3.send(new DeleteBucketCommand({ Bucket }));
      say(`  deleted bucket ${Bucket}`);
      return;
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'NoSuchBucket') return;
      if (name !== 'BucketNotEmpty' || attempt >= BUCKET_DELETE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, BUCKET_RETRY_MS));
    }
  }
}

export async function deleteTable(dynamodb: DynamoDBClient, TableName: string): Promise<void> {
  try {
    await dynamodb.send(new UpdateTableCommand({ TableName, DeletionProtectionEnabled: false }));
    for (let attempt = 1; ; attempt += 1) {
      try {
        await dynamodb.send(new DeleteTableCommand({ TableName }));
        break;
      } catch (error) {
        // The table is briefly UPDATING after its protection is lifted.
        if (!(error instanceof TableInUse) || attempt >= 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 3000));
      }
    }
    say(`  deleted table ${TableName}`);
  } catch (error) {
    if (!(error instanceof TableNotFound)) throw error;
  }
}

export async function deleteUserPool(UserPoolId: string): Promise<void> {
  const cognito = new CognitoIdentityProviderClient({});
  try {
    await cognito.send(new UpdateUserPoolCommand({ UserPoolId, DeletionProtection: 'INACTIVE' }));
    await cognito.send(new DeleteUserPoolCommand({ UserPoolId }));
    say(`  deleted user pool ${UserPoolId}`);
  } catch (error) {
    if (!(error instanceof UserPoolNotFound)) throw error;
  }
}

/** `cdk destroy` failed; what it printed says why. */
export class StackDestroyError extends Error {
  constructor(stackName: string, status: string) {
    super(`cdk destroy ${stackName} exited with ${status}`);
    this.name = 'StackDestroyError';
  }
}

function destroyStack(stackName: string): void {
  const result = spawnSync(
    'npx',
    ['cdk', 'destroy', stackName, '--force', '-c', `stackName=${stackName}`],
    { cwd: REPOSITORY_ROOT, stdio: 'inherit', env: process.env },
  );
  if (result.status !== 0) {
    throw new StackDestroyError(stackName, String(result.status ?? result.signal));
  }
}

async function confirmed(deployment: Deployment, region: string): Promise<boolean> {
  say(`This deletes, in ${region}, the stack ${deployment.stackName} and all its data:`);
  say(`  face collections ${deployment.collectionPrefix ?? '?'}*`);
  for (const bucket of [deployment.rawBucket, deployment.processedBucket]) {
    if (bucket) say(`  every photo and thumbnail in s3://${bucket}`);
  }
  say(`  tables ${deployment.tables.join(', ')} and user pool ${deployment.userPoolId ?? '?'}`);
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(`Type the stack name (${deployment.stackName}) to go on: `);
  prompt.close();
  return answer.trim() === deployment.stackName;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: 'string', default: 'FaceGroups' },
      region: { type: 'string' },
      yes: { type: 'boolean', default: false },
    },
  });
  if (values.region) {
    process.env.AWS_REGION = values.region;
    process.env.AWS_DEFAULT_REGION = values.region;
  }
  const region = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'the default region';
  const deployment = await readDeployment(values.stack);
  if (!deployment) {
    say(`No stack ${values.stack} in ${region}: nothing to delete (is the region right?).`);
    return;
  }
  if (!values.yes && !(await confirmed(deployment, region))) {
    say('Nothing deleted (run with --yes where there is no terminal to answer).');
    process.exitCode = 1;
    return;
  }

  const s3 = new S3Client({});
  if (deployment.collectionPrefix) {
    say('Face collections:');
    say(`  ${await deleteCollections(deployment.collectionPrefix)} deleted`);
  }
  const buckets = [
    deployment.rawBucket,
    deployment.processedBucket,
    deployment.accessLogsBucket,
  ].filter((bucket): bucket is string => Boolean(bucket));
  say('Buckets:');
  for (const bucket of buckets) await emptyBucket(s3, bucket);

  say(`Stack ${deployment.stackName}:`);
  destroyStack(deployment.stackName);

  say('Kept resources:');
  for (const bucket of buckets) await deleteBucket(s3, bucket);
  const dynamodb = new DynamoDBClient({});
  for (const table of deployment.tables) await deleteTable(dynamodb, table);
  if (deployment.userPoolId) await deleteUserPool(deployment.userPoolId);
  say('Done.');
}

// Run as a script, not when a test imports the steps.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
