import type { Context } from '@aws-appsync/utils';

/** A pipeline resolver's `request`: the functions do the work. */
export function startPipeline(): Record<string, never> {
  return {};
}

/** A pipeline resolver's `response`: what its last function returned. */
export function pipelineResult<T>(ctx: Context): T {
  return ctx.prev.result as T;
}
