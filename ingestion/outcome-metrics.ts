/** What each processed photo adds to the ingestion's CloudWatch metrics (`model/metrics.ts`). */
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import { INGESTION_METRICS } from '../model/metrics.ts';
import type { PhotoOutcome } from './process-photo.ts';

const FINAL_STATUSES = new Set<PhotoOutcome['status']>(['DONE', 'NO_FACES', 'FAILED']);

/** Counts a photo that reached a final status; replays and superseded attempts count nothing. */
export function recordOutcome(metrics: Metrics, outcome: PhotoOutcome): void {
  if (!FINAL_STATUSES.has(outcome.status)) return;
  metrics.addMetric(INGESTION_METRICS.photosProcessed, MetricUnit.Count, 1);
  metrics.addMetric(
    INGESTION_METRICS.photosFailed,
    MetricUnit.Count,
    outcome.status === 'FAILED' ? 1 : 0,
  );
  metrics.addMetric(INGESTION_METRICS.faces, MetricUnit.Count, outcome.faces);
  metrics.addMetric(INGESTION_METRICS.newPeople, MetricUnit.Count, outcome.newPeople);
}
