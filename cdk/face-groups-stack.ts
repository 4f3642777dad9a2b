/**
 * The whole product in one stack: storage, tables, users, the API, the ingestion, the scheduled
 * re-clustering and what an operator watches. Its outputs are what a client app, the README's
 * commands and the clean-up script need.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Mfa } from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';
import { Api } from './api.ts';
import { Ingestion } from './ingestion.ts';
import { Observability } from './observability.ts';
import { Reclustering } from './reclustering.ts';
import { Storage } from './storage.ts';
import { Tables } from './tables.ts';
import { Users } from './users.ts';

/** The mutation through which the ingestion tells subscribers about new people. */
const PUBLISH_MUTATION = 'publishPersonCreated';

export interface FaceGroupsStackProps extends StackProps {
  /**
   * Keep the buckets, tables and user pool (and so the photos, people and users) when the stack
   * is deleted; `npm run destroy` removes them on purpose.
   * @default true
   */
  retainData?: boolean;
  /** Origins of the web pages that upload photos. @default ['*'] */
  allowedOrigins?: string[];
  /** Adds a development API key to the API. @default false */
  apiKey?: boolean;
  /** Lets anyone sign up. @default false */
  selfSignUp?: boolean;
  /** Requires a second factor at sign-in. @default false */
  requireMfa?: boolean;
  /** The account's Rekognition quota for IndexFaces and SearchFaces. @default 5 */
  rekognitionTransactionsPerSecond?: number;
  /** Lowest similarity (0-100) at which a face joins a person. @default 80 */
  matchThreshold?: number;
  /** An address subscribed to the alarms. @default - none */
  alarmEmail?: string;
  /** How often owners who are due are re-clustered, in minutes. @default 10 */
  reclusterIntervalMinutes?: number;
  /**
   * How long an owner's people must stay unchanged before they are re-clustered, in seconds.
   * @default 300
   */
  reclusterQuietSeconds?: number;
}

function optional<T>(value: number | undefined, make: (amount: number) => T): T | undefined {
  return value === undefined ? undefined : make(value);
}

/** Output names, read by the clean-up script. */
export const OUTPUTS = {
  region: 'Region',
  graphqlUrl: 'GraphqlUrl',
  userPoolId: 'UserPoolId',
  userPoolClientId: 'UserPoolClientId',
  rawBucket: 'RawBucketName',
  processedBucket: 'ProcessedBucketName',
  accessLogsBucket: 'AccessLogsBucketName',
  collectionPrefix: 'CollectionPrefix',
  tables: 'TableNames',
  queueUrl: 'IngestionQueueUrl',
  deadLetterQueueUrl: 'DeadLetterQueueUrl',
  deadLetterQueueArn: 'DeadLetterQueueArn',
  alarmTopicArn: 'AlarmTopicArn',
} as const;

export class FaceGroupsStack extends Stack {
  readonly storage: Storage;
  readonly tables: Tables;
  readonly users: Users;
  readonly api: Api;
  readonly ingestion: Ingestion;
  readonly reclustering: Reclustering;
  readonly observability: Observability;
  /** Starts the id of each of this stack's face collections. */
  readonly collectionPrefix: string;

  constructor(scope: Construct, id: string, props: FaceGroupsStackProps = {}) {
    super(scope, id, props);
    const removalPolicy = (props.retainData ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.collectionPrefix = `${this.stackName}-`;

    this.storage = new Storage(this, 'Storage', {
      allowedOrigins: props.allowedOrigins,
      removalPolicy,
    });
    this.tables = new Tables(this, 'Tables', { removalPolicy });
    this.users = new Users(this, 'Users', {
      selfSignUp: props.selfSignUp,
      mfa: props.requireMfa ? Mfa.REQUIRED : Mfa.OPTIONAL,
      removalPolicy,
    });
    this.api = new Api(this, 'Api', {
      userPool: this.users.userPool,
      rawBucket: this.storage.rawBucket,
      processedBucket: this.storage.processedBucket,
      tables: this.tables,
      apiKey: props.apiKey,
    });
    this.ingestion = new Ingestion(this, 'Ingestion', {
      rawBucket: this.storage.rawBucket,
      processedBucket: this.storage.processedBucket,
      tables: this.tables,
      collectionPrefix: this.collectionPrefix,
      publishTo: { api: this.api.api, mutation: PUBLISH_MUTATION },
      rekognitionTransactionsPerSecond: props.rekognitionTransactionsPerSecond,
      matchThreshold: props.matchThreshold,
    });
    this.reclustering = new Reclustering(this, 'Reclustering', {
      processedBucket: this.storage.processedBucket,
      tables: this.tables,
      collectionPrefix: this.collectionPrefix,
      publishTo: { api: this.api.api, mutation: PUBLISH_MUTATION },
      interval: optional(props.reclusterIntervalMinutes, Duration.minutes),
      quietPeriod: optional(props.reclusterQuietSeconds, Duration.seconds),
      rekognitionTransactionsPerSecond: props.rekognitionTransactionsPerSecond,
      matchThreshold: props.matchThreshold,
    });
    this.observability = new Observability(this, 'Observability', {
      ingestionFunction: this.ingestion.function,
      reclusteringFunction: this.reclustering.function,
      ingestionQueue: this.ingestion.queue,
      deadLetterQueue: this.ingestion.deadLetterQueue,
      alarmEmail: props.alarmEmail,
      // Dashboard names are unique across the account's regions.
      dashboardName: `${this.stackName}-${this.region}`,
    });

    this.acknowledgeBucketNotificationsHandler();
    this.output(OUTPUTS.region, this.region);
    this.output(OUTPUTS.graphqlUrl, this.api.api.graphqlUrl);
    this.output(OUTPUTS.userPoolId, this.users.userPool.userPoolId);
    this.output(OUTPUTS.userPoolClientId, this.users.appClient.userPoolClientId);
    this.output(OUTPUTS.rawBucket, this.storage.rawBucket.bucketName);
    this.output(OUTPUTS.processedBucket, this.storage.processedBucket.bucketName);
    this.output(OUTPUTS.accessLogsBucket, this.storage.accessLogsBucket.bucketName);
    this.output(OUTPUTS.collectionPrefix, this.collectionPrefix);
    this.output(
      OUTPUTS.tables,
      [this.tables.photos, this.tables.people, this.tables.appearances, this.tables.leases]
        .map((table) => table.tableName)
        .join(','),
    );
    this.output(OUTPUTS.queueUrl, this.ingestion.queue.queueUrl);
    this.output(OUTPUTS.deadLetterQueueUrl, this.ingestion.deadLetterQueue.queueUrl);
    this.output(OUTPUTS.deadLetterQueueArn, this.ingestion.deadLetterQueue.queueArn);
    this.output(OUTPUTS.alarmTopicArn, this.observability.alarmTopic.topicArn);
  }

  private output(name: string, value: string): void {
    new CfnOutput(this, name, { value });
  }

  /**
   * The CDK's own function that applies the raw bucket's event notifications (a singleton at the
   * stack's root); its role and runtime are the CDK's, not ours.
   */
  private acknowledgeBucketNotificationsHandler(): void {
    const handler = this.node
      .findAll()
      .find((construct) => construct.node.id.startsWith('BucketNotificationsHandler'));
    if (!handler) return;
    acknowledge(
      handler,
      'AwsSolutions-IAM4',
      "The CDK's bucket-notifications function, which runs during deployments only, uses the " +
        'basic Lambda execution role.',
      ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    );
  }
}
