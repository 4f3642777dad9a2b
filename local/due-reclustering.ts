/**
 * Re-clusters the owners that are due, one run at a time: whenever the local runner has
 * delivered every event, and every few seconds as the scheduled re-clustering does on AWS (which
 * also takes the owners who asked through the API).
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { reclusterDueOwners } from '../ingestion/recluster-due-owners.ts';
import type { ReclusterDependencies } from '../ingestion/recluster.ts';

export interface PeriodicReclustering {
  /** Time between two runs. */
  intervalMs: number;
  /** How long an owner's people must have stayed unchanged (see `DueReclusterOptions`). */
  quietMs: number;
}

export class DueReclustering {
  #running: Promise<void> = Promise.resolve();
  /** The quiet period of the run queued but not started yet, if there is one. */
  #queuedQuietMs: number | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: ReclusterDependencies,
    private readonly logger: Logger,
  ) {}

  /**
   * Queues a run after the current one; a run already queued takes this request along.
   * @param quietMs how long an owner's people must have stayed unchanged; 0 takes every owner due
   */
  request(quietMs = 0): void {
    if (this.#queuedQuietMs !== undefined) {
      this.#queuedQuietMs = Math.min(this.#queuedQuietMs, quietMs);
      return;
    }
    this.#queuedQuietMs = quietMs;
    this.#running = this.#running.then(() => {
      const queued = this.#queuedQuietMs ?? 0;
      this.#queuedQuietMs = undefined;
      return this.#run(queued);
    });
  }

  /** Requests a run at every interval until `stop()`. */
  startPeriodic({ intervalMs, quietMs }: PeriodicReclustering): void {
    this.stop();
    this.#timer = setInterval(() => this.request(quietMs), intervalMs);
    // The stack's own servers keep the process alive, not this timer.
    this.#timer.unref();
  }

  /** Stops the periodic runs; a run under way goes on (see `settled()`). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves when no run is queued or running. */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.#running;
      await current;
    } while (current !== this.#running);
  }

  async #run(quietMs: number): Promise<void> {
    try {
      await reclusterDueOwners(this.deps, { quietMs });
    } catch (error) {
      // The owner stays due: the next idle moment or period tries again.
      this.logger.error('Re-clustering failed', { error });
    }
  }
}
