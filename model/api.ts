/**
 * The GraphQL API, described as data: its schema files, authorization, data sources, resolvers
 * and the Lambda function behind its presigned URLs. The CDK app and the local AppSync runtime
 * both build the API from this description, so a resolver is wired in one place only.
 *
 * Paths are relative to the repository root. `resolvers/bundle.ts` turns a resolver file into
 * the APPSYNC_JS code AppSync accepts.
 */
import {
  appearancesTable,
  leasesTable,
  peopleTable,
  photosTable,
  type TableDefinition,
} from './tables.ts';

/** The deployed schema. */
export const API_SCHEMA_FILE = 'schema.graphql';
/**
 * AppSync's built-in scalars and directives, declared for tools (code generation, the local
 * runtime). AppSync refuses a schema that declares them: never deploy this file.
 */
export const APPSYNC_DECLARATIONS_FILE = 'appsync.graphql';

export type AuthorizationMode = 'AMAZON_COGNITO_USER_POOLS' | 'AWS_IAM' | 'API_KEY';

export const apiAuthorization = {
  /** How clients call the API. The local runtime accepts an API key in its stead. */
  defaultMode: 'AMAZON_COGNITO_USER_POOLS',
  /** The ingestion Lambda signs its publish mutation (`@aws_iam` in the schema). */
  additionalModes: ['AWS_IAM'],
} as const satisfies { defaultMode: AuthorizationMode; additionalModes: AuthorizationMode[] };

/**
 * AppSync environment variables (`ctx.env` in resolvers): the names of the tables that batch
 * operations address by name. Each value is the table's name in the deployment.
 */
export const apiEnvironment: readonly TableDefinition[] = [
  photosTable,
  peopleTable,
  appearancesTable,
];

export interface DynamoDbDataSourceDefinition {
  name: string;
  kind: 'AMAZON_DYNAMODB';
  table: TableDefinition;
  /** `readWrite` when a resolver writes through it. Reads include its indexes. */
  access: 'read' | 'readWrite';
}

export interface LambdaDataSourceDefinition {
  name: string;
  kind: 'AWS_LAMBDA';
  functionId: ApiFunctionDefinition['id'];
}

/** A data source that returns its request's payload, for local logic and subscriptions. */
export interface NoneDataSourceDefinition {
  name: string;
  kind: 'NONE';
}

export type DataSourceDefinition =
  DynamoDbDataSourceDefinition | LambdaDataSourceDefinition | NoneDataSourceDefinition;

export interface UnitResolverDefinition {
  typeName: string;
  fieldName: string;
  kind: 'UNIT';
  dataSource: DataSourceDefinition['name'];
  file: string;
  /** For Lambda resolvers that `BatchInvoke`: how many calls one invocation takes at most. */
  maxBatchSize?: number;
}

export interface PipelineResolverDefinition {
  typeName: string;
  fieldName: string;
  kind: 'PIPELINE';
  /** The resolver's own `request` (before) and `response` (after) handlers. */
  file: string;
  /** Names of `apiFunctions`, run in order. */
  functions: string[];
}

export type ResolverDefinition = UnitResolverDefinition | PipelineResolverDefinition;

/** An AppSync function: one step of pipeline resolvers. */
export interface FunctionDefinition {
  name: string;
  dataSource: DataSourceDefinition['name'];
  file: string;
  maxBatchSize?: number;
}

/** A Lambda function behind a Lambda data source. */
export interface ApiFunctionDefinition {
  id: 'presign';
  /** TypeScript entry, bundled for Lambda. */
  entry: string;
  /** Exported handler name. */
  handler: string;
  /** Environment variables it reads, besides the standard AWS ones. */
  environment: readonly string[];
  /** What it may do in S3, by bucket environment name and key pattern. */
  s3Grants: readonly { bucketEnv: string; keyPattern: string; actions: readonly string[] }[];
}

export const presignFunction: ApiFunctionDefinition = {
  id: 'presign',
  entry: 'resolvers/lambda/presign.ts',
  handler: 'handler',
  environment: [
    'RAW_BUCKET',
    'PROCESSED_BUCKET',
    'PRESIGNED_URL_TTL_SECONDS',
    'PRESIGNED_URL_MAX_TTL_SECONDS',
  ],
  s3Grants: [
    {
      bucketEnv: 'RAW_BUCKET',
      keyPattern: 'photos-raw/*',
      actions: ['s3:GetObject', 's3:PutObject'],
    },
    { bucketEnv: 'PROCESSED_BUCKET', keyPattern: '*', actions: ['s3:GetObject'] },
  ],
};

