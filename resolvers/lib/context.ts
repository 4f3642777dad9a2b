import type { Context } from '@aws-appsync/utils';

/** The context of a field of an object type: its parent object is always there. */
export type FieldContext<
  TArgs,
  TSource extends Record<string, unknown> | unknown,
  TStash extends Record<string, unknown> = Record<string, unknown>,
> = Context<
  TArgs,
  TStash,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  any,
  TSource & Record<string, unknown>
> & { source: TSource };
