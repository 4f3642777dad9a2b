/**
 * How errors travel through the local runtime. Resolver code stops itself with `util.error`,
 * `util.unauthorized` and `runtime.earlyReturn`, which throw the signals below; the runtime
 * turns them into GraphQL errors shaped as AppSync shapes them.
 */

/** An error that reaches the client with AppSync's fields. */
export class AppSyncError extends Error {
  constructor(
    message: string,
    readonly errorType: string | null,
    readonly data: unknown = null,
    readonly errorInfo: unknown = null,
  ) {
    super(message);
    this.name = 'AppSyncError';
  }
}

/** Thrown by `util.error` and `util.unauthorized`: the field fails with this error. */
export class ResolverErrorSignal extends AppSyncError {}

/** Thrown by `runtime.earlyReturn`: the handler stops and `value` is its result. */
export class EarlyReturnSignal {
  constructor(
    readonly value: unknown,
    readonly skipTo: 'END' | 'NEXT' | undefined,
  ) {}
}

/** A request the HTTP endpoint refuses before running any GraphQL, with its status. */
export class RequestRefusedError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'RequestRefusedError';
  }
}

export interface AppendedError {
  message: string;
  errorType: string | null;
  data: unknown;
  errorInfo: unknown;
}
