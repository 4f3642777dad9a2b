// The entry of a face worker thread. A worker does not inherit the TypeScript support of the
// thread that starts it (vitest's transform in particular), so it registers tsx's loader itself.
import { register } from 'tsx/esm/api';

register();
await import('./face-worker.ts');
