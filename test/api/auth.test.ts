import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppSyncPublisher } from '../../ingestion/adapters/appsync-publisher.ts';
import { PublishFailedError } from '../../model/errors.ts';
import type { PersonRecord } from '../../model/domain.ts';
import { API_KEY, seedPerson, startApiHarness, type ApiHarness } from './support.ts';

let harness: ApiHarness;

beforeAll(async () => {
  harness = await startApiHarness();
  await seedPerson(harness, 'demo', 'fay', 1);
});

afterAll(async () => {
  await harness?.close();
});

const person: PersonRecord = {
  ownerId: 'demo',
  personId: 'new-person',
  faceCount: 1,
  photoCount: 1,
  coverThumbnailKey: 'people/new-person/f.jpg',
  coverFaceId: 'f',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

interface Refusal {
  errors: { errorType: string; message: string }[];
}

/** A POST of `query` signed with the local credentials, as an IAM caller sends it. */
async function signedRequest(query: string) {
  const { environment } = harness;
  const url = new URL(harness.api.url);
  const body = JSON.stringify({ query });
  const signed = await new SignatureV4({
    credentials: {
      accessKeyId: environment.AWS_ACCESS_KEY_ID!,
      secretAccessKey: environment.AWS_SECRET_ACCESS_KEY!,
    },
    region: environment.AWS_REGION!,
    service: 'appsync',
    sha256: Sha256,
  }).sign(
    new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      headers: { 'content-type': 'application/json', host: url.host },
      body,
    }),
  );
  return { headers: signed.headers as Record<string, string>, body };
}

function publisher(secretAccessKey?: string): AppSyncPublisher {
  const { environment } = harness;
  return new AppSyncPublisher({
    endpoint: harness.api.url,
    region: environment.AWS_REGION!,
    credentials: async () => ({
      accessKeyId: environment.AWS_ACCESS_KEY_ID!,
      secretAccessKey: secretAccessKey ?? environment.AWS_SECRET_ACCESS_KEY!,
    }),
  });
}

describe('API keys', () => {
  it('refuse a wrong key before running anything', async () => {
    const { status, body } = await harness.graphql(
      '{ people { items { personId } } }',
      {},
      { apiKey: `${API_KEY}-wrong` },
    );

    expect(status).toBe(401);
    expect(body).toEqual({
      errors: [
        {
          errorType: 'UnauthorizedException',
          message: 'You are not authorized to make this call.',
        },
      ],
    });
  });

  it('refuse a request with no key and no signature', async () => {
    const response = await fetch(harness.api.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ people { items { personId } } }' }),
    });

    expect(response.status).toBe(401);
    expect(((await response.json()) as Refusal).errors[0]?.errorType).toBe('UnauthorizedException');
  });

  it('do not let a client call the ingestion’s publish mutation', async () => {
    const { body } = await harness.graphql(
      `mutation { publishPersonCreated(input: {ownerId: "demo", personId: "x", faceCount: 1,
        photoCount: 1, coverFaceId: "f", createdAt: "2026-01-01T00:00:00.000Z"}) { personId } }`,
    );

    expect(body.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access publishPersonCreated on type Mutation',
    });
  });
});

describe('IAM signatures', () => {
  it('let the ingestion publish with the local credentials', async () => {
    await expect(publisher().personCreated(person)).resolves.toBeUndefined();
  });

  it('refuse a publish signed with another secret', async () => {
    const refused = publisher('not-the-secret').personCreated(person);

    await expect(refused).rejects.toThrow(PublishFailedError);
    await expect(refused).rejects.toThrow(/HTTP 403.*InvalidSignatureException/);
  });

  it('refuse a signed request whose body was changed after signing', async () => {
    const signed = await signedRequest('{ people { items { personId } } }');
    const response = await fetch(harness.api.url, {
      method: 'POST',
      headers: signed.headers,
      body: signed.body.replace('personId', 'name'),
    });

    expect(response.status).toBe(403);
    expect(((await response.json()) as Refusal).errors[0]?.errorType).toBe(
      'InvalidSignatureException',
    );
  });

  it('give no access to the client’s fields', async () => {
    const signed = await signedRequest('{ people { items { personId } } }');
    const response = await fetch(harness.api.url, { method: 'POST', ...signed });
    const answer = (await response.json()) as { errors?: { errorType: string }[] };

    expect(response.status).toBe(200);
    expect(answer.errors?.[0]?.errorType).toBe('Unauthorized');
  });
});
