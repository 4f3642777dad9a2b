/**
 * The GraphQL API on AppSync, built from the API description in `model/api.ts`: the schema, the
 * APPSYNC_JS resolvers bundled by `resolvers/bundle.ts` (the code the local runtime runs), the
 * presign Lambda, and a NONE data source for the mutation that feeds subscriptions.
 *
 * Every data source has a role of its own that allows exactly the operations its resolvers'
 * code performs, read from that code at synth time.
 */
import { Duration, Expiration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AppsyncFunction,
  AuthorizationType,
  CfnGraphQLApi,
  Code,
  Definition,
  DynamoDbDataSource,
  FieldLogLevel,
  FunctionRuntime,
  GraphqlApi,
  LambdaDataSource,
  NoneDataSource,
  Resolver,
  type AuthorizationMode,
  type BaseDataSource,
} from 'aws-cdk-lib/aws-appsync';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  API_SCHEMA_FILE,
  apiAuthorization,
  apiEnvironment,
  apiFunctions,
  dataSourceDefinitions,
  presignFunction,
  resolverDefinitions,
  type AuthorizationMode as ManifestAuthorizationMode,
  type DataSourceDefinition,
} from '../model/api.ts';
import { bundleResolver } from '../resolvers/bundle.ts';
import { acknowledge, resourceFinding } from './acknowledge.ts';
import { dynamoDbActionsOf } from './resolver-actions.ts';
import { fromRoot } from './paths.ts';
import { ProductFunction } from './product-function.ts';
import type { Tables } from './tables.ts';

export interface ApiProps {
  userPool: IUserPool;
  rawBucket: IBucket;
  processedBucket: IBucket;
  tables: Tables;
  /**
   * Adds an API key as a further authorization mode, for tools that cannot sign in. A key is a
   * shared secret: only for development, and it expires.
   * @default false
   */
  apiKey?: boolean;
  /** @default Duration.days(7) */
  apiKeyLifetime?: Duration;
  /** @default RetentionDays.ONE_MONTH */
  logRetention?: RetentionDays;
}

/** A query nested deeper than this is refused before any resolver runs. */
const QUERY_DEPTH_LIMIT = 10;

export class Api extends Construct {
  readonly api: GraphqlApi;
  readonly presignFunction: NodejsFunction;
  private readonly dataSources = new Map<string, BaseDataSource>();
  private readonly functions = new Map<string, AppsyncFunction>();

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    const logRole = new Role(this, 'LogRole', {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: 'Writes the face-groups API logs',
    });
    this.api = new GraphqlApi(this, 'Api', {
      name: `${Stack.of(this).stackName}-api`,
      definition: Definition.fromFile(fromRoot(API_SCHEMA_FILE)),
      authorizationConfig: this.authorization(props),
      xrayEnabled: true,
      queryDepthLimit: QUERY_DEPTH_LIMIT,
      environmentVariables: Object.fromEntries(
        apiEnvironment.map((table) => [table.envName, props.tables.table(table).tableName]),
      ),
    });
    // Set on the CloudFormation resource: the L2 `logConfig` adds a custom-resource Lambda
    // just to set the retention, which the log group below sets itself.
    (this.api.node.defaultChild as CfnGraphQLApi).logConfig = {
      cloudWatchLogsRoleArn: logRole.roleArn,
      fieldLogLevel: FieldLogLevel.ERROR,
      excludeVerboseContent: true,
    };
    acknowledge(
      this.api,
      'AwsSolutions-ASC3',
      'Request logs are on, with field errors; verbose content (headers, resolver context) is ' +
        'left out so that logs hold neither tokens nor photo and person data.',
    );
    // Created here, not by AppSync on first use, so that it has a retention and goes with
    // the stack; the role may write to it but not create it.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    logGroup.grantWrite(logRole);

    const presign = new ProductFunction(this, 'Presign', {
      entry: presignFunction.entry,
      handler: presignFunction.handler,
      description: 'the face-groups presigned URLs for photo uploads, photos and thumbnails',
      serviceName: 'face-groups-presign',
      environment: {
        RAW_BUCKET: props.rawBucket.bucketName,
        PROCESSED_BUCKET: props.processedBucket.bucketName,
      },
    });
    this.presignFunction = presign.function;
    this.grantPresigning(presign, props);

