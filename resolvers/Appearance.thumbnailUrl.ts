import type { LambdaRequest } from '@aws-appsync/utils';
import type { AppearanceThumbnailUrlArgs } from '../generated/graphql.ts';
import type { AppearanceRecord } from '../model/domain.ts';
import type { FieldContext } from './lib/context.ts';
import { batchPresign, presignedUrlOf } from './lib/presigned-urls.ts';

type AppearanceContext = FieldContext<AppearanceThumbnailUrlArgs, AppearanceRecord>;

export function request(ctx: AppearanceContext): LambdaRequest {
  return batchPresign({
    action: 'getThumbnail',
    key: ctx.source.thumbnailKey,
    expiresInSeconds: ctx.args.expiresInSeconds,
  });
}

export function response(ctx: AppearanceContext): string {
  return presignedUrlOf(ctx);
}
