/**
 * Turns s3rver's object events into the records real S3 sends to a Lambda function: s3rver fires
 * for every bucket and key, leaves the key as is and says event version 2.0, while S3 filters by
 * the notification's bucket, event type and prefix, and URL-encodes the key.
 */
import { randomBytes } from 'node:crypto';
import type { S3EventRecord } from 'aws-lambda';

/** The part of an s3rver event record the runner reads. */
export interface S3rverRecord {
  eventName: string;
  eventTime?: string;
  requestParameters?: { sourceIPAddress?: string };
  s3: {
    bucket: { name: string };
    object: { key: string; size?: number; eTag?: string };
  };
}

/** What s3rver emits as `event`. */
export interface S3rverEvent {
  Records: S3rverRecord[];
}

/** Which events reach the function, as a bucket notification configuration would say. */
export interface NotificationFilter {
  bucket: string;
  /** Key prefix, e.g. `photos-raw/`. */
  prefix: string;
  region: string;
}

/**
 * Encodes a key the way S3 writes it into notifications: form-urlencoded (space as `+`, UTF-8
 * bytes as `%XX`), except that `/` stays as it is.
 */
export function encodeNotificationKey(key: string): string {
  return new URLSearchParams([['k', key]]).toString().slice('k='.length).replaceAll('%2F', '/');
}

/** The inverse of `encodeNotificationKey`, as a function receiving the event must apply it. */
export function decodeNotificationKey(encodedKey: string): string {
  return decodeURIComponent(encodedKey.replaceAll('+', ' '));
}

let lastSequencerTime = 0;
let sequencerCount = 0;

/**
 * S3 orders the events of one key by `sequencer`: hex strings that compare in time order. Ours
 * are the time in ms followed by a counter, so two events of the same millisecond stay ordered.
 */
export function nextSequencer(now = Date.now()): string {
  if (now <= lastSequencerTime) {
    sequencerCount += 1;
  } else {
    lastSequencerTime = now;
    sequencerCount = 0;
  }
  const time = lastSequencerTime.toString(16).padStart(12, '0');
  return `${time}${sequencerCount.toString(16).padStart(6, '0')}`.toUpperCase();
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex').toUpperCase();
}

export function isNotified(record: S3rverRecord, filter: NotificationFilter): boolean {
  return (
    /^Object(Created|Removed):/.test(record.eventName) &&
    record.s3.bucket.name === filter.bucket &&
    record.s3.object.key.startsWith(filter.prefix)
  );
}

/** The record S3 would send for an s3rver record, or undefined when S3 would send nothing. */
export function toS3EventRecord(
  record: S3rverRecord,
  filter: NotificationFilter,
): S3EventRecord | undefined {
  if (!isNotified(record, filter)) return undefined;
  const { bucket, object } = record.s3;
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: filter.region,
    eventTime: record.eventTime ?? new Date().toISOString(),
    eventName: record.eventName,
    userIdentity: { principalId: 'AWS:LOCAL' },
    requestParameters: {
      sourceIPAddress: record.requestParameters?.sourceIPAddress ?? '127.0.0.1',
    },
    responseElements: {
      'x-amz-request-id': randomHex(8),
      'x-amz-id-2': randomBytes(32).toString('base64'),
    },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'face-groups-ingestion',
      bucket: {
        name: bucket.name,
        ownerIdentity: { principalId: 'LOCAL' },
        arn: `arn:aws:s3:::${bucket.name}`,
      },
      object: {
        key: encodeNotificationKey(object.key),
        size: object.size ?? 0,
        eTag: object.eTag ?? '',
        sequencer: nextSequencer(),
      },
    },
  };
}
