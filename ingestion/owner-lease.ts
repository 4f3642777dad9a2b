/** Runs work while holding one of the owner's leases, waiting for it when another holds it. */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MetadataStore } from './ports.ts';

/** Not a lock: the note that an owner's people are due (in model/: the API writes it too). */
export { RECLUSTER_DUE_LEASE } from '../model/tables.ts';

/**
 * The lease that serializes an owner's grouping: ingestion takes it to match and group a photo's
 * faces, re-clustering takes it to regroup all of them.
 */
export const GROUPING_LEASE = 'grouping';

/** Raised when the lease stays taken for longer than the caller waits; the event is retried. */
export class LeaseTimeoutError extends Error {
  constructor(ownerId: string, leaseName: string) {
    super(`Lease ${leaseName} of owner ${ownerId} stayed taken; try again later`);
    this.name = 'LeaseTimeoutError';
  }
}

export interface LeaseOptions {
  /** How long the lease lasts if its holder dies without releasing it. */
  ttlMs: number;
  /** How long to wait for the lease before giving up. */
  waitMs: number;
}

export async function withOwnerLease<T>(
  store: MetadataStore,
  ownerId: string,
  leaseName: string,
  options: LeaseOptions,
  work: () => Promise<T>,
): Promise<T> {
  const holder = randomUUID();
  const deadline = Date.now() + options.waitMs;
  let pause = 20;
  while (!(await store.tryAcquireLease(ownerId, leaseName, holder, options.ttlMs))) {
    if (Date.now() > deadline) throw new LeaseTimeoutError(ownerId, leaseName);
    await sleep(pause + Math.random() * pause);
    pause = Math.min(pause * 2, 500);
  }
  try {
    return await work();
  } finally {
    await store.releaseLease(ownerId, leaseName, holder);
  }
}