export const apiFunctionDefinitions: readonly ApiFunctionDefinition[] = [presignFunction];

/** How many presigned URLs one invocation of the presign Lambda makes at most. */
export const PRESIGN_MAX_BATCH_SIZE = 100;

export const dataSources = {
  photos: { name: 'PhotosTable', kind: 'AMAZON_DYNAMODB', table: photosTable, access: 'readWrite' },
  people: { name: 'PeopleTable', kind: 'AMAZON_DYNAMODB', table: peopleTable, access: 'readWrite' },
  appearances: {
    name: 'AppearancesTable',
    kind: 'AMAZON_DYNAMODB',
    table: appearancesTable,
    access: 'read',
  },
  leases: { name: 'LeasesTable', kind: 'AMAZON_DYNAMODB', table: leasesTable, access: 'readWrite' },
  presign: { name: 'PresignFunction', kind: 'AWS_LAMBDA', functionId: 'presign' },
  none: { name: 'None', kind: 'NONE' },
} as const satisfies Record<string, DataSourceDefinition>;

export const dataSourceDefinitions: readonly DataSourceDefinition[] = Object.values(dataSources);

export const apiFunctions: readonly FunctionDefinition[] = [
  {
    name: 'queryPersonAppearances',
    dataSource: dataSources.appearances.name,
    file: 'resolvers/functions/queryPersonAppearances.ts',
  },
  {
    name: 'getPhotosOfAppearances',
    dataSource: dataSources.photos.name,
    file: 'resolvers/functions/getPhotosOfAppearances.ts',
  },
  {
    name: 'queryPhotoAppearances',
    dataSource: dataSources.appearances.name,
    file: 'resolvers/functions/queryPhotoAppearances.ts',
  },
  {
    name: 'getPeopleOfAppearances',
    dataSource: dataSources.people.name,
    file: 'resolvers/functions/getPeopleOfAppearances.ts',
  },
  {
    name: 'presignUpload',
    dataSource: dataSources.presign.name,
    file: 'resolvers/functions/presignUpload.ts',
  },
  {
    name: 'putPendingPhoto',
    dataSource: dataSources.photos.name,
    file: 'resolvers/functions/putPendingPhoto.ts',
  },
];

function unit(
  coordinate: `${string}.${string}`,
  dataSource: DataSourceDefinition,
  maxBatchSize?: number,
): UnitResolverDefinition {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  const resolver: UnitResolverDefinition = {
    typeName,
    fieldName,
    kind: 'UNIT',
    dataSource: dataSource.name,
    file: `resolvers/${coordinate}.ts`,
  };
  return maxBatchSize === undefined ? resolver : { ...resolver, maxBatchSize };
}

function pipeline(
  coordinate: `${string}.${string}`,
  functions: string[],
): PipelineResolverDefinition {
  const [typeName, fieldName] = coordinate.split('.') as [string, string];
  return { typeName, fieldName, kind: 'PIPELINE', file: `resolvers/${coordinate}.ts`, functions };
}

export const resolverDefinitions: readonly ResolverDefinition[] = [
  unit('Query.people', dataSources.people),
  unit('Query.person', dataSources.people),
  unit('Query.photo', dataSources.photos),
  unit('Query.photos', dataSources.photos),
  pipeline('Mutation.createPhotoUpload', ['presignUpload', 'putPendingPhoto']),
  unit('Mutation.renamePerson', dataSources.people),
  unit('Mutation.reclusterPeople', dataSources.leases),
  unit('Mutation.publishPersonCreated', dataSources.none),
  unit('Subscription.onPersonCreated', dataSources.none),
  unit('Person.thumbnailUrl', dataSources.presign, PRESIGN_MAX_BATCH_SIZE),
  pipeline('Person.photos', ['queryPersonAppearances', 'getPhotosOfAppearances']),
  unit('Person.appearances', dataSources.appearances),
  unit('Photo.url', dataSources.presign, PRESIGN_MAX_BATCH_SIZE),
  unit('Photo.appearances', dataSources.appearances),
  pipeline('Photo.people', ['queryPhotoAppearances', 'getPeopleOfAppearances']),
  unit('Appearance.thumbnailUrl', dataSources.presign, PRESIGN_MAX_BATCH_SIZE),
];
