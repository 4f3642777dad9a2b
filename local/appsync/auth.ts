/**
 * Who is calling the local API. An API key caller stands in for a Cognito user of the deployed
 * API: its owner id comes from the `x-owner-id` header (default `demo`) and resolvers see it as
 * `ctx.identity.sub`, where the deployed API has the Cognito `sub`. An IAM caller (the
 * ingestion publishing) signs with the local credentials. Anything else is refused.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isValidOwnerId } from '../../model/keys.ts';
import { RequestRefusedError } from './errors.ts';
import type { LocalAuthMode } from './schema.ts';
import { verifySignature, type Credentials, type SignedRequest } from './sigv4.ts';
import type { AuthTypeName } from './util/globals.ts';

/** The header (or connection parameter) naming the local caller's owner. */
export const OWNER_HEADER = 'x-owner-id';
export const API_KEY_HEADER = 'x-api-key';
const LOCAL_ACCOUNT = '000000000000';

export interface Caller {
  mode: LocalAuthMode;
  authType: AuthTypeName;
  identity: Record<string, unknown>;
}

export interface AuthSettings {
  apiKey: string;
  iamCredentials: Credentials;
  region: string;
  defaultOwnerId: string;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function ownerCaller(ownerId: string, sourceIp: string): Caller {
  if (!isValidOwnerId(ownerId)) {
    throw new RequestRefusedError(400, 'BadRequestException', `${OWNER_HEADER} is not an owner id`);
  }
  return {
    mode: 'API_KEY',
    authType: 'User Pool Authorization',
    identity: {
      sub: ownerId,
      username: ownerId,
      issuer: 'face-groups-local',
      claims: { sub: ownerId, 'cognito:username': ownerId, token_use: 'id' },
      sourceIp: [sourceIp],
      defaultAuthStrategy: 'ALLOW',
      groups: null,
    },
  };
}

function iamCaller(accessKeyId: string, sourceIp: string): Caller {
  return {
    mode: 'AWS_IAM',
    authType: 'IAM Authorization',
    identity: {
      accountId: LOCAL_ACCOUNT,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      cognitoIdentityAuthType: null,
      cognitoIdentityAuthProvider: null,
      sourceIp: [sourceIp],
      username: accessKeyId,
      userArn: `arn:aws:iam::${LOCAL_ACCOUNT}:user/${accessKeyId}`,
    },
  };
}

const unauthorized = (message = 'You are not authorized to make this call.') =>
  new RequestRefusedError(401, 'UnauthorizedException', message);

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function apiKeyCaller(
  apiKey: unknown,
  ownerId: unknown,
  sourceIp: string,
  settings: AuthSettings,
): Caller {
  if (typeof apiKey !== 'string' || !sameSecret(apiKey, settings.apiKey)) throw unauthorized();
  return ownerCaller(typeof ownerId === 'string' ? ownerId : settings.defaultOwnerId, sourceIp);
}

/** The caller of an HTTP request: an API key, or a SigV4 signature. */
export async function authenticateRequest(
  request: SignedRequest & { sourceIp: string },
  settings: AuthSettings,
): Promise<Caller> {
  const headers: IncomingHttpHeaders = request.headers;
  const apiKey = single(headers[API_KEY_HEADER]);
  if (apiKey !== undefined) {
    return apiKeyCaller(apiKey, single(headers[OWNER_HEADER]), request.sourceIp, settings);
  }
  if (headers.authorization?.startsWith('AWS4-HMAC-SHA256 ')) {
    const accessKeyId = await verifySignature(request, settings.iamCredentials, settings.region);
    return iamCaller(accessKeyId, request.sourceIp);
  }
  throw unauthorized('Valid authorization header not provided.');
}

/**
 * The caller of a WebSocket connection, from its `connection_init` payload: the same
 * `x-api-key` and `x-owner-id` as the HTTP headers (GraphiQL sends its headers there).
 */
export function authenticateConnection(
  params: Record<string, unknown> | undefined,
  sourceIp: string,
  settings: AuthSettings,
): Caller {
  return apiKeyCaller(params?.[API_KEY_HEADER], params?.[OWNER_HEADER], sourceIp, settings);
}
