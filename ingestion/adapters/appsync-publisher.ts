/**
 * The publisher of the deployed API: a SigV4-signed (IAM) POST of the `publishPersonCreated`
 * mutation to the GraphQL endpoint, which AppSync hands to the owner's subscribers. The same
 * code publishes to the local runtime, which checks the signature with the local credentials.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { PersonRecord } from '../../model/domain.ts';
import { PublishFailedError } from '../../model/errors.ts';
import type { Publisher } from '../ports.ts';

// Subscribers receive only the fields a mutation selects: select all, ownerId for the filter.
const PUBLISH_PERSON_CREATED = `mutation PublishPersonCreated($input: PersonCreatedInput!) {
  publishPersonCreated(input: $input) {
    ownerId
    personId
    name
    faceCount
    photoCount
    coverFaceId
    createdAt
  }
}`;

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AppSyncPublisherOptions {
  /** The API's GraphQL endpoint (`GRAPHQL_ENDPOINT`). */
  endpoint: string;
  /** The API's region (`AWS_REGION`). */
  region: string;
  /** @default the function's credentials, from `AWS_ACCESS_KEY_ID` and the like */
  credentials?: () => Promise<SigningCredentials>;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`The environment variable ${name} must be set`);
  return value;
}

/** The credentials Lambda gives its function (and the local stack its handlers). */
export function environmentCredentials(env: NodeJS.ProcessEnv = process.env) {
  return async (): Promise<SigningCredentials> => ({
    accessKeyId: required(env, 'AWS_ACCESS_KEY_ID'),
    secretAccessKey: required(env, 'AWS_SECRET_ACCESS_KEY'),
    sessionToken: env.AWS_SESSION_TOKEN || undefined,
  });
}

interface GraphQLResponse {
  errors?: { errorType?: string; message?: string }[];
}

export class AppSyncPublisher implements Publisher {
  private readonly endpoint: URL;
  private readonly signer: SignatureV4;

  constructor(options: AppSyncPublisherOptions) {
    this.endpoint = new URL(options.endpoint);
    this.signer = new SignatureV4({
      credentials: options.credentials ?? environmentCredentials(),
      region: options.region,
      service: 'appsync',
      sha256: Sha256,
    });
  }

  async personCreated(person: PersonRecord): Promise<void> {
    const input = {
      ownerId: person.ownerId,
      personId: person.personId,
      name: person.name ?? null,
      faceCount: person.faceCount,
      photoCount: person.photoCount,
      coverFaceId: person.coverFaceId,
      createdAt: person.createdAt,
    };
    await this.send(JSON.stringify({ query: PUBLISH_PERSON_CREATED, variables: { input } }));
  }

  private async send(body: string): Promise<void> {
    const { endpoint } = this;
    const signed = await this.signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port ? Number(endpoint.port) : undefined,
        path: endpoint.pathname,
        headers: { 'content-type': 'application/json', host: endpoint.host },
        body,
      }),
    );
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: signed.headers as Record<string, string>,
        body,
      });
    } catch (error) {
      throw new PublishFailedError(`The GraphQL endpoint could not be reached`, { cause: error });
    }
    const answer = (await response.json().catch(() => ({}))) as GraphQLResponse;
    const errors = answer.errors ?? [];
    if (!response.ok || errors.length > 0) {
      const reasons = errors.map((e) => `${e.errorType ?? 'Error'}: ${e.message ?? ''}`);
      throw new PublishFailedError(
        `The GraphQL endpoint refused the publish (HTTP ${response.status}) ${reasons.join('; ')}`,
      );
    }
  }
}

/** The publisher of a function configured by the environment (`GRAPHQL_ENDPOINT`, `AWS_REGION`). */
export function createAppSyncPublisher(env: NodeJS.ProcessEnv = process.env): AppSyncPublisher {
  return new AppSyncPublisher({
    endpoint: required(env, 'GRAPHQL_ENDPOINT'),
    region: required(env, 'AWS_REGION'),
    credentials: environmentCredentials(env),
  });
}
