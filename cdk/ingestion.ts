/**
 * The ingestion: S3 notifies a queue of each new object under `photos-raw/`; the ingestion
 * Lambda takes the photos from the queue a few at a time, and returns the ones to retry.
 *
 * The queue, rather than S3 invoking the Lambda directly, caps how many photos are processed at
 * once (so that Rekognition's per-account request quota is not exceeded), retries a failed photo
 * alone rather than its whole batch, and keeps the photos that failed three times in a
 * dead-letter queue, where an operator sees them and moves them back once the cause is fixed.
 */
import { Duration } from 'aws-cdk-lib';
import type { GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { faceCollectionsArn } from './face-collections.ts';
import { acknowledge, resourceFinding } from './acknowledge.ts';
import { INGESTION_SERVICE, METRICS_NAMESPACE } from '../model/metrics.ts';
import { RAW_PREFIX, THUMBNAIL_PREFIX } from '../model/keys.ts';
import { grantTableActions, type Tables } from './tables.ts';
import { ProductFunction } from './product-function.ts';

/** Thumbnails of faces that belong to nobody yet (`unassignedThumbnailKey`). */
export const UNASSIGNED_THUMBNAIL_PREFIX = 'unassigned/';

const thumbnailPrefixes = [THUMBNAIL_PREFIX, UNASSIGNED_THUMBNAIL_PREFIX];

/**
 * Rekognition calls one worker makes per second, about: a photo is one IndexFaces and one
 * SearchFaces per face (searched in parallel), over one to two seconds of work.
 */
const REKOGNITION_CALLS_PER_WORKER = 3;
/** The event source mapping's smallest concurrency cap. */
const MIN_MAX_CONCURRENCY = 2;

export interface IngestionProps {
  rawBucket: IBucket;
  processedBucket: IBucket;
  tables: Tables;
  /** Starts the id of every face collection of this deployment. */
  collectionPrefix: string;
  /** Where new people are published, through an IAM-signed mutation. */
  publishTo: { api: GraphqlApi; mutation: string };
  /**
   * The account's Rekognition quota for IndexFaces and SearchFaces, in requests per second;
   * it sets how many photos are processed at once.
   * @default 5 (the default quota of most regions; us-east-1, us-west-2 and eu-west-1 have 50)
   */
  rekognitionTransactionsPerSecond?: number;
  /** Photos one invocation takes from the queue. @default 2 */
  batchSize?: number;
  /**
   * Covers a batch, including a wait for the owner's grouping lease.
   * @default Duration.minutes(5)
   */
  timeout?: Duration;
  /** Attempts at a photo before it goes to the dead-letter queue. @default 3 */
  maxReceiveCount?: number;
  /** Lowest similarity (0-100) at which a face joins a person. @default 80 */
  matchThreshold?: number;
  /** @default 2048 */
  memorySize?: number;
}

/** How many photos may be processed at once within a Rekognition request quota. */
export function ingestionConcurrency(transactionsPerSecond: number): number {
  const workers = Math.floor(transactionsPerSecond / REKOGNITION_CALLS_PER_WORKER);
  return Math.min(1000, Math.max(MIN_MAX_CONCURRENCY, workers));
}

export class Ingestion extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: NodejsFunction;
  readonly maxConcurrency: number;

  constructor(scope: Construct, id: string, props: IngestionProps) {
    super(scope, id);
    const timeout = props.timeout ?? Duration.minutes(5);
    this.maxConcurrency = ingestionConcurrency(props.rekognitionTransactionsPerSecond ?? 5);

    this.deadLetterQueue = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue of the photos.',
    );
    this.queue = new Queue(this, 'Photos', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Lambda's advice for SQS sources: six times the timeout, so retries of throttled
      // invocations do not make a photo visible again while it is still being processed.
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 3 },
    });
    // Only raw photos: the thumbnails the ingestion writes go to another bucket.
    // Deletions too: a deleted photo's faces leave the collection with it.
    for (const event of [EventType.OBJECT_CREATED, EventType.OBJECT_REMOVED]) {
      props.rawBucket.addEventNotification(event, new SqsDestination(this.queue), {
        prefix: RAW_PREFIX,
      });
    }

    const ingestion = new ProductFunction(this, 'Ingest', {
      entry: 'ingestion/handler.ts',
      description: 'the face-groups ingestion: photos in, faces, people and thumbnails out',
      serviceName: INGESTION_SERVICE,
      memorySize: props.memorySize ?? 2048,
      timeout,
      // sharp is a native package: installed for Linux arm64, never bundled.
      nodeModules: ['sharp'],
      environment: {
        ...props.tables.environment(),
        RAW_BUCKET: props.rawBucket.bucketName,
        PROCESSED_BUCKET: props.processedBucket.bucketName,
        COLLECTION_PREFIX: props.collectionPrefix,
        MATCH_THRESHOLD: String(props.matchThreshold ?? 80),
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        GRAPHQL_ENDPOINT: props.publishTo.api.graphqlUrl,
      },
    });
    this.function = ingestion.function;
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 2,
        reportBatchItemFailures: true,
        maxConcurrency: this.maxConcurrency,
      }),
    );

    this.grantStorage(props);
    this.grantTables(props.tables);
    this.grantCollections(props.collectionPrefix);
    props.publishTo.api.grantMutation(this.function, props.publishTo.mutation);
    this.acknowledgeWildcards(ingestion, props);
  }

  private grantStorage(props: IngestionProps): void {
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [props.rawBucket.arnForObjects(`${RAW_PREFIX}*`)],
      }),
    );
    // Without it S3 answers "access denied" for a photo deleted before its turn, which the
    // pipeline would retry; with it, "no such key", which the pipeline records and drops.
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.rawBucket.bucketArn] }),
    );
    // Thumbnails are written, deleted, and copied (read then written) when people regroup.
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: thumbnailPrefixes.map((prefix) =>
          props.processedBucket.arnForObjects(`${prefix}*`),
        ),
      }),
    );
  }

  /** The calls of `DynamoDbMetadataStore`, table by table (a test keeps them in step). */
  private grantTables(tables: Tables): void {
    const grant = (table: ITable, actions: string[]) =>
      grantTableActions(this.function, table, actions);
    grant(tables.photos, ['GetItem', 'PutItem', 'DeleteItem']);
    grant(tables.appearances, ['BatchGetItem', 'Query', 'BatchWriteItem']);
    grant(tables.people, ['PutItem', 'UpdateItem', 'DeleteItem']);
    grant(tables.leases, ['PutItem', 'DeleteItem']);
  }

  private grantCollections(collectionPrefix: string): void {
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'rekognition:CreateCollection',
          'rekognition:IndexFaces',
          'rekognition:SearchFaces',
          'rekognition:DeleteFaces',
        ],
        resources: [faceCollectionsArn(this, collectionPrefix)],
      }),
    );
  }

  private acknowledgeWildcards(ingestion: ProductFunction, props: IngestionProps): void {
    acknowledge(
      ingestion.role,
      'AwsSolutions-IAM5',
      'Object keys are known by prefix only: raw photos under photos-raw/, thumbnails under ' +
        'people/ and unassigned/.',
      [
        props.rawBucket.arnForObjects(`${RAW_PREFIX}*`),
        ...thumbnailPrefixes.map((prefix) => props.processedBucket.arnForObjects(`${prefix}*`)),
      ].map((arn) => resourceFinding(this, arn)),
    );
    acknowledge(
      ingestion.role,
      'AwsSolutions-IAM5',
      'Face collections are created per owner at run time; the prefix names the collections ' +
        'of this deployment only.',
      [resourceFinding(this, faceCollectionsArn(this, props.collectionPrefix))],
    );
  }
}
