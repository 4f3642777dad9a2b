/**
 * The scheduled re-clustering: every few minutes a Lambda regroups, all at once, the faces of
 * each owner whose people changed (the ingestion leaves a note in the Leases table) once the
 * owner's uploads have gone quiet, or who asked for it through the API. Online grouping depends
 * on the order photos arrive in; this removes that dependence.
 *
 * Each re-clustering searches the owner's collection once per face, so the function runs for
 * up to Lambda's 15 minutes, searches a few faces at a time within the Rekognition quota it
 * shares with the ingestion, and leaves the owners it has no time for to the next run.
 */
import { Duration } from 'aws-cdk-lib';
import type { GraphqlApi } from 'aws-cdk-lib/aws-appsync';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { THUMBNAIL_PREFIX } from '../model/keys.ts';
import { RECLUSTERING_SERVICE } from '../model/metrics.ts';
import { faceCollectionsArn } from './face-collections.ts';
import { acknowledge, resourceFinding } from './acknowledge.ts';
import { ProductFunction } from './product-function.ts';
import { grantTableActions, type Tables } from './tables.ts';

/** Lambda's longest timeout: one owner's searches may take minutes. */
const TIMEOUT = Duration.minutes(15);

export interface ReclusteringProps {
  processedBucket: IBucket;
  tables: Tables;
  /** Starts the id of every face collection of this deployment. */
  collectionPrefix: string;
  /** Where people that a split creates are published, through an IAM-signed mutation. */
  publishTo: { api: GraphqlApi; mutation: string };
  /** How often the function looks for owners to re-cluster. @default Duration.minutes(10) */
  interval?: Duration;
  /**
   * How long an owner's people must have stayed unchanged before they are re-clustered, so that
   * an upload in progress is regrouped once, at its end. An owner who asks through the API
   * (`reclusterPeople`) does not wait.
   * @default Duration.minutes(5)
   */
  quietPeriod?: Duration;
  /**
   * The account's Rekognition quota for SearchFaces, in requests per second; it sets how many
   * searches run at a time (`reclusteringSearchConcurrency`).
   * @default 5
   */
  rekognitionTransactionsPerSecond?: number;
  /** Lowest similarity (0-100) at which a face joins a person. @default 80 */
  matchThreshold?: number;
  /** Holds an owner's faces and the similarities between them. @default 2048 */
  memorySize?: number;
}

/**
 * Searches at a time within one owner. One running search makes several calls a second; a few
 * at most leave the larger part of the quota to the ingestion.
 */
export function reclusteringSearchConcurrency(transactionsPerSecond: number): number {
  return Math.min(8, Math.max(1, Math.floor(transactionsPerSecond / 20)));
}

export class Reclustering extends Construct {
  readonly function: NodejsFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ReclusteringProps) {
    super(scope, id);
    const interval = props.interval ?? Duration.minutes(10);
    if (interval.toMinutes() < 1) {
      throw new RangeError('The re-clustering interval must be at least one minute');
    }

    const reclustering = new ProductFunction(this, 'Recluster', {
      entry: 'ingestion/recluster-handler.ts',
      description: 'the face-groups re-clustering: regroups the faces of owners who are due',
      serviceName: RECLUSTERING_SERVICE,
      memorySize: props.memorySize ?? 2048,
      timeout: TIMEOUT,
      // The Rekognition face engine prepares images with sharp when it indexes; re-clustering
      // never indexes, but the module is loaded with the engine.
      nodeModules: ['sharp'],
      environment: {
        ...props.tables.environment(),
        PROCESSED_BUCKET: props.processedBucket.bucketName,
        COLLECTION_PREFIX: props.collectionPrefix,
        MATCH_THRESHOLD: String(props.matchThreshold ?? 80),
        RECLUSTER_QUIET_SECONDS: String((props.quietPeriod ?? Duration.minutes(5)).toSeconds()),
        RECLUSTER_SEARCH_CONCURRENCY: String(
          reclusteringSearchConcurrency(props.rekognitionTransactionsPerSecond ?? 5),
        ),
        GRAPHQL_ENDPOINT: props.publishTo.api.graphqlUrl,
      },
    });
    this.function = reclustering.function;
    // The next scheduled run is the retry: a failed owner stays due, and a run that waited
    // longer than the interval would only overlap the next one.
    const freshFor = Duration.seconds(Math.min(interval.toSeconds(), 6 * 3600));
    this.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: freshFor });
    this.rule = new Rule(this, 'Schedule', {
      description: 'Runs the face-groups re-clustering of the owners who are due',
      schedule: Schedule.rate(interval),
      targets: [new LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: freshFor })],
    });

    this.grantTables(props.tables);
    this.grantThumbnails(props.processedBucket);
    this.grantSearches(props.collectionPrefix);
    props.publishTo.api.grantMutation(this.function, props.publishTo.mutation);
    this.acknowledgeWildcards(reclustering, props);
  }

  /**
   * The calls `reclusterDueOwners` and `reclusterOwner` make through `DynamoDbMetadataStore`,
   * table by table (a test keeps them in step).
   */
  private grantTables(tables: Tables): void {
    const grant = (table: ITable, actions: string[]) =>
      grantTableActions(this.function, table, actions);
    grant(tables.leases, ['Scan', 'PutItem', 'DeleteItem']);
    grant(tables.appearances, ['Query', 'BatchWriteItem']);
    grant(tables.people, ['Query', 'UpdateItem', 'DeleteItem']);
  }

  /** A face that moves to another person takes its thumbnail along: copied, then deleted. */
  private grantThumbnails(processedBucket: IBucket): void {
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [processedBucket.arnForObjects(`${THUMBNAIL_PREFIX}*`)],
      }),
    );
    // Without it S3 answers "access denied" for a thumbnail not written yet (its photo is still
    // being processed), which would fail the owner; with it, "no such key", and the face moves
    // without one.
    this.function.addToRolePolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [processedBucket.bucketArn] }),
    );
  }

  private grantSearches(collectionPrefix: string): void {
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['rekognition:SearchFaces'],
        resources: [faceCollectionsArn(this, collectionPrefix)],
      }),
    );
  }

  private acknowledgeWildcards(reclustering: ProductFunction, props: ReclusteringProps): void {
    acknowledge(
      reclustering.role,
      'AwsSolutions-IAM5',
      'Thumbnail keys are known by prefix only: a moved face is copied and deleted under people/.',
      [resourceFinding(this, props.processedBucket.arnForObjects(`${THUMBNAIL_PREFIX}*`))],
    );
    acknowledge(
      reclustering.role,
      'AwsSolutions-IAM5',
      'Face collections are created per owner at run time; the prefix names the collections ' +
        'of this deployment only, and the function may only search them.',
      [resourceFinding(this, faceCollectionsArn(this, props.collectionPrefix))],
    );
  }
}
