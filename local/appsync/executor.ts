/**
 * GraphQL operations against the schema, with AppSync's rules: each field checked against the
 * caller's auth mode, resolved by its resolver when it has one (by its parent's property when
 * not), errors shaped as AppSync shapes them, and a mutation's result handed to the
 * subscriptions that listen to it (only the fields the mutation selected, as on AppSync).
 */
import {
  defaultFieldResolver,
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  print,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { Caller } from './auth.ts';
import { BatchScheduler } from './batch-scheduler.ts';
import { AppSyncError } from './errors.ts';
import type { CompiledResolver, ResolverRunner, SharedContext } from './resolver-runner.ts';
import type { ApiSchema } from './schema.ts';
import type { SubscriptionRegistry } from './subscriptions.ts';
import type { SubscriptionFilter } from './util/transform.ts';

export interface OperationRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** `ctx.request`: the HTTP request's headers. */
export interface RequestDetails {
  headers: Record<string, string>;
  domainName: string | null;
}

export interface AppSyncFormattedError {
  path: readonly (string | number)[] | null;
  data: unknown;
  errorType: string | null;
  errorInfo: unknown;
  locations: { line: number; column: number; sourceName: null }[] | null;
  message: string;
}

export interface AppSyncResponse {
  data: Record<string, unknown> | null;
  errors?: AppSyncFormattedError[];
}

interface OperationState {
  caller: Caller;
  request: RequestDetails;
  variables: Record<string, unknown>;
  scheduler: BatchScheduler;
  appended: AppSyncFormattedError[];
  /** `ctx` parts shared by the calls of each field, as JSON (see `SharedContext`). */
  shared: WeakMap<readonly FieldNode[], string>;
  /** Delivering a published payload: resolvers do not run, fields read the payload. */
  delivering: boolean;
  /** Set while a subscription starts: what its resolver decided. */
  subscription?: { args: Record<string, unknown>; filter?: SubscriptionFilter };
}

/** A started subscription, ready to be registered. */
export interface SubscriptionStart {
  fieldName: string;
  args: Record<string, unknown>;
  filter?: SubscriptionFilter;
  /** The subscriber's view of one published payload. */
  deliver(payload: Record<string, unknown>): Promise<AppSyncResponse>;
}

function locationsOf(error: GraphQLError): AppSyncFormattedError['locations'] {
  return error.locations?.map(({ line, column }) => ({ line, column, sourceName: null })) ?? null;
}

export function formatError(error: GraphQLError): AppSyncFormattedError {
  const original = error.originalError;
  const appSync = original instanceof AppSyncError ? original : undefined;
  return {
    path: error.path ?? null,
    data: appSync?.data ?? null,
    errorType:
      appSync?.errorType ??
      (original && !(original instanceof GraphQLError) ? 'InternalFailure' : null),
    errorInfo: appSync?.errorInfo ?? null,
    locations: locationsOf(error),
    message: error.message,
  };
}

function requestError(message: string, errorType: string): AppSyncResponse {
  return {
    data: null,
    errors: [{ path: null, data: null, errorType, errorInfo: null, locations: null, message }],
  };
}

const selections = new WeakMap<readonly FieldNode[], { list: string[]; graphql: string }>();

/** `ctx.info.selectionSetList` and `selectionSetGraphQL` of a field. */
function selectionOf(info: GraphQLResolveInfo) {
  let selection = selections.get(info.fieldNodes);
  if (!selection) {
    const list = new Set<string>();
    const walk = (set: SelectionSetNode | undefined, prefix: string) => {
      for (const node of set?.selections ?? []) {
        if (node.kind === Kind.FIELD) {
          if (node.name.value === '__typename') continue;
          list.add(`${prefix}${node.name.value}`);
          walk(node.selectionSet, `${prefix}${node.name.value}/`);
        } else if (node.kind === Kind.INLINE_FRAGMENT) {
          walk(node.selectionSet, prefix);
        } else {
          walk(info.fragments[node.name.value]?.selectionSet, prefix);
        }
      }
    };
    for (const node of info.fieldNodes) walk(node.selectionSet, '');
    const first = info.fieldNodes[0]?.selectionSet;
    selection = { list: [...list], graphql: first ? print(first) : '' };
    selections.set(info.fieldNodes, selection);
  }
  return selection;
}

/** A result keyed by field names rather than the operation's aliases. */
function unaliased(
  set: SelectionSetNode | undefined,
  value: unknown,
  fragments: Record<string, FragmentDefinitionNode>,
): unknown {
  if (!set || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => unaliased(set, item, fragments));
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  const walk = (selectionSet: SelectionSetNode) => {
    for (const node of selectionSet.selections) {
      if (node.kind === Kind.FIELD) {
        const key = node.alias?.value ?? node.name.value;
        if (key in source) {
          result[node.name.value] = unaliased(node.selectionSet, source[key], fragments);
        }
      } else if (node.kind === Kind.INLINE_FRAGMENT) {
        walk(node.selectionSet);
      } else {
        const fragment = fragments[node.name.value];
        if (fragment) walk(fragment.selectionSet);
      }
    }
  };
  walk(set);
  return result;
}

export class Executor {
  constructor(
    private readonly api: ApiSchema,
    private readonly resolvers: ReadonlyMap<string, CompiledResolver>,
    private readonly runner: ResolverRunner,
    private readonly registry: SubscriptionRegistry,
    private readonly env: Record<string, string>,
  ) {}

  get schema() {
    return this.api.schema;
  }

  /** The parsed operation of a request `subscribe` accepted. */
  documentOf(query: string): DocumentNode {
    return parse(query);
  }

  private readonly fieldResolver: GraphQLFieldResolver<unknown, OperationState> = (
    source,
    args,
    state,
    info,
  ) => {
    const typeName = info.parentType.name;
    const { fieldName } = info;
    if (!this.api.authModes(typeName, fieldName).has(state.caller.mode)) {
      throw new AppSyncError(
        `Not Authorized to access ${fieldName} on type ${typeName}`,
        'Unauthorized',
      );
    }
    const resolver = state.delivering ? undefined : this.resolvers.get(`${typeName}.${fieldName}`);
    if (!resolver) return defaultFieldResolver(source, args, state, info);
    return this.resolveField(resolver, source, args, state, info);
  };

  private async resolveField(
    resolver: CompiledResolver,
    source: unknown,
    args: Record<string, unknown>,
    state: OperationState,
    info: GraphQLResolveInfo,
  ): Promise<unknown> {
    let shared = state.shared.get(info.fieldNodes);
    if (shared === undefined) {
      const selection = selectionOf(info);
      shared = JSON.stringify({
        identity: state.caller.identity,
        request: state.request,
        info: {
          fieldName: info.fieldName,
          parentTypeName: info.parentType.name,
          variables: state.variables,
          selectionSetList: selection.list,
          selectionSetGraphQL: selection.graphql,
        },
        env: this.env,
      } satisfies SharedContext);
      state.shared.set(info.fieldNodes, shared);
    }
    const outcome = await this.runner.resolve(resolver, {
      typeName: info.parentType.name,
      fieldName: info.fieldName,
      arguments: args,
      source,
      shared,
      authType: state.caller.authType,
      scheduler: state.scheduler,
    });
    for (const appended of outcome.appendedErrors) {
      const located = new GraphQLError(appended.message, { nodes: info.fieldNodes });
      state.appended.push({
        ...appended,
        path: pathOf(info),
        locations: locationsOf(located),
      });
    }
    if (state.subscription && info.parentType === this.api.schema.getSubscriptionType()) {
      state.subscription.args = args;
      state.subscription.filter = outcome.subscriptionFilter;
    }
    return outcome.value;
  }

  private prepare(
    request: OperationRequest,
  ): { document: DocumentNode; operation: OperationDefinitionNode } | AppSyncResponse {
    if (typeof request.query !== 'string') {
      return requestError('The request has no query', 'MalformedHttpRequestException');
    }
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      return requestError((error as Error).message, 'InvalidSyntaxError');
    }
    const invalid = validate(this.api.schema, document);
    if (invalid.length > 0) {
      return {
        data: null,
        errors: invalid.map((e) => ({ ...formatError(e), errorType: 'ValidationError' })),
      };
    }
    const operation = getOperationAST(document, request.operationName ?? undefined);
    if (!operation) return requestError('Unknown or ambiguous operation name', 'ValidationError');
    return { document, operation };
  }

  private async run(
    document: DocumentNode,
    request: OperationRequest,
    state: OperationState,
    rootValue: unknown = {},
  ): Promise<AppSyncResponse> {
    const result = (await execute({
      schema: this.api.schema,
      document,
      rootValue,
      contextValue: state,
      variableValues: request.variables ?? undefined,
      operationName: request.operationName ?? undefined,
      fieldResolver: this.fieldResolver,
    })) as ExecutionResult;
    const errors = [...(result.errors ?? []).map(formatError), ...state.appended];
    const response: AppSyncResponse = { data: (result.data as Record<string, unknown>) ?? null };
    if (errors.length > 0) response.errors = errors;
    return response;
  }

  private state(
    caller: Caller,
    details: RequestDetails,
    request: OperationRequest,
  ): OperationState {
    return {
      caller,
      request: details,
      variables: request.variables ?? {},
      scheduler: new BatchScheduler(),
      appended: [],
      shared: new WeakMap(),
      delivering: false,
    };
  }

  /** A query or mutation, as POSTed to `/graphql`. */
  async execute(
    request: OperationRequest,
    caller: Caller,
    details: RequestDetails,
  ): Promise<AppSyncResponse> {
    const prepared = this.prepare(request);
    if (!('operation' in prepared)) return prepared;
    const { document, operation } = prepared;
    if (operation.operation === 'subscription') {
      return requestError(
        'Subscriptions are served over WebSocket, not HTTP',
        'UnsupportedOperation',
      );
    }
    const response = await this.run(document, request, this.state(caller, details, request));
    if (operation.operation === 'mutation' && response.data) {
      this.publish(document, operation, response.data);
    }
    return response;
  }

  private publish(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    data: Record<string, unknown>,
  ): void {
    const fragments = Object.fromEntries(
      document.definitions
        .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
        .map((d) => [d.name.value, d]),
    );
    for (const node of operation.selectionSet.selections) {
      if (node.kind !== Kind.FIELD || !this.registry.isSource(node.name.value)) continue;
      const value = data[node.alias?.value ?? node.name.value];
      if (value === null || value === undefined) continue;
      const payload = unaliased(node.selectionSet, value, fragments) as Record<string, unknown>;
      this.registry.publish(node.name.value, payload);
    }
  }

  /**
   * Starts a subscription: runs its resolver (which may refuse it or set its filter) and
   * answers either its errors or what registering it needs.
   */
  async subscribe(
    request: OperationRequest,
    caller: Caller,
    details: RequestDetails,
  ): Promise<SubscriptionStart | AppSyncResponse> {
    const prepared = this.prepare(request);
    if (!('operation' in prepared)) return prepared;
    const { document, operation } = prepared;
    const fields = operation.selectionSet.selections;
    const field = fields[0];
    if (
      operation.operation !== 'subscription' ||
      fields.length !== 1 ||
      field?.kind !== Kind.FIELD
    ) {
      return requestError(
        'The real-time endpoint takes one subscription field per operation',
        'UnsupportedOperation',
      );
    }
    const state = this.state(caller, details, request);
    state.subscription = { args: {} };
    const started = await this.run(document, request, state);
    if (started.errors) return started;

    const responseKey = field.alias?.value ?? field.name.value;
    return {
      fieldName: field.name.value,
      args: state.subscription.args,
      filter: state.subscription.filter,
      deliver: (payload) =>
        this.run(
          document,
          request,
          { ...this.state(caller, details, request), delivering: true },
          { [responseKey]: payload, [field.name.value]: payload },
        ),
    };
  }
}

function pathOf(info: GraphQLResolveInfo): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: GraphQLResolveInfo['path'] | undefined = info.path; at; at = at.prev) {
    path.unshift(at.key);
  }
  return path;
}
