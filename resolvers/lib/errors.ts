import { util, type Context } from '@aws-appsync/utils';
import type { ErrorCode } from '../../model/errors.ts';

/** Ends the field with one of the product's error codes as its GraphQL `errorType`. */
export function fail(code: ErrorCode, message: string): never {
  util.error(message, code);
}

/** Passes a data source's error on to the client unchanged. */
export function raiseDataSourceError(ctx: Context): void {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
}
