/** Failures of the local face engine's machinery (not of a photo), each with a stable name. */

/** tfjs did not switch to the wasm backend, so detection would run many times slower. */
export class WasmBackendError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WasmBackendError';
  }
}

/** A face worker died while it held a request; the request may be retried. */
export class FaceWorkerCrashedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FaceWorkerCrashedError';
  }
}

/** A face worker could not load its backend or models. */
export class FaceWorkerStartError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FaceWorkerStartError';
  }
}

/** The request came after (or was pending at) `close()`. */
export class FaceWorkerPoolClosedError extends Error {
  constructor() {
    super('The face worker pool is closed');
    this.name = 'FaceWorkerPoolClosedError';
  }
}

/** A face worker reported a failure of the detection itself (for example an undecodable JPEG). */
export class FaceDetectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaceDetectionError';
  }
}
