/**
 * A Lambda function of the product, built the one way all of them are: TypeScript bundled by
 * esbuild on the deploying machine (no Docker), Node.js 22 on Graviton, JSON logs in a log group
 * of its own, active tracing, and a role that starts with no permission but writing to that log
 * group. Each construct that owns a function grants it what it uses, and nothing more.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  ApplicationLogLevel,
  Architecture,
  LoggingFormat,
  Runtime,
  SystemLogLevel,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, XRAY_FINDING } from './acknowledge.ts';
import { fromRoot } from './paths.ts';

export interface ProductFunctionProps {
  /** The TypeScript entry, relative to the repository root. */
  entry: string;
  /** @default 'handler' */
  handler?: string;
  description: string;
  /** Powertools' service name, also the `service` key of every log line. */
  serviceName: string;
  /** @default - none */
  environment?: Record<string, string>;
  /** @default 512 */
  memorySize?: number;
  /** @default Duration.seconds(10) */
  timeout?: Duration;
  /**
   * Packages installed into the bundle's `node_modules` for Linux on arm64, rather than bundled:
   * native packages such as sharp. Installing them needs the npm registry at deploy time.
   * @default - none
   */
  nodeModules?: string[];
  /** @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
}

/**
 * npm settings that make `npm ci` pick the Lambda platform's prebuilt binaries (npm 10.4 or
 * newer). Install scripts stay off: a machine with its own libvips would otherwise build sharp
 * from source, for itself rather than for Lambda.
 */
const LAMBDA_PLATFORM_NPM = {
  npm_config_os: 'linux',
  npm_config_cpu: 'arm64',
  npm_config_libc: 'glibc',
  npm_config_ignore_scripts: 'true',
};

/** esbuild's ESM output calls `require` for Node built-ins used by bundled CommonJS packages. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as createRequireForEsm } from 'node:module';" +
  'const require = createRequireForEsm(import.meta.url);';

export class ProductFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ProductFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: fromRoot(props.entry),
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: Tracing.ACTIVE,
      projectRoot: fromRoot('.'),
      depsLockFilePath: fromRoot('package-lock.json'),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // The SDK versions the tests ran, not whichever the runtime ships.
        bundleAwsSDK: true,
        nodeModules: props.nodeModules,
        environment: props.nodeModules ? LAMBDA_PLATFORM_NPM : undefined,
      },
    });

    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime the product is built and tested for (an LTS release); a newer ' +
        'one is adopted once the tests run on it.',
    );
    acknowledge(
      this.role,
      'AwsSolutions-IAM5',
      "X-Ray's PutTraceSegments and PutTelemetryRecords (active tracing) name no resource.",
      [XRAY_FINDING],
    );
  }
}
