/** What resolvers reach through a data source, and what comes back into `ctx`. */
import type { BatchScheduler } from '../batch-scheduler.ts';

/** `ctx.result`, or `ctx.error` when the data source failed. */
export interface DataSourceOutcome {
  result: unknown;
  error?: { message: string; type: string };
}

/** The resolver step calling a data source. */
export interface DataSourceCall {
  /** Calls of one resolver (or function) in one operation are batched together. */
  batchKey: string;
  maxBatchSize?: number;
  scheduler: BatchScheduler;
}

export interface DataSource {
  invoke(request: unknown, call: DataSourceCall): Promise<DataSourceOutcome>;
}
