/**
 * A pool of face worker threads. Requests wait in one queue and go to an idle worker, so a worker
 * never holds more than one; a worker that dies fails the request it held and is replaced.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FaceDetectionResult } from './detect-faces.ts';
import {
  FaceDetectionError,
  FaceWorkerCrashedError,
  FaceWorkerPoolClosedError,
  FaceWorkerStartError,
} from './errors.ts';
import type { FaceWorkerMessage, FaceWorkerSettings } from './worker-protocol.ts';

export interface FaceWorkerPoolOptions {
  /** @default os.availableParallelism(): the wasm backend uses one core a thread. */
  size?: number;
  settings: FaceWorkerSettings;
  /** Starts one worker; tests give a stand-in that speaks the same protocol. */
  spawn?: (settings: FaceWorkerSettings) => Worker;
}

interface Job {
  requestId: number;
  jpeg: Uint8Array;
  resolve: (result: FaceDetectionResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  /** The last uncaught error of the thread, reported as the cause of its crash. */
  lastError?: Error;
}

const FACE_WORKER_ENTRY = new URL('./face-worker.mjs', import.meta.url);

function spawnFaceWorker(settings: FaceWorkerSettings): Worker {
  return new Worker(FACE_WORKER_ENTRY, { workerData: settings });
}

export class FaceWorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private readonly spawn: (settings: FaceWorkerSettings) => Worker;
  private readonly settings: FaceWorkerSettings;
  private nextRequestId = 1;
  private closed = false;
  private startFailure?: Error;

  private constructor(options: FaceWorkerPoolOptions) {
    this.spawn = options.spawn ?? spawnFaceWorker;
    this.settings = options.settings;
  }

  /** Starts the workers and waits until each has loaded its models. */
  static async start(options: FaceWorkerPoolOptions): Promise<FaceWorkerPool> {
    const size = options.size ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`A face worker pool needs at least one worker, not ${size}`);
    }
    const pool = new FaceWorkerPool(options);
    const starts = Array.from({ length: size }, () => pool.addWorker());
    const outcomes = await Promise.allSettled(starts);
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) {
      await pool.close();
      throw failure.reason;
    }
    return pool;
  }

  get size(): number {
    return this.slots.size;
  }

  /** Detects the faces of a JPEG in the first worker that is free. */
  detect(jpeg: Uint8Array): Promise<FaceDetectionResult> {
    if (this.closed) return Promise.reject(new FaceWorkerPoolClosedError());
    if (this.slots.size === 0 && this.startFailure) return Promise.reject(this.startFailure);
    return new Promise((resolve, reject) => {
      this.queue.push({ requestId: this.nextRequestId++, jpeg, resolve, reject });
      this.dispatch();
    });
  }

  /** Stops every worker; pending requests fail with `FaceWorkerPoolClosedError`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new FaceWorkerPoolClosedError());
    const slots = [...this.slots];
    this.slots.clear();
    for (const slot of slots) slot.job?.reject(new FaceWorkerPoolClosedError());
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  private addWorker(): Promise<void> {
    const slot: Slot = { worker: this.spawn(this.settings), ready: false };
    this.slots.add(slot);
    return new Promise<void>((resolve, reject) => {
      slot.worker.on('message', (message: FaceWorkerMessage) => {
        switch (message.type) {
          case 'ready':
            slot.ready = true;
            slot.worker.unref();
            resolve();
            this.dispatch();
            return;
          case 'start-failed':
            reject(this.startFailed(slot, `${message.errorName}: ${message.message}`));
            return;
          case 'detected':
            this.finish(slot, message.requestId)?.resolve(message.result);
            return;
          case 'detect-failed':
            this.finish(slot, message.requestId)?.reject(
              new FaceDetectionError(`${message.errorName}: ${message.message}`),
            );
        }
      });
      slot.worker.on('error', (error) => {
        slot.lastError = error;
      });
      slot.worker.on('exit', (exitCode) => {
        if (!this.slots.has(slot)) return;
        if (!slot.ready) {
          reject(this.startFailed(slot, `it stopped with exit code ${exitCode}`, slot.lastError));
          return;
        }
        this.replace(slot, exitCode);
      });
    });
  }

  private startFailed(slot: Slot, reason: string, cause?: Error): FaceWorkerStartError {
    const error = new FaceWorkerStartError(`A face worker failed to start: ${reason}`, { cause });
    this.slots.delete(slot);
    void slot.worker.terminate();
    this.startFailure = error;
    if (this.slots.size === 0) {
      for (const job of this.queue.splice(0)) job.reject(error);
    }
    return error;
  }

  private replace(slot: Slot, exitCode: number): void {
    this.slots.delete(slot);
    slot.job?.reject(
      new FaceWorkerCrashedError(
        `The face worker stopped (exit code ${exitCode}) while detecting faces`,
        { cause: slot.lastError },
      ),
    );
    if (this.closed) return;
    // A replacement that cannot start leaves the pool smaller; startFailed tells waiting requests.
    this.addWorker().catch(() => undefined);
  }

  private finish(slot: Slot, requestId: number): Job | undefined {
    const job = slot.job;
    if (job?.requestId !== requestId) return undefined;
    slot.job = undefined;
    slot.worker.unref();
    this.dispatch();
    return job;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      const job = slot.ready && !slot.job ? this.queue.shift() : undefined;
      if (!job) continue;
      slot.job = job;
      // A busy worker keeps the process alive; an idle one must not stop it from exiting.
      slot.worker.ref();
      slot.worker.postMessage({ requestId: job.requestId, jpeg: job.jpeg });
    }
  }
}
