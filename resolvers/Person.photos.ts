import type { Context } from '@aws-appsync/utils';
import type { PhotoRecord } from '../model/domain.ts';
import type { Page } from './lib/pages.ts';
import { pipelineResult, startPipeline } from './lib/pipeline.ts';

// Two requests per page whatever its size: the person's appearances (queryPersonAppearances),
// then their photos in one BatchGetItem (getPhotosOfAppearances).
export function request(): Record<string, never> {
  return startPipeline();
}

export function response(ctx: Context): Page<PhotoRecord> {
  return pipelineResult<Page<PhotoRecord>>(ctx);
}
