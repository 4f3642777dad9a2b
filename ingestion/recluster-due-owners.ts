/**
 * Re-clusters the owners whose photos changed since their last re-clustering, once the oldest
 * of those changes is old enough. Online grouping decides each face as it arrives, so its people
 * depend on the order photos came in; re-clustering them all at once does not. Run on a schedule
 * on AWS and when the local runner goes idle.
 */
import {
  reclusterOwner,
  type ReclusterDependencies,
  type ReclusterOptions,
  type ReclusterResult,
} from './recluster.ts';

export interface DueReclusterOptions {
  /** How old the owner's oldest photo not yet re-clustered must be. */
  quietMs: number;
  /** The current time, in milliseconds. @default Date.now() */
  now?: number;
  /**
   * Asked before each owner: false leaves that owner and the ones after it due, for the next
   * run (a Lambda stops starting owners when its time runs short).
   * @default always true
   */
  canStart?: () => boolean;
  /**
   * The options of each owner's re-clustering, asked as it starts (a lease can end with the
   * time left).
   * @default the defaults of `reclusterOwner`
   */
  ownerOptions?: () => ReclusterOptions;
}

export interface OwnerReclustered extends ReclusterResult {
  ownerId: string;
}

/** Some owners could not be re-clustered; they stay due, and the others were re-clustered. */
export class ReclusteringFailedError extends AggregateError {
  constructor(
    readonly ownerIds: string[],
    errors: unknown[],
  ) {
    super(errors, `Re-clustering failed for ${ownerIds.length} owner(s): ${ownerIds.join(', ')}`);
    this.name = 'ReclusteringFailedError';
  }
}

export async function reclusterDueOwners(
  deps: ReclusterDependencies,
  options: DueReclusterOptions,
): Promise<OwnerReclustered[]> {
  const store = deps.metadataStore;
  const now = options.now ?? Date.now();
  const due = await store.listReclusterDue();
  const results: OwnerReclustered[] = [];
  const failedOwnerIds: string[] = [];
  const errors: unknown[] = [];
  for (const owner of due) {
    if (Date.parse(owner.dueSince) > now - options.quietMs) continue;
    if (options.canStart && !options.canStart()) break;
    // Cleared first: a photo grouped while this runs leaves a new note for the next run. A note
    // that another run cleared first is that run's to re-cluster.
    if (!(await store.clearReclusterDue(owner))) continue;
    let result: ReclusterResult;
    try {
      result = await reclusterOwner(owner.ownerId, deps, options.ownerOptions?.());
    } catch (error) {
      await store.markReclusterDue(owner.ownerId, owner.dueSince);
      // One owner's failure must not hold back the owners after it.
      deps.logger.error('Re-clustering failed; the owner stays due', {
        ownerId: owner.ownerId,
        error,
      });
      failedOwnerIds.push(owner.ownerId);
      errors.push(error);
      continue;
    }
    deps.logger.info('Owner re-clustered', { ownerId: owner.ownerId, ...result });
    results.push({ ownerId: owner.ownerId, ...result });
  }
  if (errors.length > 0) throw new ReclusteringFailedError(failedOwnerIds, errors);
  return results;
}
