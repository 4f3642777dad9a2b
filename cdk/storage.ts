/**
 * The buckets: raw photos (uploaded by browsers through presigned PUT URLs, under
 * `photos-raw/<ownerId>/`), processed face thumbnails, and the access logs of both.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
  type LifecycleRule,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from './acknowledge.ts';

export interface StorageProps {
  /**
   * Origins whose pages may PUT photos to, and fetch them from, presigned URLs. The signature in
   * each URL is what authorizes a request; CORS only decides which pages may send it.
   * @default ['*']
   */
  allowedOrigins?: string[];
  /**
   * `RETAIN` keeps the photos and thumbnails when the stack is deleted or a bucket replaced;
   * the clean-up script removes them on purpose.
   * @default RemovalPolicy.RETAIN
   */
  removalPolicy?: RemovalPolicy;
  /** @default Duration.days(90) */
  accessLogExpiration?: Duration;
}

/** Multipart uploads a browser abandoned cost storage until they are aborted. */
const ABORT_INCOMPLETE_UPLOADS: LifecycleRule = {
  id: 'abort-incomplete-uploads',
  abortIncompleteMultipartUploadAfter: Duration.days(1),
};

const SECURE_BUCKET = {
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  encryption: BucketEncryption.S3_MANAGED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
} as const;

export class Storage extends Construct {
  readonly rawBucket: Bucket;
  readonly processedBucket: Bucket;
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string, props: StorageProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const allowedOrigins = props.allowedOrigins ?? ['*'];

    this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
      ...SECURE_BUCKET,
      removalPolicy,
      lifecycleRules: [
        ABORT_INCOMPLETE_UPLOADS,
        { id: 'expire-logs', expiration: props.accessLogExpiration ?? Duration.days(90) },
      ],
    });
    acknowledge(
      this.accessLogsBucket,
      'AwsSolutions-S1',
      'This bucket receives the access logs; logging it to itself would loop.',
    );

    this.rawBucket = new Bucket(this, 'Raw', {
      ...SECURE_BUCKET,
      removalPolicy,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'raw/',
      lifecycleRules: [ABORT_INCOMPLETE_UPLOADS],
      cors: [
        {
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET, HttpMethods.HEAD],
          allowedOrigins,
          allowedHeaders: ['*'],
          exposedHeaders: ['ETag'],
          maxAge: 3000,
        },
      ],
    });

    this.processedBucket = new Bucket(this, 'Processed', {
      ...SECURE_BUCKET,
      removalPolicy,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'processed/',
      lifecycleRules: [ABORT_INCOMPLETE_UPLOADS],
      cors: [
        {
          allowedMethods: [HttpMethods.GET, HttpMethods.HEAD],
          allowedOrigins,
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
    });
  }
}
