/**
 * Re-clusters the owners whose photos changed since their last re-clustering, once the oldest
 * of those changes is old enough. Online grouping decides each face as it arrives, so its people depend on the
 * order photos came in; re-clustering them all at once does not. Run on a schedule on AWS and
 * when the local runner goes idle.
 */
import { reclusterOwner, type ReclusterDependencies, type ReclusterResult } from './recluster.ts';

export interface DueReclusterOptions {
  /** How old the owner's oldest photo not yet re-clustered must be. */
  quietMs: number;
  /** The current time, in milliseconds. @default Date.now() */
  now?: number;
}

export interface OwnerReclustered extends ReclusterResult {
  ownerId: string;
}

export async function reclusterDueOwners(
  deps: ReclusterDependencies,
  options: DueReclusterOptions,
): Promise<OwnerReclustered[]> {
  const now = options.now ?? Date.now();
  const due = await deps.metadataStore.listReclusterDue();
  const results: OwnerReclustered[] = [];
  for (const owner of due) {
    if (Date.parse(owner.dueSince) > now - options.quietMs) continue;
    // Cleared first: a photo grouped while this runs leaves a new note for the next run.
    await deps.metadataStore.clearReclusterDue(owner);
    let result: ReclusterResult;
    try {
      result = await reclusterOwner(owner.ownerId, deps);
    } catch (error) {
      await deps.metadataStore.markReclusterDue(owner.ownerId, owner.dueSince);
      throw error;
    }
    deps.logger.info('Owner re-clustered', { ownerId: owner.ownerId, ...result });
    results.push({ ownerId: owner.ownerId, ...result });
  }
  return results;
}
