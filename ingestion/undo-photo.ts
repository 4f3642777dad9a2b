/** Undoes what earlier attempts of a photo left behind, before it is grouped again or removed. */
import { isIndexedFaceId } from './photo-faces.ts';
import type { PipelineDependencies } from './process-photo.ts';

/**
 * Removes what an earlier, unfinished or superseded attempt left of this photo: its appearances,
 * its share of each person, the people it alone founded and the faces it indexed.
 */
export async function undoEarlierAttempts(
  ownerId: string,
  photoId: string,
  keepFaceIds: string[],
  deps: PipelineDependencies,
): Promise<void> {
  const { metadataStore: store } = deps;
  const earlier = await store.listPhotoAppearances(ownerId, photoId);
  const photo = await store.getPhoto(ownerId, photoId);
  const keep = new Set(keepFaceIds);
  const staleFaceIds = new Set((photo?.faceIds ?? []).filter((faceId) => !keep.has(faceId)));
  if (earlier.length === 0 && staleFaceIds.size === 0) return;

  const now = new Date().toISOString();
  for (const appearance of earlier) {
    if (!appearance.personId) continue;
    const person = await store.addToPersonCounts(
      ownerId,
      appearance.personId,
      { faces: -1, photos: -1 },
      now,
    );
    if (person.faceCount <= 0) await store.deletePerson(ownerId, appearance.personId);
  }
  await store.deleteAppearances(
    ownerId,
    earlier.map((appearance) => appearance.appearanceId),
  );
  await deps.photoStore.deleteThumbnails(earlier.map((appearance) => appearance.thumbnailKey));
  for (const appearance of earlier) {
    if (!keep.has(appearance.faceId)) staleFaceIds.add(appearance.faceId);
  }
  const indexedStale = [...staleFaceIds].filter(isIndexedFaceId);
  if (indexedStale.length > 0) await deps.faceEngine.deleteFaces(ownerId, indexedStale);
  deps.logger.info('Undid an earlier attempt', {
    appearances: earlier.length,
    faces: indexedStale.length,
  });
}
