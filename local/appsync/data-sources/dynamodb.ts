/**
 * The DynamoDB data source: AppSync's request objects (GetItem, PutItem, UpdateItem, DeleteItem,
 * Query, Scan, BatchGetItem, BatchPutItem, BatchDeleteItem) turned into DynamoDB API calls, and
 * the answers shaped as AppSync hands them to response handlers.
 */
import { AppSyncError } from '../errors.ts';
import { fromWireMap, toWireMap, type TypedValue } from '../util/dynamodb-values.ts';
import type { DataSource, DataSourceCall, DataSourceOutcome } from './data-source.ts';
import { DynamoDbServiceError, type DynamoDbWire } from './dynamodb-wire.ts';

type TypedMap = Record<string, TypedValue>;

interface Expression {
  expression: string;
  expressionNames?: Record<string, string>;
  expressionValues?: TypedMap;
}

interface Condition extends Expression {
  equalsIgnore?: string[];
}

interface Projection {
  expression: string;
  expressionNames?: Record<string, string>;
}

type DynamoDbRequest =
  | { operation: 'GetItem'; key: TypedMap; consistentRead?: boolean; projection?: Projection }
  | { operation: 'PutItem'; key: TypedMap; attributeValues?: TypedMap; condition?: Condition }
  | { operation: 'UpdateItem'; key: TypedMap; update: Expression; condition?: Condition }
  | { operation: 'DeleteItem'; key: TypedMap; condition?: Condition }
  | {
      operation: 'Query' | 'Scan';
      query?: Expression;
      index?: string;
      nextToken?: string;
      limit?: number;
      scanIndexForward?: boolean;
      consistentRead?: boolean;
      select?: 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES';
      filter?: Expression;
      projection?: Projection;
      segment?: number;
      totalSegments?: number;
    }
  | {
      operation: 'BatchGetItem';
      tables: Record<
        string,
        { keys: TypedMap[]; consistentRead?: boolean; projection?: Projection }
      >;
    }
  | { operation: 'BatchPutItem'; tables: Record<string, TypedMap[]> }
  | { operation: 'BatchDeleteItem'; tables: Record<string, TypedMap[]> };

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;

/** A request object AppSync would refuse before calling DynamoDB. */
function invalid(message: string): AppSyncError {
  return new AppSyncError(message, 'MappingTemplate');
}

function merged<T>(...maps: (Record<string, T> | undefined)[]): Record<string, T> | undefined {
  const result = Object.assign({}, ...maps.filter(Boolean)) as Record<string, T>;
  return Object.keys(result).length > 0 ? result : undefined;
}

function typedValues(...maps: (TypedMap | undefined)[]) {
  const values = merged(...maps);
  return values ? toWireMap(values) : undefined;
}

/** AppSync's nextToken is opaque: here, the last key read, in base64url. */
export function encodeNextToken(key: TypedMap | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

function decodeNextToken(token: string | undefined): TypedMap | undefined {
  if (!token) return undefined;
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as TypedMap;
  } catch {
    throw invalid('The nextToken is not one this API returned');
  }
}

function sameItem(a: Record<string, unknown>, b: Record<string, unknown>, ignored: string[]) {
  const names = new Set([...Object.keys(a), ...Object.keys(b)].filter((n) => !ignored.includes(n)));
  return [...names].every((name) => JSON.stringify(a[name]) === JSON.stringify(b[name]));
}

export class DynamoDbDataSource implements DataSource {
  constructor(
    private readonly wire: DynamoDbWire,
    /** The table of the data source; batch operations name theirs. */
    private readonly tableName: string,
    private readonly onRequest: () => void,
  ) {}

  async invoke(request: unknown, call: DataSourceCall): Promise<DataSourceOutcome> {
    const typed = request as DynamoDbRequest;
    if (!typed || typeof typed !== 'object' || typeof typed.operation !== 'string') {
      throw invalid('A DynamoDB request needs an operation');
    }
    try {
      return { result: await call.scheduler.track(() => this.run(typed)) };
    } catch (error) {
      if (!(error instanceof DynamoDbServiceError)) throw error;
      if (error.name === 'ConditionalCheckFailedException') {
        return call.scheduler.track(() => this.conditionFailed(typed, error));
      }
      return { result: null, error: { type: `DynamoDB:${error.name}`, message: error.message } };
    }
  }

