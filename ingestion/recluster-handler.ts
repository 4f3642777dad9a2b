/**
 * The re-clustering Lambda on AWS, run on a schedule: regroups the faces of each owner whose
 * people changed at least `RECLUSTER_QUIET_SECONDS` ago (or who asked for it through the API),
 * with the same adapters as the ingestion. It takes as many owners as its time allows; the
 * others stay due for the next run.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { RECLUSTERING_SERVICE } from '../model/metrics.ts';
import { composeOnAws } from './aws-composition.ts';
import { reclusterDueOwners } from './recluster-due-owners.ts';
import type { ReclusterOptions } from './recluster.ts';
import { readReclusteringSettings } from './reclustering-settings.ts';

/**
 * No owner is started with less time left: its searches (one per face) and writes would
 * likely be cut off by the timeout, and its note is already cleared by then.
 */
export const MIN_TIME_FOR_AN_OWNER_MS = 3 * 60_000;
/** How long an owner waits for a photo being grouped to release the grouping lease. */
const LEASE_WAIT_MS = 60_000;

const { faceEngine, photoStore, metadataStore, publisher, settings, logger } =
  composeOnAws(RECLUSTERING_SERVICE);
const reclustering = readReclusteringSettings();

export interface ReclusteringRun {
  owners: number;
  faces: number;
  movedFaces: number;
  /** True when time ran short and owners were left due for the next run. */
  stoppedEarly: boolean;
}

export async function handler(_event: ScheduledEvent, context: Context): Promise<ReclusteringRun> {
  logger.addContext(context);
  let stoppedEarly = false;
  const canStart = () => {
    stoppedEarly = context.getRemainingTimeInMillis() < MIN_TIME_FOR_AN_OWNER_MS;
    return !stoppedEarly;
  };
  const ownerOptions = (): ReclusterOptions => ({
    searchConcurrency: reclustering.searchConcurrency,
    // Ends with the invocation at the latest: a run cut off by the timeout does not keep the
    // owner's photos from being grouped for longer.
    lease: { ttlMs: context.getRemainingTimeInMillis(), waitMs: LEASE_WAIT_MS },
  });

  const reclustered = await reclusterDueOwners(
    { faceEngine, photoStore, metadataStore, publisher, settings, logger },
    { quietMs: reclustering.quietMs, canStart, ownerOptions },
  );

  const run: ReclusteringRun = {
    owners: reclustered.length,
    faces: reclustered.reduce((sum, owner) => sum + owner.faces, 0),
    movedFaces: reclustered.reduce((sum, owner) => sum + owner.movedFaces, 0),
    stoppedEarly,
  };
  if (stoppedEarly) {
    logger.warn('Time ran short: the owners not re-clustered stay due for the next run', {
      ...run,
    });
  } else {
    logger.info('Re-clustering run done', { ...run });
  }
  return run;
}
