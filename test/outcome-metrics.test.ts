import { Metrics } from '@aws-lambda-powertools/metrics';
import { describe, expect, it } from 'vitest';
import { recordOutcome } from '../ingestion/outcome-metrics.ts';
import { INGESTION_METRICS, INGESTION_SERVICE, METRICS_NAMESPACE } from '../model/metrics.ts';

function metricsAfter(outcomes: Parameters<typeof recordOutcome>[1][]) {
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: INGESTION_SERVICE });
  for (const outcome of outcomes) recordOutcome(metrics, outcome);
  return metrics.serializeMetrics() as unknown as Record<string, unknown>;
}

describe('ingestion metrics', () => {
  it('count processed and failed photos, faces and new people, under the service dimension', () => {
    const emitted = metricsAfter([
      { status: 'DONE', faces: 3, newPeople: 2 },
      { status: 'NO_FACES', faces: 0, newPeople: 0 },
      { status: 'FAILED', reason: 'CORRUPT_IMAGE', faces: 0, newPeople: 0 },
    ]);

    expect(emitted[INGESTION_METRICS.photosProcessed]).toEqual([1, 1, 1]);
    expect(emitted[INGESTION_METRICS.photosFailed]).toEqual([0, 0, 1]);
    expect(emitted[INGESTION_METRICS.faces]).toEqual([3, 0, 0]);
    expect(emitted[INGESTION_METRICS.newPeople]).toEqual([2, 0, 0]);
    expect(emitted.service).toBe(INGESTION_SERVICE);
  });

  it('count nothing for a replayed, superseded or ignored event', () => {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: INGESTION_SERVICE });
    for (const status of ['REPLAYED', 'SUPERSEDED', 'IGNORED'] as const) {
      recordOutcome(metrics, { status, faces: 0, newPeople: 0 });
    }
    expect(metrics.hasStoredMetrics()).toBe(false);
  });
});
