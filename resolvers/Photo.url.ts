import type { LambdaRequest } from '@aws-appsync/utils';
import type { PhotoUrlArgs } from '../generated/graphql.ts';
import type { PhotoRecord } from '../model/domain.ts';
import type { FieldContext } from './lib/context.ts';
import { callerOwnerId } from './lib/owner.ts';
import { batchPresign, presignedUrlOf } from './lib/presigned-urls.ts';

type PhotoContext = FieldContext<PhotoUrlArgs, PhotoRecord>;

export function request(ctx: PhotoContext): LambdaRequest {
  return batchPresign({
    action: 'getPhoto',
    ownerId: callerOwnerId(ctx),
    key: ctx.source.key,
    expiresInSeconds: ctx.args.expiresInSeconds,
  });
}

export function response(ctx: PhotoContext): string {
  return presignedUrlOf(ctx);
}
