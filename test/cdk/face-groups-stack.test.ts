import { readFileSync } from 'node:fs';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestionConcurrency } from '../../cdk/ingestion.ts';
import { reclusteringSearchConcurrency } from '../../cdk/reclustering.ts';
import { fromRoot } from '../../cdk/paths.ts';
import { apiFunctions, resolverDefinitions } from '../../model/api.ts';
import { RAW_PREFIX, thumbnailKey, unassignedThumbnailKey } from '../../model/keys.ts';
import { leasesTable, tables } from '../../model/tables.ts';
import { bundleResolver } from '../../resolvers/bundle.ts';
import { codeCallsOf, type CodeCalls } from './code-calls.ts';
import { actionsOf, statementsOfRole, synthesize, type Synthesized } from './synth.ts';

let synthesized: Synthesized;
let template: Template;
let ingestionCalls: CodeCalls;
let reclusteringCalls: CodeCalls;

beforeAll(async () => {
  synthesized = synthesize();
  template = synthesized.template;
  ingestionCalls = await codeCallsOf('ingestion/handler.ts');
  reclusteringCalls = await codeCallsOf('ingestion/recluster-handler.ts');
});

afterAll(() => synthesized?.remove());

function logicalIdOf(construct: IConstruct): string {
  const element = construct.node.defaultChild as CfnElement;
  return synthesized.stack.resolve(element.logicalId) as string;
}

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding: the synth above would have thrown', () => {
    const report = JSON.parse(
      readFileSync(`${synthesized.outdir}/validation-report.json`, 'utf8'),
    ) as { pluginReports: unknown[] };
    expect(report.pluginReports).toEqual([]);
  });

  it('gives every acknowledgement a reason of its own', () => {
    const reasons: string[] = [];
    for (const construct of synthesized.stack.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        reasons.push(...Object.values(entry.data as Record<string, string>));
      }
    }
    expect(reasons.length).toBeGreaterThan(5);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(40);
  });
});

describe('storage', () => {
  it('blocks public access, encrypts, expires abandoned uploads and refuses plain HTTP', () => {
    const buckets = template.findResources('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(3);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
        { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
      ]);
      expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
        expect.objectContaining({
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          Status: 'Enabled',
        }),
      );
      expect(bucket.DeletionPolicy).toBe('Retain');
    }
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy'));
    expect(policies).toHaveLength(3);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });

  it('lets browsers PUT raw photos through presigned URLs (CORS)', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [Match.objectLike({ AllowedMethods: Match.arrayWith(['PUT']) })],
      },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'raw/' }),
    });
  });

  it('notifies the queue of new and deleted objects under photos-raw/ of the raw bucket only', () => {
    const notifications = Object.values(template.findResources('Custom::S3BucketNotifications'));
    expect(notifications).toHaveLength(1);
    const properties = notifications[0]!.Properties;
    expect(properties.BucketName).toEqual({
      Ref: logicalIdOf(synthesized.stack.storage.rawBucket),
    });
    expect(properties.NotificationConfiguration).toEqual({
      QueueConfigurations: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'].map((event) => ({
        Events: [event],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: RAW_PREFIX }] } },
        QueueArn: { 'Fn::GetAtt': [logicalIdOf(synthesized.stack.ingestion.queue), 'Arn'] },
      })),
    });
  });
});

describe('tables', () => {
  it('are the shared definitions: keys, indexes, on-demand, recoverable, encrypted, kept', () => {
    const found = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(found).toHaveLength(tables.length);
    for (const definition of tables) {
      const table = found.find(
        (candidate) => candidate.Properties.KeySchema[1].AttributeName === definition.sortKey.name,
      );
      expect(table, definition.id).toBeDefined();
      expect(table!.Properties).toMatchObject({
        KeySchema: [
          { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: definition.sortKey.name, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // Enabled without a key of its own: the AWS-managed key, aws/dynamodb.
        SSESpecification: { SSEEnabled: true },
        DeletionProtectionEnabled: true,
      });
      expect(table!.DeletionPolicy).toBe('Retain');
      const indexes = (table!.Properties.GlobalSecondaryIndexes ?? []) as {
        IndexName: string;
        KeySchema: { AttributeName: string }[];
      }[];
      expect(indexes.map((index) => [index.IndexName, index.KeySchema[1]!.AttributeName])).toEqual(
        definition.indexes.map((index) => [index.indexName, index.sortKey.name]),
      );
    }
  });
});

describe('ingestion', () => {
  it('takes photos from an encrypted queue whose failures go to a dead-letter queue', () => {
    const deadLetters = logicalIdOf(synthesized.stack.ingestion.deadLetterQueue);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 6 * 300,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] },
        maxReceiveCount: 3,
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
  });

  it('reports partial batch failures and caps concurrency to the Rekognition quota', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 2,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
    expect(ingestionConcurrency(5)).toBe(2);
    expect(ingestionConcurrency(50)).toBe(16);
  });

  it('runs every function on Node.js 22, arm64, with JSON logs and active tracing', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')).filter(
      ([id]) => !id.startsWith('BucketNotificationsHandler'),
    );
    expect(functions).toHaveLength(3);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      MemorySize: 2048,
      Timeout: 300,
      Environment: {
        Variables: Match.objectLike({
          COLLECTION_PREFIX: 'FaceGroups-',
          MATCH_THRESHOLD: '80',
          PHOTOS_TABLE: Match.anyValue(),
          LEASES_TABLE: Match.anyValue(),
          PROCESSED_BUCKET: Match.anyValue(),
          GRAPHQL_ENDPOINT: Match.anyValue(),
          POWERTOOLS_METRICS_NAMESPACE: 'FaceGroups',
        }),
      },
    });
  });

  it('alarms when a photo reaches the dead-letter queue or the Lambda fails', () => {
    const topic = logicalIdOf(synthesized.stack.observability.alarmTopic);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: {
            'Fn::GetAtt': [logicalIdOf(synthesized.stack.ingestion.deadLetterQueue), 'QueueName'],
          },
        },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: topic }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      AlarmActions: [{ Ref: topic }],
    });
  });
});

