import type { Context } from '@aws-appsync/utils';
import type { PhotoUpload } from '../generated/graphql.ts';
import { pipelineResult, startPipeline } from './lib/pipeline.ts';

// The presign Lambda makes the URL and the photo's id (presignUpload); the photo is then
// recorded as PENDING (putPendingPhoto).
export function request(): Record<string, never> {
  return startPipeline();
}

export function response(ctx: Context): PhotoUpload {
  return pipelineResult<PhotoUpload>(ctx);
}
