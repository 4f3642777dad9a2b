/**
 * Step "group": under the owner's grouping lease, each indexed face of a photo joins the person
 * its match found or founds a new one; faces the engine would not index stay unassigned. The
 * thumbnails are written before the appearances that point at them.
 */
import { randomUUID } from 'node:crypto';
import {
  appearanceId,
  personPhoto,
  type AppearanceRecord,
  type PersonRecord,
} from '../model/domain.ts';
import { thumbnailKey, unassignedThumbnailKey } from '../model/keys.ts';
import { assignFaces, findPersonCandidates } from './match-faces.ts';
import type { PhotoFace } from './photo-faces.ts';
import type { PipelineDependencies } from './process-photo.ts';

export interface GroupedFaces {
  appearances: AppearanceRecord[];
  newPeople: PersonRecord[];
}

export async function groupFaces(
  ownerId: string,
  photoId: string,
  faces: PhotoFace[],
  deps: PipelineDependencies,
): Promise<GroupedFaces> {
  const { metadataStore: store, logger } = deps;
  const indexedIds = faces.filter((face) => face.indexed).map((face) => face.faceId);
  const candidates = await findPersonCandidates(
    deps.faceEngine,
    store,
    ownerId,
    photoId,
    indexedIds,
    deps.settings.matchThreshold,
  );
  const assignments = new Map(
    assignFaces(indexedIds, candidates).map((assignment) => [assignment.faceId, assignment]),
  );

  const now = new Date().toISOString();
  const appearances: AppearanceRecord[] = [];
  const newPeople: PersonRecord[] = [];
  for (const face of faces) {
    const assignment = assignments.get(face.faceId);
    const base = {
      ownerId,
      appearanceId: appearanceId(photoId, face.faceId),
      photoId,
      faceId: face.faceId,
      boundingBox: face.boundingBox,
      confidence: face.confidence,
      createdAt: now,
    };
    if (!assignment) {
      appearances.push({
        ...base,
        unassignedReason: face.unassignedReason ?? 'UNINDEXED',
        thumbnailKey: unassignedThumbnailKey(ownerId, face.faceId),
      });
      continue;
    }
    const personId = assignment.personId ?? randomUUID();
    const key = thumbnailKey(personId, face.faceId);
    if (assignment.personId) {
      await store.addToPersonCounts(ownerId, personId, { faces: 1, photos: 1 }, now);
      logger.debug('Face matched', {
        faceId: face.faceId,
        personId,
        similarity: assignment.similarity,
      });
    } else {
      const person: PersonRecord = {
        ownerId,
        personId,
        faceCount: 1,
        photoCount: 1,
        coverThumbnailKey: key,
        coverFaceId: face.faceId,
        createdAt: now,
        updatedAt: now,
      };
      await store.createPerson(person);
      newPeople.push(person);
      logger.info('Creating new person for face', { faceId: face.faceId, personId });
    }
    appearances.push({
      ...base,
      personId,
      personPhoto: personPhoto(personId, photoId, face.faceId),
      similarity: assignment.similarity,
      thumbnailKey: key,
    });
  }
  // Thumbnails first: whoever reads an appearance (re-clustering too) finds its thumbnail.
  await Promise.all(
    appearances.map((appearance, index) =>
      deps.photoStore.putThumbnail(appearance.thumbnailKey, faces[index]!.thumbnail),
    ),
  );
  await store.putAppearances(appearances);
  if (indexedIds.length > 0) await store.markReclusterDue(ownerId, now);
  return { appearances, newPeople };
}
