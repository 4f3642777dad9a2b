/**
 * `util.dynamodb`: plain values to DynamoDB's typed JSON (`{ "S": "..." }`), as resolvers write
 * them into requests, and typed JSON back to plain values, as the data source returns items.
 * Binary values are base64 strings and sets are arrays on the resolver side, as in AppSync.
 */
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

/** Typed JSON as DynamoDB's wire protocol takes it (AppSync accepts a few looser forms). */
export function toWireValue(value: TypedValue): TypedValue {
  if ('NULL' in value) return { NULL: true };
  if ('N' in value) return { N: String(value.N) };
  if ('NS' in value) return { NS: value.NS.map(String) };
  if ('L' in value) return { L: value.L.map(toWireValue) };
  if ('M' in value) return { M: toWireMap(value.M) };
  return value;
}

export function toWireMap(map: Record<string, TypedValue>): Record<string, TypedValue> {
  const wire: Record<string, TypedValue> = {};
  for (const [name, value] of Object.entries(map)) wire[name] = toWireValue(value);
  return wire;
}

/** An attribute as resolvers receive it: numbers as numbers, binaries in base64, sets as lists. */
export function fromWireValue(value: TypedValue): unknown {
  if ('S' in value) return value.S;
  if ('N' in value) return Number(value.N);
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('B' in value) return value.B;
  if ('SS' in value) return value.SS;
  if ('NS' in value) return value.NS.map(Number);
  if ('BS' in value) return value.BS;
  if ('L' in value) return value.L.map(fromWireValue);
  if ('M' in value) return fromWireMap(value.M);
  return null;
}

export function fromWireMap(map: Record<string, TypedValue>): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(map)) plain[name] = fromWireValue(value);
  return plain;
}
