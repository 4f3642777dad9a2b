/**
 * A face worker: a thread that loads the models once, then detects the faces of the JPEGs the
 * pool sends, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { detectFaces } from './detect-faces.ts';
import { loadFaceModels } from './face-models.ts';
import { useWasmBackend } from './wasm-backend.ts';
import type { DetectRequest, FaceWorkerMessage, FaceWorkerSettings } from './worker-protocol.ts';

function describeError(error: unknown): { errorName: string; message: string } {
  return error instanceof Error
    ? { errorName: error.name, message: error.message }
    : { errorName: 'Error', message: String(error) };
}

async function serve(port: NonNullable<typeof parentPort>, settings: FaceWorkerSettings) {
  const post = (message: FaceWorkerMessage) => port.postMessage(message);

  try {
    await useWasmBackend();
    await loadFaceModels();
  } catch (error) {
    post({ type: 'start-failed', ...describeError(error) });
    return;
  }

  port.on('message', async ({ requestId, jpeg }: DetectRequest) => {
    try {
      const result = await detectFaces(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength), {
        minFaceSide: settings.minFaceSide,
      });
      post({ type: 'detected', requestId, result });
    } catch (error) {
      post({ type: 'detect-failed', requestId, ...describeError(error) });
    }
  });
  post({ type: 'ready' });
}

if (!parentPort) throw new Error('face-worker.ts runs only as a worker thread');
await serve(parentPort, workerData as FaceWorkerSettings);
