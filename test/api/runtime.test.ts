import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bundleResolver } from '../../resolvers/bundle.ts';
import { BatchScheduler } from '../../local/appsync/batch-scheduler.ts';
import type {
  DataSource,
  DataSourceOutcome,
} from '../../local/appsync/data-sources/data-source.ts';
import { NoneDataSource } from '../../local/appsync/data-sources/none.ts';
import { AppSyncError } from '../../local/appsync/errors.ts';
import {
  ResolverRunner,
  type CompiledResolver,
  type FieldInvocation,
  type SharedContext,
} from '../../local/appsync/resolver-runner.ts';
import { loadResolverModule } from '../../local/appsync/sandbox.ts';
import { ResolverGlobals } from '../../local/appsync/util/globals.ts';

const globals = new ResolverGlobals();
const runner = new ResolverRunner(globals);
const silent = () => undefined;

function load(fixture: string) {
  const file = fileURLToPath(new URL(`./fixtures/${fixture}.ts`, import.meta.url));
  return loadResolverModule(bundleResolver(file), fixture, globals, silent);
}

/** A NONE data source that counts its requests. */
class CountingDataSource implements DataSource {
  requests: unknown[] = [];
  private readonly none = new NoneDataSource();
  invoke(request: unknown): Promise<DataSourceOutcome> {
    this.requests.push(request);
    return this.none.invoke(request);
  }
}

function field(args: Record<string, unknown>): FieldInvocation {
  return {
    typeName: 'Query',
    fieldName: 'fixture',
    arguments: args,
    source: null,
    shared: JSON.stringify({
      identity: { sub: 'owner-1', username: 'owner-1' },
      request: { headers: {}, domainName: null },
      info: {
        fieldName: 'fixture',
        parentTypeName: 'Query',
        variables: {},
        selectionSetList: [],
        selectionSetGraphQL: '',
      },
      env: {},
    } satisfies SharedContext),
    authType: 'User Pool Authorization',
    scheduler: new BatchScheduler(),
  };
}

describe('a unit resolver', () => {
  const dataSource = new CountingDataSource();
  const resolver: CompiledResolver = {
    coordinate: 'Query.fixture',
    kind: 'UNIT',
    step: { name: 'Query.fixture', module: load('outcomes'), dataSource },
  };
  const run = (mode: string) => runner.resolve(resolver, field({ mode }));

  it('fails its field with util.error’s message, type, data and info', async () => {
    const failure = await run('error').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(AppSyncError);
    expect(failure).toMatchObject({
      message: 'It failed',
      errorType: 'FIXTURE_ERROR',
      data: { detail: 1 },
      errorInfo: { hint: 'none' },
    });
  });

  it('returns its value along with the errors util.appendError added', async () => {
    const outcome = await run('append');

    expect(outcome.value).toBe('the value');
    expect(outcome.appendedErrors).toEqual([
      { message: 'A warning', errorType: 'FIXTURE_WARNING', data: null, errorInfo: null },
    ]);
  });

  it('reports a JavaScript error of its code as AppSync does, with type Code', async () => {
    const failure = (await run('type-error').catch((error: unknown) => error)) as AppSyncError;

    expect(failure.errorType).toBe('Code');
    expect(failure.message).toMatch(/^code\.js:\d+:\d+: TypeError: /);
  });

  it('runs with util and without Node’s globals, promises or timers', async () => {
    const outcome = await run('globals');

    expect(outcome.value).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'object']);
  });

  it('has the util helpers AppSync provides', async () => {
    const { value } = await run('utilities');

    expect(value).toMatchObject({
      map: {
        text: { S: 'a' },
        count: { N: '2' },
        flag: { BOOL: true },
        list: { L: [{ N: '1' }] },
        none: { NULL: true },
      },
      filter: {
        filterGroup: [{ filters: [{ fieldName: 'ownerId', operator: 'eq', value: 'o' }] }],
      },
      now: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      authType: 'User Pool Authorization',
    });
  });

  it('sees the caller’s identity', async () => {
    expect((await run('identity')).value).toEqual({ sub: 'owner-1', username: 'owner-1' });
  });
});

describe('a pipeline resolver', () => {
  const first = new CountingDataSource();
  const second = new CountingDataSource();
  const resolver: CompiledResolver = {
    coordinate: 'Query.fixture',
    kind: 'PIPELINE',
    module: load('pipeline-before'),
    functions: [
      { name: 'one', module: load('pipeline-step-one'), dataSource: first },
      { name: 'two', module: load('pipeline-step-two'), dataSource: second },
    ],
  };

  it('hands each result to the next step and keeps one stash throughout', async () => {
    const { value } = await runner.resolve(resolver, field({}));

    expect(value).toEqual({
      result: 'two-done',
      trail: ['before', 'one:from-before', 'two:one-done'],
    });
  });

  it('goes on to the next function when a function returns early', async () => {
    const requests = first.requests.length;
    const { value } = await runner.resolve(resolver, field({ early: 'next' }));

    expect(value).toEqual({
      result: 'two-done',
      trail: ['before', 'one:from-before', 'two:early-one'],
    });
    expect(first.requests).toHaveLength(requests);
  });

  it('skips to its response when a function returns early to the end', async () => {
    const requests = second.requests.length;
    const { value } = await runner.resolve(resolver, field({ early: 'end' }));

    expect(value).toEqual({ result: 'ended', trail: ['before', 'one:from-before'] });
    expect(second.requests).toHaveLength(requests);
  });

  it('skips every function when its own request returns early', async () => {
    const { value } = await runner.resolve(resolver, field({ skipAll: true }));

    expect(value).toEqual({ result: 'skipped', trail: ['before'] });
  });
});

describe('resolver code', () => {
  it('may import nothing but @aws-appsync/utils', () => {
    expect(() => load('imports-node')).toThrow(/provides no module but @aws-appsync\/utils/);
  });
});
