/** The three networks the engine runs, loaded from the weights shipped in `@vladmandic/face-api`. */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js';

const require = createRequire(import.meta.url);

export function faceModelsFolder(): string {
  const packageFile = require.resolve('@vladmandic/face-api/package.json');
  return join(dirname(packageFile), 'model');
}

/** Loads the detector, the 68-point landmark net and the 128-d recognition net, once per thread. */
export async function loadFaceModels(): Promise<void> {
  const folder = faceModelsFolder();
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(folder);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(folder);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(folder);
}
