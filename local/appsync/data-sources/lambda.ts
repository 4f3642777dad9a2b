/**
 * The Lambda data source, calling the function's handler in this process. `Invoke` calls it once
 * per field; `BatchInvoke` gathers the fields of an operation (see `BatchScheduler`) and calls it
 * with the array of their payloads, expecting an array of results in the same order. Events
 * and results cross as JSON, as they cross the wire on AWS.
 */
import { randomUUID } from 'node:crypto';
import type { Context as LambdaContext } from 'aws-lambda';
import { AppSyncError } from '../errors.ts';
import type { DataSource, DataSourceCall, DataSourceOutcome } from './data-source.ts';

export type LambdaHandler = (event: never, context: LambdaContext) => Promise<unknown>;

interface LambdaRequest {
  operation?: 'Invoke' | 'BatchInvoke';
  invocationType?: 'RequestResponse' | 'Event';
  payload?: unknown;
}

function json<T>(value: T): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T);
}

function contextFor(functionName: string): LambdaContext {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export class LambdaDataSource implements DataSource {
  constructor(
    private readonly functionName: string,
    private readonly handler: LambdaHandler,
    private readonly onInvocation: () => void,
  ) {}

  async invoke(request: unknown, call: DataSourceCall): Promise<DataSourceOutcome> {
    const { operation, invocationType, payload } = (request ?? {}) as LambdaRequest;
    if (operation === 'BatchInvoke') {
      return call.scheduler.enqueue(call.batchKey, call.maxBatchSize ?? 1, payload ?? null, (p) =>
        this.invokeBatch(p),
      );
    }
    if (operation !== 'Invoke') {
      throw new AppSyncError(
        'A Lambda request needs operation Invoke or BatchInvoke',
        'MappingTemplate',
      );
    }
    if (invocationType === 'Event') {
      void this.call(payload ?? null);
      return { result: null };
    }
    return call.scheduler.track(() => this.call(payload ?? null));
  }

  private async call(event: unknown): Promise<DataSourceOutcome> {
    this.onInvocation();
    try {
      const result = await this.handler(json(event) as never, contextFor(this.functionName));
      return { result: json(result) };
    } catch (error) {
      return {
        result: null,
        error: { type: 'Lambda:Unhandled', message: (error as Error).message },
      };
    }
  }

  private async invokeBatch(payloads: unknown[]): Promise<DataSourceOutcome[]> {
    const outcome = await this.call(payloads);
    if (outcome.error) return payloads.map(() => outcome);
    const results = outcome.result;
    if (!Array.isArray(results) || results.length !== payloads.length) {
      const error = {
        type: 'Lambda:Unhandled',
        message:
          `${this.functionName} answered a batch of ${payloads.length} ` +
          'with something else than as many results',
      };
      return payloads.map(() => ({ result: null, error }));
    }
    return results.map((result: unknown) => ({ result }));
  }
}
