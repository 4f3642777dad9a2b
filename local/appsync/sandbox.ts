/**
 * Runs bundled resolver code in a context of its own (node:vm), with nothing of Node in reach:
 * the only module is `@aws-appsync/utils`, and the JavaScript features APPSYNC_JS lacks
 * (promises, eval, WebAssembly, shared memory) are removed. Every call receives its context
 * as JSON and returns JSON, as AppSync serializes what crosses between handlers.
 *
 * node:vm is not a security boundary: it keeps resolver code honest, not hostile code out.
 */
import vm from 'node:vm';
import { transformSync } from 'esbuild';
import { AppSyncError, EarlyReturnSignal } from './errors.ts';
import type { ResolverGlobals } from './util/globals.ts';

export type HandlerName = 'request' | 'response';

const IMPORT = '__appsyncImport';

export interface ResolverModule {
  file: string;
  has(name: HandlerName): boolean;
  /**
   * Calls a handler and returns its value; `stash` receives the stash as the handler left it.
   * `context` holds what changes between handlers; `shared` is the JSON of what does not
   * (the same string for every call of a field). Throws what the handler throws: a signal, or
   * an `AppSyncError` of type `Code`.
   */
  invoke(
    name: HandlerName,
    context: Record<string, unknown>,
    shared: string,
    stash: (stash: Record<string, unknown>) => void,
  ): unknown;
}

const REMOVED_GLOBALS = [
  'Promise',
  'WebAssembly',
  'SharedArrayBuffer',
  'Atomics',
  'WeakRef',
  'FinalizationRegistry',
  'eval',
];

// The parts of `ctx` shared by every handler of a field (identity, request, info, env) are
// parsed once per field and frozen, since a page of photos calls the same field hundreds of
// times. The stash is handed back even when the handler throws: an early return keeps it.
const INVOKER = `(function (handlers) {
  const sharedParts = new Map();
  function deepFreeze(value) {
    if (value !== null && typeof value === 'object') {
      Object.freeze(value);
      for (const key of Object.keys(value)) deepFreeze(value[key]);
    }
    return value;
  }
  function shared(json) {
    let parts = sharedParts.get(json);
    if (parts === undefined) {
      if (sharedParts.size >= 64) sharedParts.clear();
      parts = deepFreeze(JSON.parse(json));
      sharedParts.set(json, parts);
    }
    return parts;
  }
  return function invoke(name, contextJson, sharedJson, keepStash) {
    const ctx = Object.assign(JSON.parse(contextJson), shared(sharedJson));
    ctx.args = ctx.arguments;
    try {
      const value = handlers[name](ctx);
      return JSON.stringify(value === undefined ? null : value);
    } finally {
      keepStash(JSON.stringify(ctx.stash === undefined ? {} : ctx.stash));
    }
  };
})`;

export interface SandboxLog {
  (file: string, level: string, values: unknown[]): void;
}

/** A JavaScript error of resolver code, reported as AppSync reports it (`errorType: Code`). */
function codeError(error: unknown): AppSyncError {
  const { name, message, stack } = (error ?? {}) as {
    name?: string;
    message?: string;
    stack?: string;
  };
  const at = /code\.js:(\d+):(\d+)/.exec(stack ?? '');
  const where = at ? `code.js:${at[1]}:${at[2]}: ` : '';
  return new AppSyncError(`${where}${name ?? 'Error'}: ${message ?? String(error)}`, 'Code');
}

/** Signals pass through; anything else the code threw is a code error. */
function rethrown(error: unknown): unknown {
  return error instanceof AppSyncError || error instanceof EarlyReturnSignal
    ? error
    : codeError(error);
}

export function loadResolverModule(
  code: string,
  file: string,
  globals: ResolverGlobals,
  log: SandboxLog,
): ResolverModule {
  // The imports become calls of a loader that is no `require`: resolver code has no such name.
  const commonJs = transformSync(code, {
    format: 'cjs',
    loader: 'js',
    target: 'es2022',
  }).code.replace(
    /\brequire\((["'])([^"']+)\1\)/g,
    (_call, _quote, id: string) => `${IMPORT}(${JSON.stringify(id)})`,
  );
  const utils = { util: globals.util, runtime: globals.runtime, extensions: globals.extensions };
  const console = Object.fromEntries(
    ['log', 'info', 'warn', 'error', 'debug'].map((level) => [
      level,
      (...values: unknown[]) => log(file, level, values),
    ]),
  );
  const context = vm.createContext(
    { ...utils, console },
    { name: file, codeGeneration: { strings: false, wasm: false } },
  );
  vm.runInContext(
    `for (const name of ${JSON.stringify(REMOVED_GLOBALS)}) delete globalThis[name];`,
    context,
  );

  const importModule = (id: string) => {
    if (id === '@aws-appsync/utils') return utils;
    throw new Error(`${file} imports ${id}: the local runtime provides @aws-appsync/utils only`);
  };
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = new vm.Script(`(function (exports, ${IMPORT}, module) {${commonJs}\n})`, {
    filename: 'code.js',
  }).runInContext(context) as (e: unknown, r: unknown, m: unknown) => void;
  try {
    wrapper(module.exports, importModule, module);
  } catch (error) {
    throw rethrown(error);
  }
  const handlers = module.exports;
  type Invoke = (
    name: string,
    contextJson: string,
    sharedJson: string,
    keepStash: (json: string) => void,
  ) => string;
  const invoke = (vm.runInContext(INVOKER, context) as (handlers: unknown) => Invoke)(handlers);

  return {
    file,
    has: (name) => typeof handlers[name] === 'function',
    invoke(name, ctx, shared, stash) {
      let json: string;
      try {
        json = invoke(name, JSON.stringify(ctx), shared, (kept) => stash(JSON.parse(kept)));
      } catch (error) {
        throw rethrown(error);
      }
      return JSON.parse(json) as unknown;
    },
  };
}
