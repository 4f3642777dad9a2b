import { util, type Context, type DynamoDBPutItemRequest } from '@aws-appsync/utils';
import type { MutationCreatePhotoUploadArgs, PhotoUpload } from '../../generated/graphql.ts';
import { statusCreatedAt } from '../../model/domain.ts';
import type { PresignedUrl } from '../lambda/presign-protocol.ts';
import { callerOwnerId } from '../lib/owner.ts';

type UploadContext = Context<MutationCreatePhotoUploadArgs, { upload: PresignedUrl }>;

// A photo uploaded again keeps its record: the ingestion sees the new object and redoes it.
export function request(ctx: UploadContext): DynamoDBPutItemRequest {
  const upload = ctx.prev.result as PresignedUrl;
  ctx.stash.upload = upload;
  const now = util.time.nowISO8601();
  return {
    operation: 'PutItem',
    key: util.dynamodb.toMapValues({ ownerId: callerOwnerId(ctx), photoId: upload.photoId }),
    attributeValues: util.dynamodb.toMapValues({
      bucket: upload.bucket,
      key: upload.key,
      status: 'PENDING',
      statusCreatedAt: statusCreatedAt('PENDING', now),
      createdAt: now,
      updatedAt: now,
    }),
    condition: { expression: 'attribute_not_exists(photoId)' },
  };
}

export function response(ctx: UploadContext): PhotoUpload {
  if (ctx.error && ctx.error.type !== 'DynamoDB:ConditionalCheckFailedException') {
    util.error(ctx.error.message, ctx.error.type);
  }
  const upload = ctx.stash.upload;
  return {
    photoId: upload.photoId ?? '',
    key: upload.key,
    url: upload.url,
    contentType: ctx.args.contentType ?? null,
    expiresAt: upload.expiresAt,
  };
}
