import { util, type Context, type LambdaRequest } from '@aws-appsync/utils';
import type { MutationCreatePhotoUploadArgs } from '../../generated/graphql.ts';
import type { PresignedUrl, PresignResult } from '../lambda/presign-protocol.ts';
import { raiseDataSourceError } from '../lib/errors.ts';
import { callerOwnerId } from '../lib/owner.ts';

type UploadContext = Context<MutationCreatePhotoUploadArgs>;

export function request(ctx: UploadContext): LambdaRequest {
  return {
    operation: 'Invoke',
    payload: {
      action: 'putPhoto',
      ownerId: callerOwnerId(ctx),
      name: ctx.args.name,
      contentType: ctx.args.contentType,
    },
  };
}

export function response(ctx: UploadContext): PresignedUrl {
  raiseDataSourceError(ctx);
  const result = ctx.result as PresignResult;
  if (result.error) util.error(result.error.message, result.error.type);
  return result;
}
