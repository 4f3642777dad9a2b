import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbMetadataStore } from '../../ingestion/adapters/dynamodb-metadata-store.ts';
import { readSettings } from '../../ingestion/settings.ts';
import { RECLUSTER_DUE_LEASE } from '../../model/tables.ts';
import { startApiHarness, type ApiHarness } from './support.ts';

let harness: ApiHarness;
let store: DynamoDbMetadataStore;

beforeAll(async () => {
  harness = await startApiHarness();
  store = new DynamoDbMetadataStore(harness.db, readSettings(harness.environment));
});

afterAll(async () => {
  await harness?.close();
});

const RECLUSTER = 'mutation { reclusterPeople }';
/** The scheduled re-clustering's default quiet period. */
const FIVE_MINUTES = 5 * 60_000;

async function lease(ownerId: string, leaseName: string) {
  const { Item } = await harness.db.send(
    new GetCommand({
      TableName: harness.environment.LEASES_TABLE,
      Key: { ownerId, leaseName },
    }),
  );
  return Item;
}

async function dueOwnerIds(quietMs: number): Promise<string[]> {
  const now = Date.now();
  return (await store.listReclusterDue())
    .filter((due) => Date.parse(due.dueSince) <= now - quietMs)
    .map((due) => due.ownerId);
}

describe('Mutation.reclusterPeople', () => {
  it('makes the caller’s people due for the next scheduled run, past any quiet period', async () => {
    const { body } = await harness.graphql(RECLUSTER, {}, { ownerId: 'alice' });

    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ reclusterPeople: true });
    expect(await dueOwnerIds(FIVE_MINUTES)).toContain('alice');
  });

  it('notes the caller only, not the key’s default owner nor anyone else', async () => {
    const before = new Set(await dueOwnerIds(0));

    await harness.graphql(RECLUSTER, {}, { ownerId: 'carol' });

    const added = (await dueOwnerIds(0)).filter((ownerId) => !before.has(ownerId));
    expect(added).toEqual(['carol']);
    expect(await lease('demo', RECLUSTER_DUE_LEASE)).toBeUndefined();
  });

  it('brings forward a note the ingestion left, and leaves the grouping lease alone', async () => {
    const justNow = new Date().toISOString();
    await store.markReclusterDue('bob', justNow);
    const grouping = { ownerId: 'bob', leaseName: 'grouping', holder: 'photo-1', expiresAt: 1 };
    await harness.db.send(
      new PutCommand({ TableName: harness.environment.LEASES_TABLE, Item: grouping }),
    );
    expect(await dueOwnerIds(FIVE_MINUTES)).not.toContain('bob');

    await harness.graphql(RECLUSTER, {}, { ownerId: 'bob' });

    expect(await dueOwnerIds(FIVE_MINUTES)).toContain('bob');
    expect(await lease('bob', 'grouping')).toEqual(grouping);
  });

  it('can be asked again while the note is pending', async () => {
    await harness.graphql(RECLUSTER, {}, { ownerId: 'erin' });
    const { body } = await harness.graphql(RECLUSTER, {}, { ownerId: 'erin' });

    expect(body.data).toEqual({ reclusterPeople: true });
    expect((await store.listReclusterDue()).filter((due) => due.ownerId === 'erin')).toHaveLength(
      1,
    );
  });
});