describe('re-clustering', () => {
  it('runs every 10 minutes for up to 15, with the next run as its only retry', () => {
    const fn = logicalIdOf(synthesized.stack.reclustering.function);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(10 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn, 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fn },
      MaximumRetryAttempts: 0,
      MaximumEventAgeInSeconds: 600,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 900,
      Environment: {
        Variables: Match.objectLike({
          RECLUSTER_QUIET_SECONDS: '300',
          RECLUSTER_SEARCH_CONCURRENCY: '1',
          COLLECTION_PREFIX: 'FaceGroups-',
          MATCH_THRESHOLD: '80',
          LEASES_TABLE: Match.anyValue(),
          GRAPHQL_ENDPOINT: Match.anyValue(),
        }),
      },
    });
  });

  it('searches a few faces at a time, within the Rekognition quota', () => {
    expect(reclusteringSearchConcurrency(5)).toBe(1);
    expect(reclusteringSearchConcurrency(50)).toBe(2);
    expect(reclusteringSearchConcurrency(1000)).toBe(8);
  });

  it('alarms when a run fails', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [
        {
          Name: 'FunctionName',
          Value: { Ref: logicalIdOf(synthesized.stack.reclustering.function) },
        },
      ],
      AlarmActions: [{ Ref: logicalIdOf(synthesized.stack.observability.alarmTopic) }],
    });
  });
});

describe('API', () => {
  it('authorizes with Cognito user pools by default and IAM for the ingestion, no API key', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
      XrayEnabled: true,
      LogConfig: Match.objectLike({ FieldLogLevel: 'ERROR' }),
    });
    template.resourceCountIs('AWS::AppSync::ApiKey', 0);
  });

  it('deploys the schema file', () => {
    const schema = Object.values(template.findResources('AWS::AppSync::GraphQLSchema'))[0]!;
    expect(schema.Properties.Definition).toBe(readFileSync(fromRoot('schema.graphql'), 'utf8'));
  });

  it('deploys each resolver and function of the API description as the bundle the local runtime runs', () => {
    const resolvers = Object.values(template.findResources('AWS::AppSync::Resolver'));
    expect(resolvers).toHaveLength(resolverDefinitions.length);
    for (const definition of resolverDefinitions) {
      const resolver = resolvers.find(
        (candidate) =>
          candidate.Properties.TypeName === definition.typeName &&
          candidate.Properties.FieldName === definition.fieldName,
      );
      expect(resolver, `${definition.typeName}.${definition.fieldName}`).toBeDefined();
      expect(resolver!.Properties.Kind).toBe(definition.kind);
      expect(resolver!.Properties.Runtime).toEqual({ Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' });
      expect(resolver!.Properties.Code).toBe(bundleResolver(definition.file));
    }
    const functions = Object.values(template.findResources('AWS::AppSync::FunctionConfiguration'));
    expect(functions.map((fn) => fn.Properties.Name).sort()).toEqual(
      apiFunctions.map((fn) => fn.name).sort(),
    );
  });

  it('serves the publish mutation from a NONE data source, and presigned URLs from the Lambda', () => {
    const publish = Object.values(template.findResources('AWS::AppSync::Resolver')).find(
      (resolver) => resolver.Properties.FieldName === 'publishPersonCreated',
    );
    const dataSourceName = publish!.Properties.DataSourceName as string;
    template.hasResourceProperties('AWS::AppSync::DataSource', {
      Name: dataSourceName,
      Type: 'NONE',
    });
    template.hasResourceProperties('AWS::AppSync::DataSource', {
      Type: 'AWS_LAMBDA',
      LambdaConfig: {
        LambdaFunctionArn: {
          'Fn::GetAtt': [logicalIdOf(synthesized.stack.api.presignFunction), 'Arn'],
        },
      },
    });
  });
});

