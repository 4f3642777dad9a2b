/**
 * The `util`, `runtime` and `extensions` objects resolver code imports from
 * `@aws-appsync/utils`. Handlers run one at a time and synchronously, so the handler being run
 * is a field of the globals (`scope`), set around each call.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { EarlyReturnSignal, ResolverErrorSignal, type AppendedError } from '../errors.ts';
import { dynamodbUtil } from './dynamodb-values.ts';
import { createTimeUtil } from './time.ts';
import {
  toDynamoDBFilterExpression,
  toSubscriptionFilter,
  type SubscriptionFilter,
} from './transform.ts';

/** What `util.authType()` says for each way of calling the API. */
export type AuthTypeName =
  'User Pool Authorization' | 'IAM Authorization' | 'API Key Authorization';

/** The handler being run. */
export interface HandlerScope {
  typeName: string;
  fieldName: string;
  authType: AuthTypeName;
  appendedErrors: AppendedError[];
  subscriptionFilter?: SubscriptionFilter;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function ulid(now: number): string {
  let time = '';
  let rest = now;
  for (let i = 0; i < 10; i += 1) {
    time = CROCKFORD[rest % 32]! + time;
    rest = Math.floor(rest / 32);
  }
  const random = [...randomBytes(16)].map((byte) => CROCKFORD[byte % 32]).join('');
  return time + random;
}

function ksuid(now: number): string {
  const bytes = Buffer.concat([Buffer.alloc(4), randomBytes(16)]);
  bytes.writeUInt32BE(Math.floor(now / 1000) - 1_400_000_000, 0);
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let text = '';
  while (value > 0n) {
    text = BASE62[Number(value % 62n)]! + text;
    value /= 62n;
  }
  return text.padStart(27, '0');
}

function isBlank(value: unknown): boolean {
  return value === null || value === undefined || String(value).trim() === '';
}

export class ResolverGlobals {
  scope: HandlerScope | undefined;

  readonly util;
  readonly runtime;
  readonly extensions;

  constructor() {
    const current = (): HandlerScope => {
      if (!this.scope) throw new Error('util was called outside of a resolver handler');
      return this.scope;
    };
    this.util = {
      error(message: string, errorType?: string, data?: unknown, errorInfo?: unknown): never {
        throw new ResolverErrorSignal(message, errorType ?? null, data ?? null, errorInfo ?? null);
      },
      appendError(message: string, errorType?: string, data?: unknown, errorInfo?: unknown) {
        current().appendedErrors.push({
          message,
          errorType: errorType ?? null,
          data: data ?? null,
          errorInfo: errorInfo ?? null,
        });
      },
      unauthorized(): never {
        const { typeName, fieldName } = current();
        throw new ResolverErrorSignal(
          `Not Authorized to access ${fieldName} on type ${typeName}`,
          'Unauthorized',
        );
      },
      authType: () => current().authType,
      autoId: () => randomUUID(),
      autoUlid: () => ulid(Date.now()),
      autoKsuid: () => ksuid(Date.now()),
      matches: (pattern: string, value: string) => new RegExp(`^(?:${pattern})$`).test(value),
      escapeJavaScript: (value: string) => JSON.stringify(value).slice(1, -1),
      urlEncode: (value: string) => encodeURIComponent(value).replace(/%20/g, '+'),
      urlDecode: (value: string) => decodeURIComponent(value.replace(/\+/g, ' ')),
      base64Encode: (value: string) => Buffer.from(value, 'utf8').toString('base64'),
      base64Decode: (value: string) => Buffer.from(value, 'base64').toString('utf8'),
      isNull: (value: unknown) => value === null || value === undefined,
      isNullOrEmpty: (value: unknown) => value === null || value === undefined || value === '',
      isNullOrBlank: isBlank,
      defaultIfNull: (value: unknown, fallback: unknown) => value ?? fallback,
      defaultIfNullOrEmpty: (value: unknown, fallback: unknown) =>
        value === null || value === undefined || value === '' ? fallback : value,
      defaultIfNullOrBlank: (value: unknown, fallback: unknown) =>
        isBlank(value) ? fallback : value,
      isString: (value: unknown) => typeof value === 'string',
      isNumber: (value: unknown) => typeof value === 'number',
      isBoolean: (value: unknown) => typeof value === 'boolean',
      isList: (value: unknown) => Array.isArray(value),
      isMap: (value: unknown) =>
        value !== null && typeof value === 'object' && !Array.isArray(value),
      typeOf: (value: unknown) => {
        if (value === null || value === undefined) return 'Null';
        if (Array.isArray(value)) return 'List';
        return (
          { string: 'String', number: 'Number', boolean: 'Boolean' }[typeof value as 'string'] ??
          'Map'
        );
      },
      time: createTimeUtil(),
      dynamodb: dynamodbUtil,
      transform: {
        toDynamoDBFilterExpression,
        toDynamoDBConditionExpression: toDynamoDBFilterExpression,
        toSubscriptionFilter,
      },
      str: {
        toUpper: (value: string) => value.toUpperCase(),
        toLower: (value: string) => value.toLowerCase(),
        toReplace: (value: string, find: string, replacement: string) =>
          value.split(find).join(replacement),
        normalize: (value: string, form: string) => value.normalize(form),
      },
      math: {
        roundNum: (value: number) => Math.round(value),
        minVal: (a: number, b: number) => Math.min(a, b),
        maxVal: (a: number, b: number) => Math.max(a, b),
        randomDouble: () => Math.random(),
        randomWithinRange: (low: number, high: number) =>
          Math.floor(Math.random() * (high - low + 1)) + low,
      },
    };
    this.runtime = {
      earlyReturn(value?: unknown, options?: { skipTo?: 'END' | 'NEXT' }): never {
        throw new EarlyReturnSignal(value ?? null, options?.skipTo);
      },
    };
    this.extensions = {
      setSubscriptionFilter(filter: SubscriptionFilter) {
        current().subscriptionFilter = filter;
      },
      // Invalidation and the API cache do not exist locally; resolvers may still call them.
      setSubscriptionInvalidationFilter() {},
      invalidateSubscriptions() {},
      evictFromApiCache() {},
    };
  }

  /** Runs `handler` as the handler of `scope`. */
  run<T>(scope: HandlerScope, handler: () => T): T {
    const previous = this.scope;
    this.scope = scope;
    try {
      return handler();
    } finally {
      this.scope = previous;
    }
  }
}
