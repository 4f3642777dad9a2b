/**
 * Two well-known ways to group faces, replayed on the faces and descriptors our pipeline indexed,
 * in the same upload order, so that the benchmark compares groupings and not detectors.
 *
 * - The tutorial's pipeline: each face takes the person of its nearest indexed face when that
 *   face is close enough, otherwise it founds a person and becomes the only indexed face of it.
 * - Immich-style incremental DBSCAN: a face founds a person only when it has enough neighbours
 *   (itself included) within a distance; a face with fewer joins the person of its nearest
 *   neighbour that has one, or waits for a second pass over all faces, like Immich's nightly job.
 *
 * Neither forbids two faces of one photo from sharing a person: they do not in their originals.
 */
import { euclideanDistance } from '../../local/face-engine/similarity.ts';

export interface ReplayFace {
  faceId: string;
  photoId: string;
  descriptor: ArrayLike<number>;
}

/** Faces in the order they reached the grouping: photo by photo, in upload order. */
export type ReplayOrder = readonly ReplayFace[];

/** faceId -> personId, or undefined for a face left without a person. */
export type Grouping = Map<string, string | undefined>;

export interface TutorialOptions {
  /** Largest descriptor distance at which a face joins the person of the face it matches. */
  maxDistance: number;
}

export function tutorialGrouping(faces: ReplayOrder, options: TutorialOptions): Grouping {
  const indexed: { face: ReplayFace; personId: string }[] = [];
  const grouping: Grouping = new Map();
  for (const face of faces) {
    let best: { personId: string; distance: number } | undefined;
    for (const candidate of indexed) {
      const distance = euclideanDistance(face.descriptor, candidate.face.descriptor);
      if (distance <= options.maxDistance && (!best || distance < best.distance)) {
        best = { personId: candidate.personId, distance };
      }
    }
    if (best) {
      grouping.set(face.faceId, best.personId);
      continue;
    }
    const personId = `tutorial-${indexed.length + 1}`;
    indexed.push({ face, personId });
    grouping.set(face.faceId, personId);
  }
  return grouping;
}

export interface DbscanOptions {
  /** Largest descriptor distance between neighbours (Immich: `maxDistance`). */
  maxDistance: number;
  /** Neighbours, the face itself included, a face needs to found a person (Immich: `minFaces`). */
  minFaces: number;
}

interface Neighbour {
  face: ReplayFace;
  distance: number;
}

export function incrementalDbscanGrouping(faces: ReplayOrder, options: DbscanOptions): Grouping {
  const grouping: Grouping = new Map();
  let people = 0;

  const neighboursOf = (face: ReplayFace, seen: ReplayOrder): Neighbour[] =>
    seen
      .map((other) => ({
        face: other,
        distance: euclideanDistance(face.descriptor, other.descriptor),
      }))
      .filter((neighbour) => neighbour.distance <= options.maxDistance)
      .sort((a, b) => a.distance - b.distance);

  /** Immich's recognition of one face; returns false when it defers the face. */
  const recognize = (face: ReplayFace, seen: ReplayOrder, deferred: boolean): boolean => {
    const neighbours = neighboursOf(face, seen);
    if (options.minFaces > 1 && neighbours.length <= 1) return false;
    const isCore = neighbours.length >= options.minFaces;
    if (!isCore && !deferred) return false;

    // First among the nearest `minFaces` that has a person, else the nearest with one at all.
    const withPerson = (neighbour: Neighbour) => grouping.get(neighbour.face.faceId) !== undefined;
    const near =
      neighbours.slice(0, options.minFaces).find(withPerson) ?? neighbours.find(withPerson);
    let personId = near && grouping.get(near.face.faceId);
    if (isCore && personId === undefined) {
      people += 1;
      personId = `dbscan-${people}`;
    }
    grouping.set(face.faceId, personId);
    return true;
  };

  const waiting: ReplayFace[] = [];
  for (const [index, face] of faces.entries()) {
    // Faces of the photo being processed are all detected before any is recognized.
    let seenUpTo = index + 1;
    while (seenUpTo < faces.length && faces[seenUpTo]!.photoId === face.photoId) seenUpTo += 1;
    if (!recognize(face, faces.slice(0, seenUpTo), false)) waiting.push(face);
  }
  for (const face of waiting) {
    if (grouping.get(face.faceId) === undefined) recognize(face, faces, true);
  }
  for (const face of faces) if (!grouping.has(face.faceId)) grouping.set(face.faceId, undefined);
  return grouping;
}
