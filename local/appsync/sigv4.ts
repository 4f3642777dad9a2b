/**
 * Checks an AWS Signature Version 4 on a request to the local API, as AppSync checks the IAM
 * callers of its endpoint: the signature is computed again with the local credentials over the
 * headers the caller signed, and must match; so must the key id, region, service and time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { RequestRefusedError } from './errors.ts';

export interface SignedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const AUTHORIZATION = new RegExp(
  '^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?' +
    'SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$',
);
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

function refused(message: string): RequestRefusedError {
  return new RequestRefusedError(403, 'InvalidSignatureException', message);
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function signingDate(amzDate: string | undefined): Date {
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate ?? '');
  if (!parts) throw refused('The request has no valid X-Amz-Date header');
  const [, y, mo, d, h, mi, s] = parts.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

/** Returns the access key id of a correctly signed request; throws when the signature fails. */
export async function verifySignature(
  request: SignedRequest,
  credentials: Credentials,
  region: string,
  service = 'appsync',
): Promise<string> {
  const parsed = AUTHORIZATION.exec(header(request.headers, 'authorization') ?? '');
  if (!parsed) throw refused('The Authorization header is not an AWS Signature Version 4');
  const [, accessKeyId, , scopeRegion, scopeService, signedHeaders, signature] = parsed as string[];
  if (accessKeyId !== credentials.accessKeyId) {
    throw new RequestRefusedError(
      401,
      'UnrecognizedClientException',
      'The security token included in the request is invalid.',
    );
  }
  if (scopeRegion !== region || scopeService !== service) {
    throw refused(`The credential scope must be ${region}/${service}`);
  }
  const date = signingDate(header(request.headers, 'x-amz-date'));
  if (Math.abs(Date.now() - date.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw refused('Signature expired: the request time is too far from the server time');
  }

  // The signer trusts a payload hash header over the body: the hash must be the body's.
  const payloadHash = header(request.headers, 'x-amz-content-sha256');
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  if (payloadHash !== undefined && payloadHash !== bodyHash) {
    throw refused('The x-amz-content-sha256 header does not match the request body');
  }

  const url = new URL(request.url, 'http://local');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders!.split(';')) headers[name] = header(request.headers, name) ?? '';
  const host = headers.host ?? header(request.headers, 'host') ?? '';
  const [hostname, port] = host.split(':');
  const signer = new SignatureV4({
    credentials: {
      ...credentials,
      sessionToken: header(request.headers, 'x-amz-security-token'),
    },
    region,
    service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const expected = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname,
      port: port ? Number(port) : undefined,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: request.body.toString('utf8'),
    }),
    { signingDate: date },
  );
  const computed = /Signature=([0-9a-f]{64})/.exec(String(expected.headers.authorization))?.[1];
  const matches =
    computed !== undefined &&
    timingSafeEqual(Buffer.from(computed, 'hex'), Buffer.from(signature!, 'hex'));
  if (!matches) {
    throw refused('The request signature we calculated does not match the signature you provided.');
  }
  return accessKeyId!;
}
