import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromRoot } from '../../cdk/paths.ts';
import { ESM_REQUIRE_BANNER } from '../../cdk/product-function.ts';

// Inside the repository, so that the bundle finds sharp in node_modules as Lambda finds it in
// the asset's own node_modules.
const parent = fromRoot('cdk.out');

/** The Lambda entries that run the pipeline's code with sharp installed beside them. */
const ENTRIES = [
  { name: 'ingestion', entry: 'ingestion/handler.ts' },
  { name: 're-clustering', entry: 'ingestion/recluster-handler.ts' },
];

describe.each(ENTRIES)('the $name Lambda bundle', ({ entry }) => {
  let outdir: string;
  let metafile: Metafile;

  beforeAll(async () => {
    mkdirSync(parent, { recursive: true });
    outdir = mkdtempSync(join(parent, 'lambda-bundle-'));
    // The options NodejsFunction passes to esbuild for the product's functions.
    const result = await build({
      entryPoints: [fromRoot(entry)],
      outfile: join(outdir, 'index.mjs'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: { js: ESM_REQUIRE_BANNER },
      external: ['sharp'],
      minify: true,
      metafile: true,
      logLevel: 'silent',
    });
    metafile = result.metafile;
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  function inputsUnder(prefix: string): string[] {
    return Object.keys(metafile.inputs).filter((input) => input.startsWith(prefix));
  }

  it('leaves out the local face model and its TensorFlow.js runtime', () => {
    const inputs = Object.keys(metafile.inputs);
    expect(inputs.some((input) => input.includes(entry))).toBe(true);
    const offline = inputs.filter((input) =>
      /@vladmandic\/face-api|@tensorflow\/|(^|\/)local\//.test(input),
    );
    expect(offline).toEqual([]);
  });

  it('imports sharp from node_modules, where the asset installs it for Linux arm64', () => {
    const output = Object.values(metafile.outputs)[0]!;
    const external = output.imports.filter((imported) => imported.external);
    expect(external.map((imported) => imported.path)).toContain('sharp');
    expect(inputsUnder('node_modules/sharp/')).toEqual([]);
  });

  it('loads as an ES module and exports the handler', () => {
    const settings = {
      PHOTOS_TABLE: 'photos',
      PEOPLE_TABLE: 'people',
      APPEARANCES_TABLE: 'appearances',
      LEASES_TABLE: 'leases',
      PROCESSED_BUCKET: 'processed',
      GRAPHQL_ENDPOINT: 'https://example.appsync-api.us-east-1.amazonaws.com/graphql',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    };
    const script = `import('./${relative(outdir, join(outdir, 'index.mjs'))}')
        .then((module) => process.stdout.write(typeof module.handler));`;
    const loaded = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: outdir,
      env: { PATH: process.env.PATH, ...settings },
      encoding: 'utf8',
    });
    expect(loaded).toBe('function');
  });
});