  private send<T>(operation: string, input: object): Promise<T> {
    this.onRequest();
    return this.wire.call<T>(operation, input);
  }

  /**
   * As AppSync does, a failed condition is no failure when the item already is as the request
   * would have written it; otherwise `ctx.result` holds the item as it is.
   */
  private async conditionFailed(
    request: DynamoDbRequest,
    error: Error,
  ): Promise<DataSourceOutcome> {
    const key = 'key' in request ? request.key : undefined;
    if (!key) throw error;
    const current = await this.send<{ Item?: TypedMap }>('GetItem', {
      TableName: this.tableName,
      Key: toWireMap(key),
      ConsistentRead: true,
    });
    const item = current.Item ? fromWireMap(current.Item) : null;
    if (item && request.operation === 'PutItem') {
      const desired = fromWireMap(toWireMap({ ...request.attributeValues, ...key }));
      if (sameItem(item, desired, request.condition?.equalsIgnore ?? [])) return { result: item };
    }
    return {
      result: item,
      error: { type: 'DynamoDB:ConditionalCheckFailedException', message: error.message },
    };
  }

  private async run(request: DynamoDbRequest): Promise<unknown> {
    const TableName = this.tableName;
    type ItemOutput = { Item?: TypedMap; Attributes?: TypedMap };
    switch (request.operation) {
      case 'GetItem': {
        const output = await this.send<ItemOutput>('GetItem', {
          TableName,
          Key: toWireMap(request.key),
          ConsistentRead: request.consistentRead,
          ProjectionExpression: request.projection?.expression,
          ExpressionAttributeNames: request.projection?.expressionNames,
        });
        return output.Item ? fromWireMap(output.Item) : null;
      }
      case 'PutItem': {
        const Item = toWireMap({ ...request.attributeValues, ...request.key });
        await this.send('PutItem', {
          TableName,
          Item,
          ConditionExpression: request.condition?.expression,
          ExpressionAttributeNames: request.condition?.expressionNames,
          ExpressionAttributeValues: typedValues(request.condition?.expressionValues),
        });
        return fromWireMap(Item);
      }
      case 'UpdateItem': {
        const output = await this.send<ItemOutput>('UpdateItem', {
          TableName,
          Key: toWireMap(request.key),
          UpdateExpression: request.update.expression,
          ConditionExpression: request.condition?.expression,
          ExpressionAttributeNames: merged(
            request.update.expressionNames,
            request.condition?.expressionNames,
          ),
          ExpressionAttributeValues: typedValues(
            request.update.expressionValues,
            request.condition?.expressionValues,
          ),
          ReturnValues: 'ALL_NEW',
        });
        return output.Attributes ? fromWireMap(output.Attributes) : null;
      }
      case 'DeleteItem': {
        const output = await this.send<ItemOutput>('DeleteItem', {
          TableName,
          Key: toWireMap(request.key),
          ConditionExpression: request.condition?.expression,
          ExpressionAttributeNames: request.condition?.expressionNames,
          ExpressionAttributeValues: typedValues(request.condition?.expressionValues),
          ReturnValues: 'ALL_OLD',
        });
        return output.Attributes ? fromWireMap(output.Attributes) : null;
      }
      case 'Query':
      case 'Scan':
        return this.readMany(request);
      case 'BatchGetItem':
        return this.batchGet(request.tables);
      case 'BatchPutItem':
      case 'BatchDeleteItem':
        return this.batchWrite(request.operation, request.tables);
      default:
        throw invalid(
          `The local runtime does not run DynamoDB ${(request as { operation: string }).operation}`,
        );
    }
  }

