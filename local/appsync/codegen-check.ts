/**
 * Fails (exit 1) when `generated/` differs from what `codegen.yml` generates now: a schema
 * change was committed without running `npm run codegen`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate, loadCodegenConfig } from '@graphql-codegen/cli';
import { REPOSITORY_ROOT } from '../../resolvers/bundle.ts';

const { config } = await loadCodegenConfig({
  configFilePath: join(REPOSITORY_ROOT, 'codegen.yml'),
});
const outputs: { filename: string; content: string }[] = await generate(
  { ...config, cwd: REPOSITORY_ROOT, silent: true },
  false,
);

const stale = outputs.filter((output) => {
  try {
    return readFileSync(join(REPOSITORY_ROOT, output.filename), 'utf8') !== output.content;
  } catch {
    return true;
  }
});
for (const output of stale) console.error(`${output.filename} is stale: run npm run codegen`);
if (stale.length > 0) process.exit(1);
console.log(`generated/ is fresh (${outputs.length} file${outputs.length === 1 ? '' : 's'})`);
