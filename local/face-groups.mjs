#!/usr/bin/env node
// The `face-groups` command: TypeScript runs through tsx, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
// Exits even if a library keeps a handle open; stdout and stderr are written synchronously.
process.exit(await main(process.argv.slice(2)));
