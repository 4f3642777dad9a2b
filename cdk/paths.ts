/** Paths in the repository, whatever the folder the CDK app is run from. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPOSITORY_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** A path relative to the repository root, made absolute. */
export function fromRoot(path: string): string {
  return resolve(REPOSITORY_ROOT, path);
}
