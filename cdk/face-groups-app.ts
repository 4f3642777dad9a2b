/**
 * The CDK app: the face-groups stack, configured from CDK context, checked by cdk-nag's AWS
 * Solutions rules on every synth. An unacknowledged finding fails the synth.
 */
import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FaceGroupsStack, type FaceGroupsStackProps } from './face-groups-stack.ts';

/** Feature flags the stack is written for; `cdk.json` may not override them. */
export const FEATURE_FLAGS = {
  // S3 server access logs authorized by a bucket policy, not by the log bucket's ACL.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  '@aws-cdk/aws-iam:minimizePolicies': true,
  '@aws-cdk/core:enablePartitionLiterals': true,
} as const;

export interface FaceGroupsAppOptions {
  /** @default - CDK_OUTDIR, else `cdk.out` */
  outdir?: string;
  /** Context values, as `-c name=value` gives them. @default - none beyond `cdk.json` */
  context?: Record<string, unknown>;
  /**
   * Leave assets unbuilt (no esbuild, no npm): for checks and tests, never for a deploy.
   * @default false
   */
  skipBundling?: boolean;
}

function flag(value: unknown): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return value === true || value === 'true';
}

function number(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new RangeError(`Expected a number, got ${String(value)}`);
  return parsed;
}

function list(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) return value.map(String);
  return String(value)
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** The stack's settings from context (`cdk.json` or `-c name=value`). */
export function stackPropsFromContext(app: App): FaceGroupsStackProps {
  const context = (name: string): unknown => app.node.tryGetContext(name);
  return {
    retainData: flag(context('retainData')),
    allowedOrigins: list(context('allowedOrigins')),
    apiKey: flag(context('apiKey')),
    selfSignUp: flag(context('selfSignUp')),
    requireMfa: flag(context('requireMfa')),
    rekognitionTransactionsPerSecond: number(context('rekognitionTps')),
    matchThreshold: number(context('matchThreshold')),
    reclusterIntervalMinutes: number(context('reclusterIntervalMinutes')),
    reclusterQuietSeconds: number(context('reclusterQuietSeconds')),
    alarmEmail: (context('alarmEmail') as string | undefined) || undefined,
    description: 'face-groups: faces in uploaded photos, grouped into people',
    env: {
      account: process.env.CDK_DEFAULT_ACCOUNT,
      region: process.env.CDK_DEFAULT_REGION,
    },
  };
}

export function createFaceGroupsApp(options: FaceGroupsAppOptions = {}): {
  app: App;
  stack: FaceGroupsStack;
} {
  const props: AppProps = {
    outdir: options.outdir ?? process.env.CDK_OUTDIR ?? 'cdk.out',
    context: options.context,
    postCliContext: FEATURE_FLAGS,
  };
  const app = new App(props);
  if (options.skipBundling || flag(app.node.tryGetContext('bundling')) === false) {
    app.node.setContext(BUNDLING_STACKS, []);
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

  const stackName = (app.node.tryGetContext('stackName') as string | undefined) || 'FaceGroups';
  const stack = new FaceGroupsStack(app, stackName, stackPropsFromContext(app));
  return { app, stack };
}
