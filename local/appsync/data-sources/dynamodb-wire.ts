/**
 * DynamoDB's JSON protocol, spoken directly. AppSync's request objects already carry DynamoDB's
 * typed JSON (`{ "S": "..." }`), which is what goes on the wire, so the data source sends them
 * as they are; the SDK's client would convert every value twice and spend about a third of a
 * millisecond of CPU a request, and a page of people with their photos makes a hundred.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface WireCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** An error DynamoDB answered with; `name` is its exception (ConditionalCheckFailedException). */
export class DynamoDbServiceError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Buffer {
  if (typeof data === 'string') return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** SHA-256 and HMAC-SHA-256 of node:crypto, in the shape the signer takes. */
class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined
      ? createHash('sha256')
      : createHmac('sha256', bytes(this.secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }

  reset(): void {
    this.hash = this.fresh();
  }
}

export class DynamoDbWire {
  private readonly url: URL;
  private readonly agent: HttpAgent;
  private readonly signer: SignatureV4;

  constructor(endpoint: string, region: string, credentials: WireCredentials) {
    this.url = new URL(endpoint);
    this.agent =
      this.url.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true, maxSockets: 64 })
        : new HttpAgent({ keepAlive: true, maxSockets: 64 });
    this.signer = new SignatureV4({
      credentials,
      region,
      service: 'dynamodb',
      sha256: NodeSha256,
      applyChecksum: false,
    });
  }

  /** Calls one DynamoDB operation (`GetItem`, `Query`, ...) with its JSON input. */
  async call<T>(operation: string, input: object): Promise<T> {
    const body = JSON.stringify(input);
    const { url } = this;
    const signed = await this.signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        headers: {
          host: url.host,
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': `DynamoDB_20120810.${operation}`,
        },
        body,
      }),
    );
    const { status, text } = await this.post(signed.headers as Record<string, string>, body);
    const answer = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
    if (status >= 300) {
      const type = String(answer.__type ?? 'DynamoDbException');
      const name = type.slice(type.lastIndexOf('#') + 1);
      throw new DynamoDbServiceError(name, String(answer.message ?? answer.Message ?? name));
    }
    return answer as T;
  }

  private post(headers: Record<string, string>, body: string) {
    const send = this.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = send(this.url, { method: 'POST', headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 500, text: Buffer.concat(chunks).toString() }),
        );
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(body);
    });
  }

  destroy(): void {
    this.agent.destroy();
  }
}
