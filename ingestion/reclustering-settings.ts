/** The scheduled re-clustering's settings, read once from the environment. */

export interface ReclusteringSettings {
  /**
   * How long an owner's people must have stayed unchanged before they are re-clustered, so that
   * an upload in progress is regrouped once, at its end (`RECLUSTER_QUIET_SECONDS`, 300).
   */
  quietMs: number;
  /**
   * Face searches running at a time within one owner (`RECLUSTER_SEARCH_CONCURRENCY`, 2): they
   * share the account's Rekognition quota with the ingestion.
   */
  searchConcurrency: number;
}

function nonNegativeNumberOr(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new RangeError(`${name} must be a number of at least 0, not ${value}`);
  }
  return parsed;
}

export function readReclusteringSettings(
  env: NodeJS.ProcessEnv = process.env,
): ReclusteringSettings {
  const searchConcurrency = nonNegativeNumberOr(env, 'RECLUSTER_SEARCH_CONCURRENCY', 2);
  if (!Number.isInteger(searchConcurrency) || searchConcurrency < 1) {
    throw new RangeError(`RECLUSTER_SEARCH_CONCURRENCY must be a whole number of at least 1`);
  }
  return {
    quietMs: nonNegativeNumberOr(env, 'RECLUSTER_QUIET_SECONDS', 300) * 1000,
    searchConcurrency,
  };
}
