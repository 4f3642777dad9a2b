/**
 * Steps "match" and "group": find, for each new face of a photo, the people its most similar
 * faces belong to, then give each face at most one person and each person at most one face of
 * the photo (two faces in one photo are two people).
 */
import { appearanceId } from '../model/domain.ts';
import type { FaceEngine, MetadataStore } from './ports.ts';

/** How many similar faces a search returns; enough to see past a few unassigned ones. */
const MAX_MATCHES = 25;

export interface PersonCandidate {
  faceId: string;
  personId: string;
  /** The best similarity (0-100) between the face and any face of the person. */
  similarity: number;
}

export interface FaceAssignment {
  faceId: string;
  /** The existing person the face joins; absent when the face founds a new person. */
  personId?: string;
  similarity?: number;
}

export async function findPersonCandidates(
  engine: FaceEngine,
  store: MetadataStore,
  ownerId: string,
  photoId: string,
  faceIds: string[],
  threshold: number,
): Promise<PersonCandidate[]> {
  const matchesByFace = await Promise.all(
    faceIds.map(async (faceId) => {
      const matches = await engine.searchFaces(ownerId, faceId, {
        threshold,
        maxMatches: MAX_MATCHES,
      });
      return { faceId, matches: matches.filter((match) => match.photoId !== photoId) };
    }),
  );

  const matchedIds = new Set<string>();
  for (const { matches } of matchesByFace) {
    for (const match of matches) matchedIds.add(appearanceId(match.photoId, match.faceId));
  }
  const appearances = await store.getAppearances(ownerId, [...matchedIds]);
  const personOfFace = new Map<string, string>();
  for (const appearance of appearances) {
    if (appearance.personId) personOfFace.set(appearance.faceId, appearance.personId);
  }

  const candidates: PersonCandidate[] = [];
  for (const { faceId, matches } of matchesByFace) {
    const best = new Map<string, number>();
    for (const match of matches) {
      const personId = personOfFace.get(match.faceId);
      if (personId && match.similarity > (best.get(personId) ?? -1)) {
        best.set(personId, match.similarity);
      }
    }
    for (const [personId, similarity] of best) candidates.push({ faceId, personId, similarity });
  }
  return candidates;
}

/**
 * Most similar pairs first: a face takes the best person still free in this photo; a face left
 * without one founds a new person.
 */
export function assignFaces(faceIds: string[], candidates: PersonCandidate[]): FaceAssignment[] {
  const ordered = [...candidates].sort(
    (a, b) => b.similarity - a.similarity || a.faceId.localeCompare(b.faceId),
  );
  const byFace = new Map<string, FaceAssignment>();
  const takenPeople = new Set<string>();
  for (const candidate of ordered) {
    if (byFace.has(candidate.faceId) || takenPeople.has(candidate.personId)) continue;
    byFace.set(candidate.faceId, candidate);
    takenPeople.add(candidate.personId);
  }
  return faceIds.map((faceId) => byFace.get(faceId) ?? { faceId });
}
