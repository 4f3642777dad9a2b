/**
 * Re-clustering: regroups all of an owner's assigned faces with the current settings, as if every
 * photo had been seen at once, so that the upload order no longer shapes the people.
 *
 * The similarity graph comes from one face search per face; average-linkage clustering with the
 * cannot-link constraints (one photo, two named people) builds the new groups; each group then
 * continues the person whose faces it mostly holds. Names are never dropped: a named person keeps
 * its id on the largest part of its faces. Faces that belong to nobody (quality-filtered) are left
 * as they are. It runs under the owner's grouping lease, so no photo is grouped meanwhile.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { personPhoto, type AppearanceRecord, type PersonRecord } from '../model/domain.ts';
import { thumbnailKey } from '../model/keys.ts';
import { averageLinkage, type FaceSimilarity } from './average-linkage.ts';
import { carryPersonIds } from './carry-person-ids.ts';
import { GROUPING_LEASE, withOwnerLease, type LeaseOptions } from './owner-lease.ts';
import type { FaceEngine, MetadataStore, PhotoStore, Publisher } from './ports.ts';
import type { IngestionSettings } from './settings.ts';

export interface ReclusterDependencies {
  faceEngine: FaceEngine;
  photoStore: PhotoStore;
  metadataStore: MetadataStore;
  /** Told about the people a split creates; none tells nobody. */
  publisher?: Publisher;
  settings: Pick<IngestionSettings, 'matchThreshold'>;
  logger: Logger;
}

/**
 * How far the mean similarity of a person's faces lies under the best match of each face. Online
 * matching compares a face with its best match; average linkage compares groups by the mean over
 * all their pairs, which is lower for the same person. On the dev photos, at MATCH_THRESHOLD 80,
 * a mean of 72 to 74 gave the best grouping (no merge, no split that a lower mean would mend).
 */
export const MEAN_SIMILARITY_MARGIN = 7;

/** The lowest mean similarity at which re-clustering merges two groups, by default. */
export function defaultReclusterThreshold(matchThreshold: number): number {
  return matchThreshold - MEAN_SIMILARITY_MARGIN;
}

export interface ReclusterOptions {
  /**
   * Lowest mean similarity (0-100) over all face pairs at which two groups merge.
   * @default `defaultReclusterThreshold(settings.matchThreshold)`
   */
  threshold?: number;
  /**
   * Lowest similarity a face search returns; pairs it leaves out count as this much.
   * @default 0 (every pair)
   */
  searchFloor?: number;
  /** Most similar faces each search returns. @default 1000 */
  maxNeighbours?: number;
  /** Searches running at a time (Rekognition throttles beyond a few a second). @default 4 */
  searchConcurrency?: number;
  /**
   * Re-clustering holds the grouping lease for all its searches: longer than a photo does.
   * @default 15 minutes held at most, 2 minutes waited
   */
  lease?: LeaseOptions;
}

export interface ReclusterResult {
  /** Assigned faces regrouped. */
  faces: number;
  /** People after re-clustering. */
  people: number;
  /** People that kept their personId. */
  keptPeople: number;
  newPeople: number;
  removedPeople: number;
  /** Faces that changed person. */
  movedFaces: number;
}

const DEFAULT_LEASE: LeaseOptions = { ttlMs: 15 * 60_000, waitMs: 120_000 };

export async function reclusterOwner(
  ownerId: string,
  deps: ReclusterDependencies,
  options: ReclusterOptions = {},
): Promise<ReclusterResult> {
  const lease = options.lease ?? DEFAULT_LEASE;
  return withOwnerLease(deps.metadataStore, ownerId, GROUPING_LEASE, lease, () =>
    regroup(ownerId, deps, options),
  );
}

