/**
 * Delivers the raw bucket's object events to the ingestion handler the way Lambda's asynchronous
 * invocation does: one record per event, a bounded number of invocations at a time, two retries
 * with a delay after a failure, then the event goes to the dead letters.
 */
import type { EventEmitter } from 'node:events';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { S3Event, S3EventRecord } from 'aws-lambda';
import { DeadLetters, type DeadLetter } from './dead-letters.ts';
import { localLogger } from './logger.ts';
import {
  decodeNotificationKey,
  toS3EventRecord,
  type NotificationFilter,
  type S3rverEvent,
} from './s3-notification.ts';

/** The ingestion function as the runner calls it: a throw means the invocation failed. */
export type IngestionInvoker = (event: S3Event) => Promise<unknown>;

export interface IngestionRunnerOptions {
  handler: IngestionInvoker;
  /** Which object events reach the handler (bucket, key prefix) and the region to report. */
  filter: NotificationFilter;
  /** Invocations running at a time; match it to the face engine's workers. */
  concurrency: number;
  /**
   * Wait before each retry. Lambda waits about one then two minutes; locally, seconds do.
   * @default [1000, 2000]
   */
  retryDelaysMs?: readonly number[];
  /** JSON Lines file for the dropped events; none keeps them in memory only. */
  deadLetterFile?: string;
  /** Fills in the eTag that s3rver leaves out of copy events. */
  lookUpETag?: (bucket: string, key: string) => Promise<string | undefined>;
  logger?: Logger;
  /** Called each time the last queued, running or retried event is done. */
  onIdle?: () => void;
}

export interface RunnerCounts {
  received: number;
  delivered: number;
  retried: number;
  dropped: number;
  abandoned: number;
  queued: number;
  inFlight: number;
}

interface Delivery {
  record: S3EventRecord;
  /** Invocations made so far. */
  attempts: number;
}

export class IngestionRunner {
  readonly #options: IngestionRunnerOptions;
  readonly #retryDelaysMs: readonly number[];
  readonly #logger: Logger;
  readonly #deadLetters: DeadLetters;
  readonly #queue: Delivery[] = [];
  readonly #retryTimers = new Map<NodeJS.Timeout, Delivery>();
  readonly #inFlight = new Set<Promise<void>>();
  #idleWaiters: (() => void)[] = [];
  #stopped = false;
  #counts = { received: 0, delivered: 0, retried: 0, dropped: 0, abandoned: 0 };

