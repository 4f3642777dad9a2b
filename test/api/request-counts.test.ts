import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPerson, startApiHarness, type ApiHarness } from './support.ts';

let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness();
  await seedPerson(harness, 'demo', 'few', 3);
  await seedPerson(harness, 'demo', 'many', 60);
  for (const personId of ['p1', 'p2', 'p3', 'p4']) await seedPerson(harness, 'demo', personId, 5);
});

afterAll(async () => {
  await harness?.close();
});

/** What one operation cost the API: DynamoDB requests and Lambda invocations. */
async function costOf(query: string) {
  const before = harness.api.stats();
  const { body } = await harness.graphql(query);
  const after = harness.api.stats();
  expect(body.errors).toBeUndefined();
  return {
    dynamodbRequests: after.dynamodbRequests - before.dynamodbRequests,
    lambdaInvocations: after.lambdaInvocations - before.lambdaInvocations,
  };
}

const pageOfPhotos = (personId: string) =>
  `{ person(personId: "${personId}") { photos(limit: 100) { items { photoId key url } } } }`;

describe('the cost of a page of photos', () => {
  it('does not grow with the size of the page', async () => {
    const few = await costOf(pageOfPhotos('few'));
    const many = await costOf(pageOfPhotos('many'));

    // The person, the person's appearances, one BatchGetItem of their photos.
    expect(few.dynamodbRequests).toBe(3);
    expect(many.dynamodbRequests).toBe(few.dynamodbRequests);
    // Every URL of the page from one invocation of the presign Lambda.
    expect(few.lambdaInvocations).toBe(1);
    expect(many.lambdaInvocations).toBe(1);
  });

  it('grows by a constant per person for a page of people with their photos', async () => {
    const query = (limit: number) =>
      `{ people(limit: ${limit}) { items { personId thumbnailUrl
          photos(limit: 10) { items { photoId url } } } } }`;

    const two = await costOf(query(2));
    const six = await costOf(query(6));

    expect(two.dynamodbRequests).toBe(1 + 2 * 2);
    expect(six.dynamodbRequests).toBe(1 + 6 * 2);
    // One invocation for the people's thumbnails, one for their photos' URLs.
    expect(two.lambdaInvocations).toBe(2);
    expect(six.lambdaInvocations).toBe(2);
  });
});