  private async readMany(request: Extract<DynamoDbRequest, { operation: 'Query' | 'Scan' }>) {
    if (request.operation === 'Query' && !request.query) throw invalid('A Query needs a query');
    const common = {
      TableName: this.tableName,
      IndexName: request.index,
      Limit: request.limit,
      ConsistentRead: request.consistentRead,
      Select: request.select,
      ExclusiveStartKey: decodeNextToken(request.nextToken),
      FilterExpression: request.filter?.expression,
      ProjectionExpression: request.projection?.expression,
      ExpressionAttributeNames: merged(
        request.query?.expressionNames,
        request.filter?.expressionNames,
        request.projection?.expressionNames,
      ),
      ExpressionAttributeValues: typedValues(
        request.query?.expressionValues,
        request.filter?.expressionValues,
      ),
    };
    const input =
      request.operation === 'Query'
        ? {
            ...common,
            KeyConditionExpression: request.query!.expression,
            ScanIndexForward: request.scanIndexForward,
          }
        : { ...common, Segment: request.segment, TotalSegments: request.totalSegments };
    const output = await this.send<{
      Items?: TypedMap[];
      LastEvaluatedKey?: TypedMap;
      ScannedCount?: number;
    }>(request.operation, input);
    return {
      items: (output.Items ?? []).map(fromWireMap),
      nextToken: encodeNextToken(output.LastEvaluatedKey),
      scannedCount: output.ScannedCount ?? 0,
    };
  }

  /** Items in the order of their keys, `null` where none was found. */
  private async batchGet(
    tables: Extract<DynamoDbRequest, { operation: 'BatchGetItem' }>['tables'],
  ) {
    const keyCount = Object.values(tables).reduce((sum, table) => sum + table.keys.length, 0);
    if (keyCount === 0 || keyCount > BATCH_GET_LIMIT) {
      throw invalid(`A BatchGetItem takes 1 to ${BATCH_GET_LIMIT} keys, not ${keyCount}`);
    }
    const output = await this.send<{
      Responses?: Record<string, TypedMap[]>;
      UnprocessedKeys?: Record<string, { Keys?: TypedMap[] }>;
    }>('BatchGetItem', {
      RequestItems: Object.fromEntries(
        Object.entries(tables).map(([name, table]) => [
          name,
          {
            Keys: table.keys.map(toWireMap),
            ConsistentRead: table.consistentRead,
            ProjectionExpression: table.projection?.expression,
            ExpressionAttributeNames: table.projection?.expressionNames,
          },
        ]),
      ),
    });
    const data: Record<string, unknown[]> = {};
    const unprocessedKeys: Record<string, unknown[]> = {};
    for (const [name, table] of Object.entries(tables)) {
      const found = (output.Responses?.[name] ?? []).map(fromWireMap);
      data[name] = table.keys.map((key) => {
        const wanted = fromWireMap(toWireMap(key));
        return (
          found.find((item) =>
            Object.entries(wanted).every(([field, value]) => item[field] === value),
          ) ?? null
        );
      });
      unprocessedKeys[name] = (output.UnprocessedKeys?.[name]?.Keys ?? []).map(fromWireMap);
    }
    return { data, unprocessedKeys };
  }

  private async batchWrite(
    operation: 'BatchPutItem' | 'BatchDeleteItem',
    tables: Record<string, TypedMap[]>,
  ) {
    const count = Object.values(tables).reduce((sum, items) => sum + items.length, 0);
    if (count === 0 || count > BATCH_WRITE_LIMIT) {
      throw invalid(`A ${operation} takes 1 to ${BATCH_WRITE_LIMIT} items, not ${count}`);
    }
    const put = operation === 'BatchPutItem';
    const output = await this.send<{
      UnprocessedItems?: Record<
        string,
        { PutRequest?: { Item?: TypedMap }; DeleteRequest?: { Key?: TypedMap } }[]
      >;
    }>('BatchWriteItem', {
      RequestItems: Object.fromEntries(
        Object.entries(tables).map(([name, items]) => [
          name,
          items.map((item) =>
            put
              ? { PutRequest: { Item: toWireMap(item) } }
              : { DeleteRequest: { Key: toWireMap(item) } },
          ),
        ]),
      ),
    });
    const data: Record<string, unknown[]> = {};
    const unprocessed: Record<string, unknown[]> = {};
    for (const [name, items] of Object.entries(tables)) {
      data[name] = items.map((item) => fromWireMap(toWireMap(item)));
      unprocessed[name] = (output.UnprocessedItems?.[name] ?? []).map((request) =>
        fromWireMap(request.PutRequest?.Item ?? request.DeleteRequest?.Key ?? {}),
      );
    }
    return put ? { data, unprocessedItems: unprocessed } : { data, unprocessedKeys: unprocessed };
  }
}