  constructor(options: IngestionRunnerOptions) {
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
      throw new RangeError(`Runner concurrency must be a positive integer`);
    }
    this.#options = options;
    this.#retryDelaysMs = options.retryDelaysMs ?? [1000, 2000];
    this.#logger = options.logger ?? localLogger('runner');
    this.#deadLetters = new DeadLetters(options.deadLetterFile);
  }

  get deadLetters(): readonly DeadLetter[] {
    return this.#deadLetters.entries;
  }

  get counts(): RunnerCounts {
    return { ...this.#counts, queued: this.#queue.length, inFlight: this.#inFlight.size };
  }

  /** Takes the events an s3rver instance emits; returns the function that stops listening. */
  listenTo(s3: EventEmitter): () => void {
    const listener = (event: S3rverEvent) => this.accept(event);
    s3.on('event', listener);
    return () => s3.off('event', listener);
  }

  /** Queues the records S3 would deliver for this s3rver event; returns how many. */
  accept(event: S3rverEvent): number {
    if (this.#stopped) return 0;
    let accepted = 0;
    for (const s3rverRecord of event.Records) {
      const record = toS3EventRecord(s3rverRecord, this.#options.filter);
      if (record === undefined) continue;
      this.#counts.received += 1;
      accepted += 1;
      this.#logger.debug('Object event queued', { ...describe(record) });
      this.#queue.push({ record, attempts: 0 });
    }
    this.#pump();
    return accepted;
  }

  /** Resolves once nothing is queued, running or waiting for a retry. */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Stops taking events, abandons the queued ones and the pending retries (their photos stay
   * as they are until uploaded again), and waits for the running invocations to finish.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    const abandoned = [...this.#queue.splice(0), ...this.#retryTimers.values()];
    for (const timer of this.#retryTimers.keys()) clearTimeout(timer);
    this.#retryTimers.clear();
    this.#counts.abandoned += abandoned.length;
    if (abandoned.length > 0) {
      this.#logger.warn('Runner stopped with events not delivered', {
        abandoned: abandoned.length,
        keys: abandoned.map((delivery) => describe(delivery.record).key),
      });
    }
    await Promise.all(this.#inFlight);
    this.#notifyIfIdle();
  }

  #isIdle(): boolean {
    return this.#queue.length === 0 && this.#inFlight.size === 0 && this.#retryTimers.size === 0;
  }

  #notifyIfIdle(): void {
    if (!this.#isIdle()) return;
    // Before the waiters: what they await next (re-clustering) is already under way.
    if (!this.#stopped) this.#options.onIdle?.();
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #pump(): void {
    while (this.#inFlight.size < this.#options.concurrency && this.#queue.length > 0) {
      const delivery = this.#queue.shift() as Delivery;
      const invocation = this.#invoke(delivery).finally(() => {
        this.#inFlight.delete(invocation);
        this.#pump();
        this.#notifyIfIdle();
      });
      this.#inFlight.add(invocation);
    }
  }

  async #invoke(delivery: Delivery): Promise<void> {
    delivery.attempts += 1;
    const started = performance.now();
    try {
      await this.#completeETag(delivery.record);
      await this.#options.handler({ Records: [delivery.record] });
      this.#counts.delivered += 1;
      this.#logger.debug('Object event delivered', {
        ...describe(delivery.record),
        attempts: delivery.attempts,
        durationMs: Math.round(performance.now() - started),
      });
    } catch (error) {
      this.#fail(delivery, error);
    }
  }

  #fail(delivery: Delivery, error: unknown): void {
    const delay = this.#retryDelaysMs[delivery.attempts - 1];
    if (delay !== undefined && this.#stopped) {
      this.#counts.abandoned += 1;
      this.#logger.warn('Ingestion failed while the runner stops, not retried', {
        ...describe(delivery.record),
        attempts: delivery.attempts,
        error,
      });
      return;
    }
    if (delay !== undefined) {
      this.#counts.retried += 1;
      this.#logger.warn('Ingestion failed, will retry', {
        ...describe(delivery.record),
        attempts: delivery.attempts,
        retryInMs: delay,
        error,
      });
      const timer = setTimeout(() => {
        this.#retryTimers.delete(timer);
        this.#queue.push(delivery);
        this.#pump();
      }, delay);
      this.#retryTimers.set(timer, delivery);
      return;
    }
    this.#counts.dropped += 1;
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    this.#deadLetters.add({
      record: delivery.record,
      attempts: delivery.attempts,
      errorName: name,
      errorMessage: message,
      droppedAt: new Date().toISOString(),
    });
    this.#logger.error('Ingestion failed, event dropped', {
      ...describe(delivery.record),
      attempts: delivery.attempts,
      error,
    });
  }

  async #completeETag(record: S3EventRecord): Promise<void> {
    const { bucket, object } = record.s3;
    if (object.eTag !== '' || this.#options.lookUpETag === undefined) return;
    if (!record.eventName.startsWith('ObjectCreated:')) return;
    const eTag = await this.#options.lookUpETag(bucket.name, decodeNotificationKey(object.key));
    if (eTag !== undefined) object.eTag = eTag;
  }
}

function describe(record: S3EventRecord): { bucket: string; key: string; eventName: string } {
  return {
    bucket: record.s3.bucket.name,
    key: decodeNotificationKey(record.s3.object.key),
    eventName: record.eventName,
  };
}
