/** The metadata store on DynamoDB, through the document client. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type BatchWriteCommandOutput,
  type ScanCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AppearanceRecord, PersonRecord, PhotoRecord } from '../../model/domain.ts';
import { RECLUSTER_DUE_LEASE } from '../owner-lease.ts';
import type { MetadataStore, ReclusterDue } from '../ports.ts';
import type { IngestionSettings } from '../settings.ts';

/** BatchGetItem reads at most 100 keys a call, BatchWriteItem writes at most 25 items. */
const BATCH_GET = 100;
const BATCH_WRITE = 25;

type TableNames = Pick<
  IngestionSettings,
  'photosTable' | 'peopleTable' | 'appearancesTable' | 'leasesTable'
>;

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

export class DynamoDbMetadataStore implements MetadataStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: TableNames,
  ) {}

  async getPhoto(ownerId: string, photoId: string): Promise<PhotoRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.photosTable,
        Key: { ownerId, photoId },
        ConsistentRead: true,
      }),
    );
    return Item as PhotoRecord | undefined;
  }

  async putPhoto(photo: PhotoRecord, onlyIfAttempt?: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.photosTable,
          Item: photo,
          ...(onlyIfAttempt && {
            ConditionExpression: 'attemptId = :attemptId',
            ExpressionAttributeValues: { ':attemptId': onlyIfAttempt },
          }),
        }),
      );
      return true;
    } catch (error) {
      if (onlyIfAttempt && isConditionFailure(error)) return false;
      throw error;
    }
  }

  async deletePhoto(ownerId: string, photoId: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.tables.photosTable, Key: { ownerId, photoId } }),
    );
  }

  async getAppearances(ownerId: string, appearanceIds: string[]): Promise<AppearanceRecord[]> {
    const found: AppearanceRecord[] = [];
    for (const batch of chunks([...new Set(appearanceIds)], BATCH_GET)) {
      let keys: Record<string, unknown>[] | undefined = batch.map((appearanceId) => ({
        ownerId,
        appearanceId,
      }));
      while (keys && keys.length > 0) {
        const response: BatchGetCommandOutput = await this.db.send(
          new BatchGetCommand({
            RequestItems: { [this.tables.appearancesTable]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        found.push(
          ...((response.Responses?.[this.tables.appearancesTable] ?? []) as AppearanceRecord[]),
        );
        keys = response.UnprocessedKeys?.[this.tables.appearancesTable]?.Keys;
      }
    }
    return found;
  }

  async listPhotoAppearances(ownerId: string, photoId: string): Promise<AppearanceRecord[]> {
    const found: AppearanceRecord[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const response = await this.db.send(
        new QueryCommand({
          TableName: this.tables.appearancesTable,
          KeyConditionExpression: 'ownerId = :ownerId AND begins_with(appearanceId, :prefix)',
          ExpressionAttributeValues: { ':ownerId': ownerId, ':prefix': `${photoId}#` },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      found.push(...((response.Items ?? []) as AppearanceRecord[]));
      ExclusiveStartKey = response.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return found;
  }

  async putAppearances(appearances: AppearanceRecord[]): Promise<void> {
    await this.batchWrite(appearances.map((Item) => ({ PutRequest: { Item } })));
  }

  async deleteAppearances(ownerId: string, appearanceIds: string[]): Promise<void> {
    await this.batchWrite(
      appearanceIds.map((appearanceId) => ({ DeleteRequest: { Key: { ownerId, appearanceId } } })),
    );
  }

  private async batchWrite(requests: Record<string, unknown>[]): Promise<void> {
    for (const batch of chunks(requests, BATCH_WRITE)) {
      let pending: Record<string, unknown>[] | undefined = batch;
      while (pending && pending.length > 0) {
        const response: BatchWriteCommandOutput = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tables.appearancesTable]: pending } }),
        );
        pending = response.UnprocessedItems?.[this.tables.appearancesTable];
      }
    }
  }

  async getPerson(ownerId: string, personId: string): Promise<PersonRecord | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tables.peopleTable,
        Key: { ownerId, personId },
        ConsistentRead: true,
      }),
    );
    return Item as PersonRecord | undefined;
  }

  async createPerson(person: PersonRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.peopleTable,
          Item: person,
          ConditionExpression: 'attribute_not_exists(personId)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async addToPersonCounts(
    ownerId: string,
    personId: string,
    change: { faces: number; photos: number },
    updatedAt: string,
  ): Promise<PersonRecord> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tables.peopleTable,
        Key: { ownerId, personId },
        UpdateExpression: 'ADD faceCount :faces, photoCount :photos SET updatedAt = :updatedAt',
        ConditionExpression: 'attribute_exists(personId)',
        ExpressionAttributeValues: {
          ':faces': change.faces,
          ':photos': change.photos,
          ':updatedAt': updatedAt,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes as PersonRecord;
  }

  async deletePerson(ownerId: string, personId: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.tables.peopleTable, Key: { ownerId, personId } }),
    );
  }

  async listOwnerAppearances(ownerId: string): Promise<AppearanceRecord[]> {
    return this.queryOwner<AppearanceRecord>(this.tables.appearancesTable, ownerId);
  }

  async listPeople(ownerId: string): Promise<PersonRecord[]> {
    return this.queryOwner<PersonRecord>(this.tables.peopleTable, ownerId);
  }

  private async queryOwner<T>(tableName: string, ownerId: string): Promise<T[]> {
    const found: T[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const response = await this.db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'ownerId = :ownerId',
          ExpressionAttributeValues: { ':ownerId': ownerId },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      found.push(...((response.Items ?? []) as T[]));
      ExclusiveStartKey = response.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return found;
  }

  async putPerson(person: PersonRecord): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tables.peopleTable,
        Key: { ownerId: person.ownerId, personId: person.personId },
        UpdateExpression:
          'SET faceCount = :faceCount, photoCount = :photoCount, ' +
          'coverThumbnailKey = :coverThumbnailKey, coverFaceId = :coverFaceId, ' +
          'createdAt = if_not_exists(createdAt, :createdAt), updatedAt = :updatedAt',
        ExpressionAttributeValues: {
          ':faceCount': person.faceCount,
          ':photoCount': person.photoCount,
          ':coverThumbnailKey': person.coverThumbnailKey,
          ':coverFaceId': person.coverFaceId,
          ':createdAt': person.createdAt,
          ':updatedAt': person.updatedAt,
        },
      }),
    );
  }

  async markReclusterDue(ownerId: string, dueSince: string): Promise<void> {
    // The earliest note stands: a steady stream of photos must not postpone it for ever.
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.leasesTable,
          Item: { ownerId, leaseName: RECLUSTER_DUE_LEASE, dueSince },
          ConditionExpression: 'attribute_not_exists(leaseName)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listReclusterDue(): Promise<ReclusterDue[]> {
    const due: ReclusterDue[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const response: ScanCommandOutput = await this.db.send(
        new ScanCommand({
          TableName: this.tables.leasesTable,
          FilterExpression: 'leaseName = :name',
          ExpressionAttributeValues: { ':name': RECLUSTER_DUE_LEASE },
          ExclusiveStartKey,
        }),
      );
      for (const item of response.Items ?? []) {
        due.push({ ownerId: item.ownerId as string, dueSince: item.dueSince as string });
      }
      ExclusiveStartKey = response.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return due;
  }

  async clearReclusterDue(due: ReclusterDue): Promise<boolean> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tables.leasesTable,
          Key: { ownerId: due.ownerId, leaseName: RECLUSTER_DUE_LEASE },
          ConditionExpression: 'dueSince = :dueSince',
          ExpressionAttributeValues: { ':dueSince': due.dueSince },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async tryAcquireLease(
    ownerId: string,
    leaseName: string,
    holder: string,
    ttlMs: number,
  ): Promise<boolean> {
    const now = Date.now();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.leasesTable,
          Item: { ownerId, leaseName, holder, expiresAt: now + ttlMs },
          ConditionExpression: 'attribute_not_exists(leaseName) OR expiresAt < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async releaseLease(ownerId: string, leaseName: string, holder: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tables.leasesTable,
          Key: { ownerId, leaseName },
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': holder },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
