/**
 * The API's schema as the local runtime serves it: `schema.graphql` over AppSync's own scalars
 * and directives, with the auth directives and `@aws_subscribe` read into lookups.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildSchema,
  isObjectType,
  isScalarType,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type GraphQLSchema,
} from 'graphql';
import { API_SCHEMA_FILE, APPSYNC_DECLARATIONS_FILE } from '../../model/api.ts';
import { REPOSITORY_ROOT } from '../../resolvers/bundle.ts';
import { defineAwsScalar } from './scalars.ts';

/** The ways of calling the local API. An API key stands in for a Cognito user. */
export type LocalAuthMode = 'API_KEY' | 'AWS_IAM';

const DIRECTIVE_MODES: Record<string, LocalAuthMode | undefined> = {
  aws_cognito_user_pools: 'API_KEY',
  aws_auth: 'API_KEY',
  aws_api_key: 'API_KEY',
  aws_iam: 'AWS_IAM',
};
const AUTH_DIRECTIVES = new Set([
  'aws_cognito_user_pools',
  'aws_auth',
  'aws_api_key',
  'aws_iam',
  'aws_oidc',
  'aws_lambda',
]);

/** The default mode (Cognito user pools on AWS) when a field and its type name none. */
const DEFAULT_MODES: ReadonlySet<LocalAuthMode> = new Set(['API_KEY']);

function modesOf(directives: readonly ConstDirectiveNode[] | undefined) {
  const named = (directives ?? []).filter((d) => AUTH_DIRECTIVES.has(d.name.value));
  if (named.length === 0) return undefined;
  return new Set(
    named.map((d) => DIRECTIVE_MODES[d.name.value]).filter((m): m is LocalAuthMode => !!m),
  );
}

export interface ApiSchema {
  schema: GraphQLSchema;
  /** The modes that may read `Type.field`. */
  authModes(typeName: string, fieldName: string): ReadonlySet<LocalAuthMode>;
  /** For each subscription field, the mutations whose results it receives. */
  subscriptionSources: ReadonlyMap<string, readonly string[]>;
}

export function loadApiSchema(root = REPOSITORY_ROOT): ApiSchema {
  const declarations = readFileSync(join(root, APPSYNC_DECLARATIONS_FILE), 'utf8');
  const source = readFileSync(join(root, API_SCHEMA_FILE), 'utf8');
  const schema = buildSchema(`${declarations}\n${source}`);
  for (const type of Object.values(schema.getTypeMap())) {
    if (isScalarType(type)) defineAwsScalar(type);
  }

  const modes = new Map<string, ReadonlySet<LocalAuthMode>>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const typeModes = modesOf(type.astNode?.directives);
    for (const field of Object.values(type.getFields())) {
      const fieldModes = modesOf(field.astNode?.directives);
      modes.set(`${type.name}.${field.name}`, fieldModes ?? typeModes ?? DEFAULT_MODES);
    }
  }

  const subscriptionSources = new Map<string, string[]>();
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) {
    const directive = field.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
    const argument = directive?.arguments?.find((a) => a.name.value === 'mutations');
    if (argument) {
      subscriptionSources.set(field.name, valueFromASTUntyped(argument.value) as string[]);
    }
  }

  return {
    schema,
    // Introspection fields (__typename, __schema) are open to every caller, as on AppSync.
    authModes: (typeName, fieldName) =>
      modes.get(`${typeName}.${fieldName}`) ?? new Set<LocalAuthMode>(['API_KEY', 'AWS_IAM']),
    subscriptionSources,
  };
}
