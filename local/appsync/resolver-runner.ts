/**
 * Runs a field's resolver as AppSync does. A unit resolver: `request`, its data source,
 * `response`. A pipeline resolver: its `request` (before), each function's `request`, data
 * source and `response` in turn (`ctx.prev.result` carrying each result to the next), then its
 * `response` (after). The stash lives for the whole field; `runtime.earlyReturn` skips ahead.
 */
import type { BatchScheduler } from './batch-scheduler.ts';
import type { DataSource } from './data-sources/data-source.ts';
import { EarlyReturnSignal, type AppendedError } from './errors.ts';
import type { HandlerName, ResolverModule } from './sandbox.ts';
import type { AuthTypeName, HandlerScope, ResolverGlobals } from './util/globals.ts';
import type { SubscriptionFilter } from './util/transform.ts';

/** An AppSync function, or the single step of a unit resolver. */
export interface CompiledStep {
  name: string;
  module: ResolverModule;
  dataSource: DataSource;
  maxBatchSize?: number;
}

export type CompiledResolver =
  | { coordinate: string; kind: 'UNIT'; step: CompiledStep }
  | { coordinate: string; kind: 'PIPELINE'; module: ResolverModule; functions: CompiledStep[] };

/** What `ctx` holds that is the same for every call of a field in an operation. */
export interface SharedContext {
  identity: unknown;
  request: { headers: Record<string, string>; domainName: string | null };
  info: {
    fieldName: string;
    parentTypeName: string;
    variables: Record<string, unknown>;
    selectionSetList: string[];
    selectionSetGraphQL: string;
  };
  env: Record<string, string>;
}

/** The parts of `ctx` that stay the same through a field's handlers. */
export interface FieldInvocation {
  typeName: string;
  fieldName: string;
  arguments: Record<string, unknown>;
  source: unknown;
  /** `SharedContext` as JSON, one string for all calls of the field in the operation. */
  shared: string;
  authType: AuthTypeName;
  scheduler: BatchScheduler;
}

export interface FieldOutcome {
  value: unknown;
  appendedErrors: AppendedError[];
  /** Set by a subscription resolver through `extensions.setSubscriptionFilter`. */
  subscriptionFilter?: SubscriptionFilter;
}

interface StepOutcome {
  value: unknown;
  /** Set when a handler returned early, with where it asked to go (if it said). */
  early?: { skipTo?: 'END' | 'NEXT' };
}

class FieldRun {
  private stash: Record<string, unknown> = {};
  readonly scope: HandlerScope;

  constructor(
    private readonly globals: ResolverGlobals,
    private readonly field: FieldInvocation,
  ) {
    this.scope = {
      typeName: field.typeName,
      fieldName: field.fieldName,
      authType: field.authType,
      appendedErrors: [],
    };
  }

  private context(extra: Record<string, unknown>): Record<string, unknown> {
    const { field } = this;
    return {
      arguments: field.arguments,
      source: field.source ?? null,
      stash: this.stash,
      prev: {},
      result: null,
      ...extra,
    };
  }

  /** Calls a handler; an early return comes back as the outcome rather than thrown. */
  call(module: ResolverModule, name: HandlerName, extra: Record<string, unknown>): StepOutcome {
    if (!module.has(name)) return { value: name === 'request' ? {} : (extra.result ?? null) };
    try {
      const value = this.globals.run(this.scope, () =>
        module.invoke(
          name,
          this.context(extra),
          this.field.shared,
          (stash) => (this.stash = stash),
        ),
      );
      return { value };
    } catch (error) {
      if (error instanceof EarlyReturnSignal) {
        return { value: error.value, early: { skipTo: error.skipTo } };
      }
      throw error;
    }
  }

  async step(step: CompiledStep, prev: Record<string, unknown>): Promise<StepOutcome> {
    const request = this.call(step.module, 'request', { prev });
    if (request.early) return request;

    const outcome = await step.dataSource.invoke(request.value, {
      batchKey: step.name,
      maxBatchSize: step.maxBatchSize,
      scheduler: this.field.scheduler,
    });
    const response = this.call(step.module, 'response', {
      prev,
      result: outcome.result ?? null,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    return { value: response.value };
  }
}

export class ResolverRunner {
  constructor(private readonly globals: ResolverGlobals) {}

  async resolve(resolver: CompiledResolver, field: FieldInvocation): Promise<FieldOutcome> {
    const run = new FieldRun(this.globals, field);
    const value =
      resolver.kind === 'UNIT'
        ? (await run.step(resolver.step, {})).value
        : await this.pipeline(run, resolver.module, resolver.functions);
    return {
      value,
      appendedErrors: run.scope.appendedErrors,
      subscriptionFilter: run.scope.subscriptionFilter,
    };
  }

  private async pipeline(
    run: FieldRun,
    module: ResolverModule,
    functions: CompiledStep[],
  ): Promise<unknown> {
    const before = run.call(module, 'request', {});
    let result = before.value;
    if (!before.early) {
      for (const step of functions) {
        const outcome = await run.step(step, { result });
        result = outcome.value;
        // A function that returns early hands on to the next one, unless it asks to end.
        if (outcome.early?.skipTo === 'END') break;
      }
    }
    return run.call(module, 'response', { prev: { result }, result }).value;
  }
}
