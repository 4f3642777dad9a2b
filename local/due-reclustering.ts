/**
 * Re-clusters the owners that are due whenever the local runner has delivered every event, as
 * the scheduled re-clustering does on AWS, one run at a time.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { reclusterDueOwners } from '../ingestion/recluster-due-owners.ts';
import type { ReclusterDependencies } from '../ingestion/recluster.ts';

export class DueReclustering {
  #running: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: ReclusterDependencies,
    private readonly logger: Logger,
  ) {}

  /** Queues a run after the current one. */
  request(): void {
    this.#running = this.#running.then(() => this.#run());
  }

  /** Resolves when no run is queued or running. */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.#running;
      await current;
    } while (current !== this.#running);
  }

  async #run(): Promise<void> {
    try {
      await reclusterDueOwners(this.deps, { quietMs: 0 });
    } catch (error) {
      // The owner stays due: the next idle moment tries again.
      this.logger.error('Re-clustering failed', { error });
    }
  }
}
