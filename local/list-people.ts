/**
 * An owner's people with the photo files each appears in, read through the SDK as any client of
 * the tables would: People by owner, the person's appearances through the by-person index, and
 * the photos' raw keys for their file names.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AppearanceRecord, PersonRecord } from '../model/domain.ts';
import { parseRawKey } from '../model/keys.ts';
import { APPEARANCES_BY_PERSON } from '../model/tables.ts';
import { getPhotos } from './get-photos.ts';
import type { StackClients } from './stack-clients.ts';

export interface PersonPhotos {
  personId: string;
  name?: string;
  faceCount: number;
  photoCount: number;
  coverThumbnailKey: string;
  /** Names (under the owner's prefix) of the photos the person appears in, sorted. */
  photos: string[];
}

/** The owner's people, most photographed first. */
export async function listPeople(clients: StackClients, ownerId: string): Promise<PersonPhotos[]> {
  const people = await queryAll<PersonRecord>(clients, {
    TableName: clients.peopleTable,
    KeyConditionExpression: 'ownerId = :ownerId',
    ExpressionAttributeValues: { ':ownerId': ownerId },
  });
  const photoIdsByPerson = new Map<string, Set<string>>();
  for (const person of people) {
    const appearances = await queryAll<AppearanceRecord>(clients, {
      TableName: clients.appearancesTable,
      IndexName: APPEARANCES_BY_PERSON,
      KeyConditionExpression: 'ownerId = :ownerId AND begins_with(personPhoto, :person)',
      ExpressionAttributeValues: { ':ownerId': ownerId, ':person': `${person.personId}#` },
    });
    photoIdsByPerson.set(person.personId, new Set(appearances.map((a) => a.photoId)));
  }
  const allPhotoIds = new Set([...photoIdsByPerson.values()].flatMap((ids) => [...ids]));
  const names = await photoNames(clients, ownerId, [...allPhotoIds]);

  return people
    .map((person) => ({
      personId: person.personId,
      name: person.name,
      faceCount: person.faceCount,
      photoCount: person.photoCount,
      coverThumbnailKey: person.coverThumbnailKey,
      photos: [...(photoIdsByPerson.get(person.personId) ?? [])]
        .map((photoId) => names.get(photoId) ?? photoId)
        .sort(),
    }))
    .sort((a, b) => b.photoCount - a.photoCount || a.personId.localeCompare(b.personId));
}

async function queryAll<T>(
  clients: StackClients,
  input: ConstructorParameters<typeof QueryCommand>[0],
): Promise<T[]> {
  const items: T[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const response = await clients.dynamodb.send(
      new QueryCommand({ ...input, ExclusiveStartKey: startKey }),
    );
    items.push(...((response.Items ?? []) as T[]));
    startKey = response.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** The file name of each photo: its raw key's name under `photos-raw/<ownerId>/`. */
async function photoNames(
  clients: StackClients,
  ownerId: string,
  photoIds: string[],
): Promise<Map<string, string>> {
  const photos = await getPhotos(clients, ownerId, photoIds, ['photoId', 'key']);
  return new Map(photos.map((photo) => [photo.photoId, parseRawKey(photo.key).name]));
}
