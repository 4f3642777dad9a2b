import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DeleteTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteCollectionCommand,
  ListCollectionsCommand,
  RekognitionClient,
} from '@aws-sdk/client-rekognition';
import { DeleteObjectsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { deleteCollections, deleteTable, emptyBucket, readDeployment } from '../../cdk/cleanup.ts';
import { OUTPUTS } from '../../cdk/face-groups-stack.ts';

const cloudFormation = mockClient(CloudFormationClient);
const rekognition = mockClient(RekognitionClient);
const s3 = mockClient(S3Client);
const dynamodb = mockClient(DynamoDBClient);

beforeEach(() => {
  for (const mock of [cloudFormation, rekognition, s3, dynamodb]) mock.reset();
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});

afterAll(() => {
  for (const mock of [cloudFormation, rekognition, s3, dynamodb]) mock.restore();
  vi.restoreAllMocks();
});

describe('npm run destroy', () => {
  it("reads the deployment from the stack's outputs", async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'FaceGroups',
          CreationTime: new Date(),
          StackStatus: 'CREATE_COMPLETE',
          Outputs: [
            { OutputKey: OUTPUTS.rawBucket, OutputValue: 'raw-bucket' },
            { OutputKey: OUTPUTS.tables, OutputValue: 'photos,people,appearances,leases' },
            { OutputKey: OUTPUTS.collectionPrefix, OutputValue: 'FaceGroups-' },
          ],
        },
      ],
    });

    const deployment = await readDeployment('FaceGroups');

    expect(deployment).toMatchObject({
      rawBucket: 'raw-bucket',
      tables: ['photos', 'people', 'appearances', 'leases'],
      collectionPrefix: 'FaceGroups-',
    });
  });

  it('says there is nothing to delete when the stack does not exist', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(new Error('Stack with id FaceGroups does not exist'));
    expect(await readDeployment('FaceGroups')).toBeUndefined();
  });

  it("deletes this deployment's face collections only, over every page", async () => {
    rekognition
      .on(ListCollectionsCommand)
      .resolvesOnce({ CollectionIds: ['FaceGroups-owner-1', 'Other-owner-1'], NextToken: 't' })
      .resolvesOnce({ CollectionIds: ['FaceGroups-owner-2'] });
    rekognition.on(DeleteCollectionCommand).resolves({ StatusCode: 200 });

    expect(await deleteCollections('FaceGroups-')).toBe(2);

    const deleted = rekognition
      .commandCalls(DeleteCollectionCommand)
      .map((call) => call.args[0].input.CollectionId);
    expect(deleted).toEqual(['FaceGroups-owner-1', 'FaceGroups-owner-2']);
  });

  it('empties a bucket of every version and delete marker', async () => {
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({
        Versions: [{ Key: 'photos-raw/o/a.jpg', VersionId: 'v1' }],
        DeleteMarkers: [{ Key: 'photos-raw/o/b.jpg', VersionId: 'v2' }],
        NextKeyMarker: 'photos-raw/o/b.jpg',
      })
      .resolvesOnce({ Versions: [{ Key: 'people/p/f.jpg', VersionId: 'null' }] });
    s3.on(DeleteObjectsCommand).resolves({});

    expect(await emptyBucket(new S3Client({}), 'raw-bucket')).toBe(true);

    const deleted = s3
      .commandCalls(DeleteObjectsCommand)
      .flatMap((call) => call.args[0].input.Delete?.Objects ?? []);
    expect(deleted).toEqual([
      { Key: 'photos-raw/o/a.jpg', VersionId: 'v1' },
      { Key: 'photos-raw/o/b.jpg', VersionId: 'v2' },
      { Key: 'people/p/f.jpg', VersionId: 'null' },
    ]);
  });

  it('lifts deletion protection before deleting a kept table, waiting while it updates', async () => {
    vi.useFakeTimers();
    dynamodb.on(UpdateTableCommand).resolves({});
    dynamodb
      .on(DeleteTableCommand)
      .rejectsOnce(new ResourceInUseException({ message: 'updating', $metadata: {} }))
      .resolves({});

    const deleting = deleteTable(new DynamoDBClient({}), 'photos');
    await vi.runAllTimersAsync();
    await deleting;
    vi.useRealTimers();

    expect(dynamodb.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'UpdateTableCommand',
      'DeleteTableCommand',
      'DeleteTableCommand',
    ]);
    expect(dynamodb.commandCalls(UpdateTableCommand)[0]!.args[0].input).toEqual({
      TableName: 'photos',
      DeletionProtectionEnabled: false,
    });
  });
});
