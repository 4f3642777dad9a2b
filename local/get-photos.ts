/** Reads many of an owner's photo records at once, a hundred keys a request. */
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { PhotoRecord } from '../model/domain.ts';
import type { StackClients } from './stack-clients.ts';

const BATCH_GET_KEYS = 100;

/** The records of those photos that exist, with only `fields` read; in no particular order. */
export async function getPhotos(
  clients: StackClients,
  ownerId: string,
  photoIds: readonly string[],
  fields: readonly (keyof PhotoRecord)[],
): Promise<PhotoRecord[]> {
  const projection = {
    ProjectionExpression: fields.map((_, i) => `#f${i}`).join(),
    ExpressionAttributeNames: Object.fromEntries(fields.map((field, i) => [`#f${i}`, field])),
  };
  const records: PhotoRecord[] = [];
  for (let start = 0; start < photoIds.length; start += BATCH_GET_KEYS) {
    let keys: Record<string, unknown>[] | undefined = photoIds
      .slice(start, start + BATCH_GET_KEYS)
      .map((photoId) => ({ ownerId, photoId }));
    while (keys !== undefined && keys.length > 0) {
      const response: BatchGetCommandOutput = await clients.dynamodb.send(
        new BatchGetCommand({
          RequestItems: { [clients.photosTable]: { Keys: keys, ...projection } },
        }),
      );
      records.push(...((response.Responses?.[clients.photosTable] ?? []) as PhotoRecord[]));
      keys = response.UnprocessedKeys?.[clients.photosTable]?.Keys;
    }
  }
  return records;
}