    const codeByFile = new Map<string, string>();
    const code = (file: string): string => {
      const bundled = codeByFile.get(file) ?? bundleResolver(file);
      codeByFile.set(file, bundled);
      return bundled;
    };
    for (const definition of dataSourceDefinitions) {
      this.addDataSource(definition, props, this.filesOf(definition.name).map(code));
    }
    for (const definition of apiFunctions) {
      this.functions.set(
        definition.name,
        new AppsyncFunction(this, `Function${pascalCase(definition.name)}`, {
          api: this.api,
          name: definition.name,
          dataSource: this.dataSource(definition.dataSource),
          runtime: FunctionRuntime.JS_1_0_0,
          code: Code.fromInline(code(definition.file)),
          maxBatchSize: definition.maxBatchSize,
        }),
      );
    }
    for (const definition of resolverDefinitions) {
      const common = {
        api: this.api,
        typeName: definition.typeName,
        fieldName: definition.fieldName,
        runtime: FunctionRuntime.JS_1_0_0,
        code: Code.fromInline(code(definition.file)),
      };
      const id = `${definition.typeName}${pascalCase(definition.fieldName)}`;
      if (definition.kind === 'UNIT') {
        new Resolver(this, id, {
          ...common,
          dataSource: this.dataSource(definition.dataSource),
          maxBatchSize: definition.maxBatchSize,
        });
      } else {
        new Resolver(this, id, {
          ...common,
          pipelineConfig: definition.functions.map((name) => this.appsyncFunction(name)),
        });
      }
    }
  }

  private authorization(props: ApiProps) {
    const modes: Record<ManifestAuthorizationMode, AuthorizationMode> = {
      AMAZON_COGNITO_USER_POOLS: {
        authorizationType: AuthorizationType.USER_POOL,
        userPoolConfig: { userPool: props.userPool },
      },
      AWS_IAM: { authorizationType: AuthorizationType.IAM },
      API_KEY: {
        authorizationType: AuthorizationType.API_KEY,
        apiKeyConfig: {
          description: 'Development key; expires',
          expires: Expiration.after(props.apiKeyLifetime ?? Duration.days(7)),
        },
      },
    };
    const additional: ManifestAuthorizationMode[] = [...apiAuthorization.additionalModes];
    if (props.apiKey) additional.push('API_KEY');
    return {
      defaultAuthorization: modes[apiAuthorization.defaultMode],
      additionalAuthorizationModes: additional.map((mode) => modes[mode]),
    };
  }

  private grantPresigning(presign: ProductFunction, props: ApiProps): void {
    const buckets: Record<string, IBucket> = {
      RAW_BUCKET: props.rawBucket,
      PROCESSED_BUCKET: props.processedBucket,
    };
    const findings: string[] = [];
    for (const grant of presignFunction.s3Grants) {
      const bucket = buckets[grant.bucketEnv];
      if (!bucket) throw new RangeError(`The presign function names no bucket ${grant.bucketEnv}`);
      const objects = bucket.arnForObjects(grant.keyPattern);
      presign.function.addToRolePolicy(
        new PolicyStatement({ actions: [...grant.actions], resources: [objects] }),
      );
      if (grant.keyPattern.includes('*')) findings.push(resourceFinding(this, objects));
    }
    acknowledge(
      presign.role,
      'AwsSolutions-IAM5',
      'Presigned URLs are signed for keys known at run time: new photos under ' +
        "photos-raw/<the caller's ownerId>/ (the function builds the key from the caller), and " +
        'thumbnails in the processed bucket, which holds nothing else.',
      findings,
    );
  }

  /** Resolver and function files served by a data source. */
  private filesOf(dataSourceName: string): string[] {
    const units = resolverDefinitions.flatMap((resolver) =>
      resolver.kind === 'UNIT' && resolver.dataSource === dataSourceName ? [resolver.file] : [],
    );
    const steps = apiFunctions.flatMap((step) =>
      step.dataSource === dataSourceName ? [step.file] : [],
    );
    return [...units, ...steps];
  }

  private addDataSource(definition: DataSourceDefinition, props: ApiProps, codes: string[]) {
    const id = `DataSource${definition.name}`;
    if (definition.kind === 'NONE') {
      this.dataSources.set(
        definition.name,
        new NoneDataSource(this, id, { api: this.api, name: definition.name }),
      );
      return;
    }
    const role = new Role(this, `${id}Role`, {
      assumedBy: new ServicePrincipal('appsync.amazonaws.com'),
      description: `Data source ${definition.name} of the face-groups API`,
    });
    if (definition.kind === 'AMAZON_DYNAMODB') {
      const table = props.tables.table(definition.table);
      const actions = dynamoDbActionsOf(codes);
      if (definition.access === 'read' && actions.some((action) => !isReadAction(action))) {
        throw new RangeError(
          `Resolvers of the read-only data source ${definition.name} write: ${actions.join(', ')}`,
        );
      }
      if (actions.length > 0) {
        role.addToPolicy(
          new PolicyStatement({
            actions,
            resources: [
              table.tableArn,
              ...definition.table.indexes.map(
                (index) => `${table.tableArn}/index/${index.indexName}`,
              ),
            ],
          }),
        );
      }
      this.dataSources.set(
        definition.name,
        new DynamoDbDataSource(this, id, {
          api: this.api,
          name: definition.name,
          table,
          // The role above carries the policy; the data source's own broad grant is dropped.
          serviceRole: role.withoutPolicyUpdates(),
        }),
      );
      return;
    }
    role.addToPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.presignFunction.functionArn],
      }),
    );
    this.dataSources.set(
      definition.name,
      new LambdaDataSource(this, id, {
        api: this.api,
        name: definition.name,
        lambdaFunction: this.presignFunction,
        serviceRole: role.withoutPolicyUpdates(),
      }),
    );
  }

  private dataSource(name: string): BaseDataSource {
    const dataSource = this.dataSources.get(name);
    if (!dataSource) throw new RangeError(`The API description names no data source ${name}`);
    return dataSource;
  }

  private appsyncFunction(name: string): AppsyncFunction {
    const step = this.functions.get(name);
    if (!step) throw new RangeError(`The API description names no function ${name}`);
    return step;
  }
}

function isReadAction(action: string): boolean {
  return ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:Scan'].includes(
    action,
  );
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
