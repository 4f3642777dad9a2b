/** The messages between the face worker pool (main thread) and a face worker. */
import type { FaceDetectionResult } from './detect-faces.ts';

/** Given to each worker as `workerData`. */
export interface FaceWorkerSettings {
  /** Faces with a shorter side under this many pixels are reported but not described. */
  minFaceSide: number;
}

/** Main thread to worker: detect the faces of this JPEG. */
export interface DetectRequest {
  requestId: number;
  jpeg: Uint8Array;
}

/** Worker to main thread. */
export type FaceWorkerMessage =
  | { type: 'ready' }
  | { type: 'start-failed'; errorName: string; message: string }
  | { type: 'detected'; requestId: number; result: FaceDetectionResult }
  | { type: 'detect-failed'; requestId: number; errorName: string; message: string };