async function regroup(
  ownerId: string,
  deps: ReclusterDependencies,
  options: ReclusterOptions,
): Promise<ReclusterResult> {
  const { metadataStore: store, logger } = deps;
  const startedAt = Date.now();
  const appearances = (await store.listOwnerAppearances(ownerId)).filter(
    (appearance) => appearance.personId !== undefined,
  );
  const people = await store.listPeople(ownerId);
  const peopleById = new Map(people.map((person) => [person.personId, person]));

  const searchFloor = options.searchFloor ?? 0;
  const similarities = await similarityGraph(ownerId, appearances, deps, {
    floor: searchFloor,
    maxNeighbours: options.maxNeighbours ?? 1000,
    concurrency: options.searchConcurrency ?? 4,
  });
  const clusters = averageLinkage(
    appearances.map((appearance) => ({
      faceId: appearance.faceId,
      photoId: appearance.photoId,
      namedPersonId: peopleById.get(appearance.personId!)?.name ? appearance.personId : undefined,
    })),
    similarities,
    {
      threshold: options.threshold ?? defaultReclusterThreshold(deps.settings.matchThreshold),
      missingSimilarity: searchFloor,
    },
  );
  const formerPersonOf = new Map(appearances.map((a) => [a.faceId, a.personId!]));
  const carried = carryPersonIds(
    clusters,
    formerPersonOf,
    people.map((person) => ({ personId: person.personId, named: Boolean(person.name) })),
  );

  const plan = planChanges(ownerId, appearances, peopleById, clusters, carried, similarities);
  await applyChanges(ownerId, plan, deps);

  const result: ReclusterResult = {
    faces: appearances.length,
    people: clusters.length,
    keptPeople: carried.filter((personId) => personId !== undefined).length,
    newPeople: plan.newPeople.length,
    removedPeople: plan.removedPersonIds.length,
    movedFaces: plan.movedAppearances.length,
  };
  const durationMs = Date.now() - startedAt;
  logger.info('Re-clustered the owner’s faces', { ...result, durationMs });
  return result;
}

async function similarityGraph(
  ownerId: string,
  appearances: AppearanceRecord[],
  deps: ReclusterDependencies,
  search: { floor: number; maxNeighbours: number; concurrency: number },
): Promise<FaceSimilarity[]> {
  const assigned = new Set(appearances.map((appearance) => appearance.faceId));
  const similarities: FaceSimilarity[] = [];
  let next = 0;
  const searchNext = async (): Promise<void> => {
    while (next < appearances.length) {
      const faceId = appearances[next++]!.faceId;
      const matches = await deps.faceEngine.searchFaces(ownerId, faceId, {
        threshold: search.floor,
        maxMatches: search.maxNeighbours,
      });
      for (const match of matches) {
        // Faces of a photo still being ingested are in the collection but have no person yet.
        if (assigned.has(match.faceId)) {
          similarities.push({ faceId, otherFaceId: match.faceId, similarity: match.similarity });
        }
      }
    }
  };
  await Promise.all(Array.from({ length: search.concurrency }, searchNext));
  return similarities;
}

interface Changes {
  /** Thumbnails to copy before the records point at them. */
  copies: { from: string; to: string }[];
  people: PersonRecord[];
  newPeople: PersonRecord[];
  movedAppearances: AppearanceRecord[];
  removedPersonIds: string[];
}

