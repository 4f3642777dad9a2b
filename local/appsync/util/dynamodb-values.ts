/**
 * `util.dynamodb`: plain values to DynamoDB's typed JSON (`{ "S": "..." }`), as resolvers write
 * them into requests, and typed JSON back to plain values, as the data source returns items.
 * Binary values are base64 strings and sets are arrays on the resolver side, as in AppSync.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type TypedValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true | null }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: TypedValue[] }
  | { M: Record<string, TypedValue> };

export function toDynamoDB(value: unknown): TypedValue {
  if (value === null || value === undefined) return { NULL: true };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toDynamoDB) };
  if (typeof value === 'object') return { M: toMapValues(value as Record<string, unknown>) };
  throw new TypeError(`Cannot convert a ${typeof value} to a DynamoDB value`);
}

export function toMapValues(map: Record<string, unknown>): Record<string, TypedValue> {
  const values: Record<string, TypedValue> = {};
  for (const [name, value] of Object.entries(map)) {
    if (value !== undefined) values[name] = toDynamoDB(value);
  }
  return values;
}

function orNull<T, R>(value: T | null | undefined, convert: (value: T) => R): R | null {
  return value === null || value === undefined ? null : convert(value);
}

export const dynamodbUtil = {
  toDynamoDB,
  toMapValues,
  toMap: (map: Record<string, unknown> | null) => orNull(map, (m) => ({ M: toMapValues(m) })),
  toList: (list: unknown[] | null) => orNull(list, (l) => ({ L: l.map(toDynamoDB) })),
  toString: (value: string | null) => orNull(value, (S) => ({ S })),
  toStringSet: (list: string[] | null) => orNull(list, (SS) => ({ SS })),
  toNumber: (value: number | null) => orNull(value, (n) => ({ N: String(n) })),
  toNumberSet: (list: number[] | null) => orNull(list, (l) => ({ NS: l.map(String) })),
  toBinary: (value: string | null) => orNull(value, (B) => ({ B })),
  toBinarySet: (list: string[] | null) => orNull(list, (BS) => ({ BS })),
  toBoolean: (value: boolean | null) => orNull(value, (BOOL) => ({ BOOL })),
  toNull: () => ({ NULL: null }),
  toS3Object: (key: string, bucket: string, region: string, version?: string) => ({
    S: JSON.stringify({ s3: { key, bucket, region, ...(version ? { version } : {}) } }),
  }),
  fromS3ObjectJson: (json: string) => (JSON.parse(json) as { s3: unknown }).s3,
};

/** A resolver's typed JSON as the SDK sends it. */
export function toAttributeValue(value: TypedValue): AttributeValue {
  if ('NULL' in value) return { NULL: true };
  if ('N' in value) return { N: String(value.N) };
  if ('B' in value) return { B: Buffer.from(value.B, 'base64') };
  if ('BS' in value) return { BS: value.BS.map((b) => Buffer.from(b, 'base64')) };
  if ('L' in value) return { L: value.L.map(toAttributeValue) };
  if ('M' in value) return { M: toAttributeMap(value.M) };
  return value as AttributeValue;
}

export function toAttributeMap(map: Record<string, TypedValue>): Record<string, AttributeValue> {
  return Object.fromEntries(
    Object.entries(map).map(([name, value]) => [name, toAttributeValue(value)]),
  );
}

/** An attribute as resolvers receive it: numbers as numbers, binaries in base64. */
export function fromAttributeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.SS !== undefined) return value.SS;
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.M !== undefined) return fromAttributeMap(value.M);
  return null;
}

export function fromAttributeMap(map: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(map).map(([name, value]) => [name, fromAttributeValue(value)]),
  );
}
