/**
 * The ingestion's CloudWatch metrics, named once: the Lambda emits them (embedded metric format)
 * and the CDK app draws and alarms on them.
 */
export const METRICS_NAMESPACE = 'FaceGroups';
/** Powertools' service name of the ingestion Lambda, also the metrics' `service` dimension. */
export const INGESTION_SERVICE = 'face-groups-ingestion';

export const INGESTION_METRICS = {
  /** Photos that reached a final status: DONE, NO_FACES or FAILED. */
  photosProcessed: 'PhotosProcessed',
  /** Photos that ended FAILED: a bad input, recorded with its reason. */
  photosFailed: 'PhotosFailed',
  /** Faces found in processed photos. */
  faces: 'FacesIndexed',
  /** People created from faces that matched nobody. */
  newPeople: 'PeopleCreated',
} as const;
/** Powertools' service name of the scheduled re-clustering Lambda. */
export const RECLUSTERING_SERVICE = 'face-groups-reclustering';
