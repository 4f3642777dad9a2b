/**
 * Turns a resolver file into the code AppSync's APPSYNC_JS runtime accepts: one ES module with
 * its imports bundled in, except `@aws-appsync/utils`, which the runtime itself provides. The
 * CDK app deploys this string and the local runtime executes the same string.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/** The repository root, against which manifest paths are resolved. */
export const REPOSITORY_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** AppSync refuses resolver and function code larger than this. */
export const APPSYNC_CODE_LIMIT_BYTES = 32 * 1024;

export class ResolverBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResolverBundleError';
  }
}

/** Bundles `file` (a path relative to the repository root, or absolute) for APPSYNC_JS. */
export function bundleResolver(file: string): string {
  const entry = isAbsolute(file) ? file : resolve(REPOSITORY_ROOT, file);
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'esnext',
    platform: 'node',
    external: ['@aws-appsync/utils', '@aws-appsync/utils/*'],
    // Line numbers in AppSync's error messages then point back to the TypeScript source.
    sourcemap: 'inline',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  for (const output of Object.values(result.metafile.outputs)) {
    const foreign = output.imports.find((i) => !i.path.startsWith('@aws-appsync/utils'));
    if (foreign) {
      throw new ResolverBundleError(
        `${file} imports ${foreign.path}: APPSYNC_JS provides no module but @aws-appsync/utils`,
      );
    }
  }
  const code = result.outputFiles[0]?.text ?? '';
  const size = Buffer.byteLength(code);
  if (size > APPSYNC_CODE_LIMIT_BYTES) {
    throw new ResolverBundleError(
      `${file} bundles to ${size} bytes; AppSync accepts at most ${APPSYNC_CODE_LIMIT_BYTES}`,
    );
  }
  return code;
}