describe('API data sources', () => {
  it('lets reclusterPeople put notes in the Leases table and do nothing else', () => {
    const resolver = Object.values(template.findResources('AWS::AppSync::Resolver')).find(
      (candidate) => candidate.Properties.FieldName === 'reclusterPeople',
    );
    const dataSources = template.findResources('AWS::AppSync::DataSource', {
      Properties: { Name: resolver!.Properties.DataSourceName },
    });
    const dataSource = Object.values(dataSources)[0]!;
    expect(dataSource.Properties.DynamoDBConfig.TableName).toEqual({
      Ref: logicalIdOf(synthesized.stack.tables.table(leasesTable)),
    });
    const role = (dataSource.Properties.ServiceRoleArn as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ][0];
    const statements = statementsOfRole(template, role);
    expect([...actionsOf(statements)]).toEqual(['dynamodb:PutItem']);
  });
});

describe('least privilege', () => {
  it('names a resource in every statement except the X-Ray ones, which have none to name', () => {
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const resources = [statement.Resource].flat();
        if (!resources.includes('*')) continue;
        expect(
          [statement.Action].flat().every((action: string) => action.startsWith('xray:')),
        ).toBe(true);
      }
    }
  });

  it('grants the ingestion exactly the calls its code makes, table by table', () => {
    expectGrants('IngestionIngestRole', ingestionCalls, ['s3:ListBucket']);
  });

  it('grants the re-clustering exactly the calls its code makes, table by table', () => {
    expectGrants('ReclusteringReclusterRole', reclusteringCalls, ['s3:ListBucket']);
  });

  it('lets the re-clustering move thumbnails under people/ only, and search the collections', () => {
    const statements = statementsOfRole(template, 'ReclusteringReclusterRole');
    const objects = statements.find((statement) =>
      [statement.Action].flat().includes('s3:PutObject'),
    );
    const prefixOf = (key: string) => key.slice(0, key.indexOf('/') + 1);
    expect(JSON.stringify(objects!.Resource)).toContain(`"/${prefixOf(thumbnailKey('p', 'f'))}*"`);
    expect([objects!.Resource].flat()).toHaveLength(1);
    const rekognition = statements.find((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('rekognition:')),
    );
    expect(rekognition!.Action).toBe('rekognition:SearchFaces');
    expect(JSON.stringify(rekognition!.Resource)).toContain(':collection/FaceGroups-*');
  });

  it('lets the ingestion write thumbnails under the keys the pipeline makes', () => {
    const statements = statementsOfRole(template, 'IngestionIngestRole');
    const put = statements.find((statement) => [statement.Action].flat().includes('s3:PutObject'));
    const suffixes = JSON.stringify(put!.Resource);
    const prefixOf = (key: string) => key.slice(0, key.indexOf('/') + 1);
    expect(suffixes).toContain(`/${prefixOf(thumbnailKey('person', 'face'))}*`);
    expect(suffixes).toContain(`/${prefixOf(unassignedThumbnailKey('owner', 'face'))}*`);
  });

  it("limits the ingestion's Rekognition calls to this deployment's collections", () => {
    const statements = statementsOfRole(template, 'IngestionIngestRole');
    const rekognition = statements.find((statement) =>
      [statement.Action].flat().some((action) => action.startsWith('rekognition:')),
    );
    expect(JSON.stringify(rekognition!.Resource)).toContain(':collection/FaceGroups-*');
  });
});

/** The role's DynamoDB actions, by the settings name of their table (`photosTable`, ...). */
function tableGrants(roleIdPrefix: string): Record<string, string[]> {
  const tableOf = new Map(
    tables.map((definition) => [
      logicalIdOf(synthesized.stack.tables.table(definition)),
      `${definition.id}Table`,
    ]),
  );
  const grants: Record<string, string[]> = {};
  for (const statement of statementsOfRole(template, roleIdPrefix)) {
    const actions = [statement.Action].flat().filter((action) => action.startsWith('dynamodb:'));
    if (actions.length === 0) continue;
    for (const resource of [statement.Resource].flat()) {
      const logicalId = (resource as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
      const table = tableOf.get(logicalId ?? '');
      expect(table, `${roleIdPrefix}: ${JSON.stringify(resource)}`).toBeDefined();
      grants[table!] = [...new Set([...(grants[table!] ?? []), ...actions])].sort();
    }
  }
  return grants;
}

/**
 * The role allows the DynamoDB calls of the code table by table, its other calls, the publish
 * mutation and `extras`; besides, only logs, traces and queues.
 */
function expectGrants(roleIdPrefix: string, calls: CodeCalls, extras: string[]): void {
  const needed = Object.fromEntries(
    [...calls.tableActions].map(([table, actions]) => [table, [...actions].sort()]),
  );
  expect(tableGrants(roleIdPrefix)).toEqual(needed);

  const granted = actionsOf(statementsOfRole(template, roleIdPrefix));
  const others = [...granted].filter((action) => !/^(logs|xray|sqs|dynamodb):/.test(action));
  expect(others.sort()).toEqual([...calls.otherActions, 'appsync:GraphQL', ...extras].sort());
}
