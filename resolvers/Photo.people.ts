import type { Context } from '@aws-appsync/utils';
import type { PersonRecord } from '../model/domain.ts';
import { pipelineResult, startPipeline } from './lib/pipeline.ts';

// Two requests per photo: its appearances (queryPhotoAppearances), then their people in one
// BatchGetItem (getPeopleOfAppearances).
export function request(): Record<string, never> {
  return startPipeline();
}

export function response(ctx: Context): PersonRecord[] {
  return pipelineResult<PersonRecord[]>(ctx);
}