function planChanges(
  ownerId: string,
  appearances: AppearanceRecord[],
  peopleById: ReadonlyMap<string, PersonRecord>,
  clusters: string[][],
  carried: (string | undefined)[],
  similarities: FaceSimilarity[],
): Changes {
  const now = new Date().toISOString();
  const byFace = new Map(appearances.map((appearance) => [appearance.faceId, appearance]));
  const best = bestSimilarities(similarities);
  const changes: Changes = {
    copies: [],
    people: [],
    newPeople: [],
    movedAppearances: [],
    removedPersonIds: [],
  };

  clusters.forEach((faceIds, index) => {
    const members = faceIds.map((faceId) => byFace.get(faceId)!);
    const former = carried[index] === undefined ? undefined : peopleById.get(carried[index]!);
    const personId = carried[index] ?? randomUUID();
    for (const appearance of members) {
      if (appearance.personId === personId) continue;
      const key = thumbnailKey(personId, appearance.faceId);
      changes.copies.push({ from: appearance.thumbnailKey, to: key });
      changes.movedAppearances.push({
        ...appearance,
        personId,
        personPhoto: personPhoto(personId, appearance.photoId, appearance.faceId),
        thumbnailKey: key,
        similarity: bestWithin(best.get(appearance.faceId), faceIds),
      });
    }

    const cover =
      members.find((appearance) => appearance.faceId === former?.coverFaceId) ??
      [...members].sort(
        (a, b) => b.confidence - a.confidence || (a.faceId < b.faceId ? -1 : 1),
      )[0]!;
    const person: PersonRecord = {
      ...former,
      ownerId,
      personId,
      faceCount: members.length,
      photoCount: new Set(members.map((appearance) => appearance.photoId)).size,
      coverFaceId: cover.faceId,
      coverThumbnailKey: thumbnailKey(personId, cover.faceId),
      createdAt: former?.createdAt ?? now,
      updatedAt: now,
    };
    const unchanged =
      former &&
      former.faceCount === person.faceCount &&
      former.photoCount === person.photoCount &&
      former.coverFaceId === person.coverFaceId;
    if (!unchanged) changes.people.push(person);
    if (!former) changes.newPeople.push(person);
  });

  const kept = new Set(carried.filter((personId) => personId !== undefined));
  for (const person of peopleById.values()) {
    if (kept.has(person.personId)) continue;
    if (!person.name) {
      changes.removedPersonIds.push(person.personId);
    } else if (person.faceCount !== 0 || person.photoCount !== 0) {
      // A named person with no face left keeps its name, with nothing in it.
      changes.people.push({ ...person, faceCount: 0, photoCount: 0, updatedAt: now });
    }
  }
  return changes;
}

/** For each face, its similarity to each face the searches paired it with. */
function bestSimilarities(similarities: FaceSimilarity[]): Map<string, Map<string, number>> {
  const best = new Map<string, Map<string, number>>();
  const note = (faceId: string, otherFaceId: string, similarity: number) => {
    let row = best.get(faceId);
    if (!row) best.set(faceId, (row = new Map()));
    row.set(otherFaceId, Math.max(similarity, row.get(otherFaceId) ?? 0));
  };
  for (const { faceId, otherFaceId, similarity } of similarities) {
    note(faceId, otherFaceId, similarity);
    note(otherFaceId, faceId, similarity);
  }
  return best;
}

/** The face's best similarity to another face of its group; none for a face alone. */
function bestWithin(row: Map<string, number> | undefined, faceIds: string[]): number | undefined {
  let found: number | undefined;
  for (const faceId of faceIds) {
    const similarity = row?.get(faceId);
    if (similarity !== undefined && (found === undefined || similarity > found)) found = similarity;
  }
  return found;
}

/**
 * Writes in an order that a crash can interrupt anywhere: thumbnails are copied before records
 * point at them and deleted after no record does; running again converges.
 */
async function applyChanges(ownerId: string, changes: Changes, deps: ReclusterDependencies) {
  const { metadataStore: store, photoStore } = deps;
  for (const { from, to } of changes.copies) {
    // A photo grouped but not yet done has no thumbnail yet; its face moves without one.
    if (!(await photoStore.copyThumbnail(from, to))) {
      deps.logger.warn('No thumbnail to move', { thumbnailKey: from });
    }
  }
  for (const person of changes.people) await store.putPerson(person);
  await store.putAppearances(changes.movedAppearances);
  for (const personId of changes.removedPersonIds) await store.deletePerson(ownerId, personId);
  const movedTo = new Set(changes.copies.map(({ to }) => to));
  await photoStore.deleteThumbnails(
    changes.copies.map(({ from }) => from).filter((key) => !movedTo.has(key)),
  );
  for (const person of changes.newPeople) {
    try {
      await deps.publisher?.personCreated(person);
    } catch (error) {
      deps.logger.warn('Could not publish a new person', { personId: person.personId, error });
    }
  }
}
