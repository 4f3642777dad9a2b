import { util, type Context, type LambdaRequest } from '@aws-appsync/utils';
import type { PresignRequest, PresignResult } from '../lambda/presign-protocol.ts';
import { raiseDataSourceError } from './errors.ts';

/** One presigned URL, asked of the presign Lambda together with the rest of its batch. */
export function batchPresign(request: PresignRequest): LambdaRequest {
  return { operation: 'BatchInvoke', payload: request };
}

/** The URL the Lambda made for this field, or the field's error. */
export function presignedUrlOf(ctx: Context): string {
  raiseDataSourceError(ctx);
  const result = ctx.result as PresignResult;
  if (result.error) util.error(result.error.message, result.error.type);
  return result.url;
}
