/**
 * Presigned URLs for many objects at the cost of few. The S3 client resolves a bucket's endpoint
 * (virtual-hosted on AWS, path-style on a local endpoint) through its whole middleware stack,
 * which costs about a millisecond a URL; a page of photos needs hundreds. So the client signs
 * one probe URL per bucket, and each URL after it is the probe's address with its own key,
 * signed by the same SDK presigner directly.
 */
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { HttpRequest } from '@smithy/protocol-http';

const PROBE_KEY = 'probe';

/** Encodes a key as S3 paths are encoded: each segment escaped, the slashes kept. */
function encodeKey(key: string): string {
  return key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
}

interface SignedRequest {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query?: Record<string, string | string[] | null>;
}

function formatUrl(request: SignedRequest): string {
  const port = request.port ? `:${request.port}` : '';
  const query = Object.entries(request.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join('&');
  return `${request.protocol}//${request.hostname}${port}${request.path}?${query}`;
}

export class ObjectUrlSigner {
  private readonly presigner: S3RequestPresigner;
  private readonly bucketAddresses = new Map<string, Promise<URL>>();

  constructor(private readonly s3: S3Client) {
    this.presigner = new S3RequestPresigner({ ...s3.config });
  }

  /** A URL that GETs `bucket`/`key` for `expiresIn` seconds. */
  async getObjectUrl(bucket: string, key: string, expiresIn: number): Promise<string> {
    const address = await this.addressOf(bucket);
    const request = new HttpRequest({
      method: 'GET',
      protocol: address.protocol,
      hostname: address.hostname,
      port: address.port ? Number(address.port) : undefined,
      path: `${address.pathname}${encodeKey(key)}`,
      headers: { host: address.host },
    });
    return formatUrl(await this.presigner.presign(request, { expiresIn }));
  }

  /** A URL that PUTs `bucket`/`key`; the upload must send `contentType` when one is given. */
  async putObjectUrl(
    bucket: string,
    key: string,
    contentType: string | undefined,
    expiresIn: number,
  ): Promise<string> {
    const command = new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType });
    return getSignedUrl(this.s3, command, { expiresIn });
  }

  /** The bucket's address, up to where its keys begin. */
  private addressOf(bucket: string): Promise<URL> {
    let address = this.bucketAddresses.get(bucket);
    if (!address) {
      const command = new GetObjectCommand({ Bucket: bucket, Key: PROBE_KEY });
      address = getSignedUrl(this.s3, command, { expiresIn: 60 }).then((probe) => {
        const url = new URL(probe);
        url.search = '';
        url.pathname = url.pathname.slice(0, -PROBE_KEY.length);
        return url;
      });
      address.catch(() => this.bucketAddresses.delete(bucket));
      this.bucketAddresses.set(bucket, address);
    }
    return address;
  }
}
