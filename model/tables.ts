/**
 * The DynamoDB tables, described once. The CDK stack and the local stack both build their tables
 * from these definitions, so a key or an index exists in one place only.
 *
 * Every table is partitioned by `ownerId`, and so is every index: a query always names its owner,
 * and no query of one owner can reach another owner's items.
 */
export type AttributeType = 'S' | 'N';

export interface KeyAttribute {
  name: string;
  type: AttributeType;
}

export interface IndexDefinition {
  indexName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
}

export interface TableDefinition {
  /** Stable id of the table inside the product, also the suffix of its local name. */
  id: 'photos' | 'people' | 'appearances' | 'leases';
  /** The environment variable through which functions receive the table's name. */
  envName: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
  indexes: IndexDefinition[];
}

const ownerKey: KeyAttribute = { name: 'ownerId', type: 'S' };

export const PHOTOS_BY_STATUS = 'byStatus';
export const PEOPLE_BY_PHOTO_COUNT = 'byPhotoCount';
export const APPEARANCES_BY_PERSON = 'byPerson';

/** Photos: one item per uploaded object. Sort key `photoId`. */
export const photosTable: TableDefinition = {
  id: 'photos',
  envName: 'PHOTOS_TABLE',
  partitionKey: ownerKey,
  sortKey: { name: 'photoId', type: 'S' },
  indexes: [
    {
      indexName: PHOTOS_BY_STATUS,
      partitionKey: ownerKey,
      // `<status>#<createdAt>`: an owner's photos of one status, oldest first.
      sortKey: { name: 'statusCreatedAt', type: 'S' },
    },
  ],
};

/** People: one item per person found in an owner's photos. Sort key `personId`. */
export const peopleTable: TableDefinition = {
  id: 'people',
  envName: 'PEOPLE_TABLE',
  partitionKey: ownerKey,
  sortKey: { name: 'personId', type: 'S' },
  indexes: [
    {
      indexName: PEOPLE_BY_PHOTO_COUNT,
      partitionKey: ownerKey,
      sortKey: { name: 'photoCount', type: 'N' },
    },
  ],
};

/**
 * Appearances: one item per face found in a photo, whether or not it belongs to a person yet.
 * Sort key `appearanceId` = `<photoId>#<faceId>`, so a photo's faces are one key range.
 */
export const appearancesTable: TableDefinition = {
  id: 'appearances',
  envName: 'APPEARANCES_TABLE',
  partitionKey: ownerKey,
  sortKey: { name: 'appearanceId', type: 'S' },
  indexes: [
    {
      indexName: APPEARANCES_BY_PERSON,
      partitionKey: ownerKey,
      // `<personId>#<photoId>#<faceId>`; absent on faces that belong to nobody (a sparse index).
      sortKey: { name: 'personPhoto', type: 'S' },
    },
  ],
};

/**
 * Leases: short-lived locks that serialize the grouping step of one owner, so that two photos
 * of a new person processed at the same time do not each create that person.
 */
export const leasesTable: TableDefinition = {
  id: 'leases',
  envName: 'LEASES_TABLE',
  partitionKey: ownerKey,
  sortKey: { name: 'leaseName', type: 'S' },
  indexes: [],
};

/**
 * The Leases item (`leaseName`) that notes that an owner's people are due for re-clustering,
 * with `dueSince`: when the first change since the last re-clustering was made. It is a note,
 * not a lock; the ingestion writes it, the API writes it when the owner asks, the scheduled
 * re-clustering clears it.
 */
export const RECLUSTER_DUE_LEASE = 'recluster-due';

export const tables = [photosTable, peopleTable, appearancesTable, leasesTable] as const;

/** The name a table gets on the local stack. */
export function localTableName(table: TableDefinition): string {
  return `face-groups-${table.id}`;
}
