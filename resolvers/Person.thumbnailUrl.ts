import type { LambdaRequest } from '@aws-appsync/utils';
import type { PersonThumbnailUrlArgs } from '../generated/graphql.ts';
import type { PersonRecord } from '../model/domain.ts';
import type { FieldContext } from './lib/context.ts';
import { batchPresign, presignedUrlOf } from './lib/presigned-urls.ts';

type PersonContext = FieldContext<PersonThumbnailUrlArgs, PersonRecord>;

export function request(ctx: PersonContext): LambdaRequest {
  return batchPresign({
    action: 'getThumbnail',
    key: ctx.source.coverThumbnailKey,
    expiresInSeconds: ctx.args.expiresInSeconds,
  });
}

export function response(ctx: PersonContext): string {
  return presignedUrlOf(ctx);
}
