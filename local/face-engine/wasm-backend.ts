/** Switches tfjs to its wasm backend, whose binaries ship in `@tensorflow/tfjs-backend-wasm`. */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WasmBackendError } from './errors.ts';

const require = createRequire(import.meta.url);

/** The folder of the `.wasm` files, ending in `/`: without the slash tfjs falls back to `cpu`. */
export function wasmBinariesFolder(): string {
  const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  return `${dirname(wasmFile)}/`;
}

/**
 * Selects the wasm backend and waits for it; throws `WasmBackendError` when tfjs ends up on any
 * other backend. Returns the backend's name.
 */
export async function useWasmBackend(): Promise<string> {
  setWasmPaths(wasmBinariesFolder());
  try {
    await tf.setBackend('wasm');
    await tf.ready();
  } catch (error) {
    throw new WasmBackendError('The tfjs wasm backend failed to start', { cause: error });
  }
  const backend = tf.getBackend();
  if (backend !== 'wasm') {
    throw new WasmBackendError(
      `tfjs runs on the '${backend}' backend instead of 'wasm' (wasm binaries looked up in ` +
        `${wasmBinariesFolder()}); detection would be many times slower`,
    );
  }
  return backend;
}
