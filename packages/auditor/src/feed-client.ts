/**
 * The auditor's side of the wire contract (docs/key-transparency.md, "Wire contract"):
 * GET /v1/kt/config, GET /v1/kt/audit?start=p, GET /v1/kt/checkpoint and
 * POST /v1/kt/countersignatures, with the strict decoders of @sealed/protocol. Every
 * response body is read with a size cap before decoding.
 */
import { decodeAuditPage, encodeAuditorTreeHead, KT_MAX_AUDIT_PAGE_BYTES, type AuditPage } from '@sealed/protocol/transparency/audit';
import { decodeCheckpointResponse, type CheckpointResponse } from '@sealed/protocol/transparency/checkpoint';
import { KT_MAX_CONFIGURATION_BYTES } from '@sealed/protocol/transparency/limits';
import type { AuditorTreeHead } from '@sealed/protocol/transparency/tree-head';

/** A checkpoint response is a head, up to 16 countersignatures and two short proofs. */
const MAX_CHECKPOINT_RESPONSE_BYTES = 64 * 1024;
/** How long one request may take before the follower gives up on it and tries later. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** A request that failed (network, status or decoding); the follower logs it and retries. */
export class FeedError extends Error {
  override readonly name = 'FeedError';
}

async function getBytes(url: string, cap: number): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new FeedError(`GET ${new URL(url).pathname}: ${(error as Error).message}`);
  }
  if (res.status !== 200) throw new FeedError(`GET ${new URL(url).pathname}: status ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > cap) throw new FeedError(`GET ${new URL(url).pathname}: ${declared} octets > ${cap}`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (body.length > cap) throw new FeedError(`GET ${new URL(url).pathname}: ${body.length} octets > ${cap}`);
  return body;
}

export class FeedClient {
  constructor(private readonly serverUrl: string) {}

  private url(path: string): string {
    return new URL(path, this.serverUrl).toString();
  }

  /** The log's Configuration octets (compared with the pinned copy by the caller). */
  configuration(): Promise<Uint8Array> {
    return getBytes(this.url('/v1/kt/config'), KT_MAX_CONFIGURATION_BYTES);
  }

  /** @throws {FeedError} for a failed request or a page that does not decode. */
  async page(start: number): Promise<AuditPage> {
    const body = await getBytes(this.url(`/v1/kt/audit?start=${start}`), KT_MAX_AUDIT_PAGE_BYTES);
    try {
      return decodeAuditPage(body);
    } catch (error) {
      throw new FeedError(`audit page from ${start} does not decode: ${(error as Error).message}`);
    }
  }

  /** @throws {FeedError} for a failed request or a response that does not decode. */
  async checkpoint(): Promise<CheckpointResponse> {
    const body = await getBytes(this.url('/v1/kt/checkpoint'), MAX_CHECKPOINT_RESPONSE_BYTES);
    try {
      return decodeCheckpointResponse(body);
    } catch (error) {
      throw new FeedError(`checkpoint does not decode: ${(error as Error).message}`);
    }
  }

  /** @throws {FeedError} unless the server answers 204. */
  async submit(head: AuditorTreeHead): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.url('/v1/kt/countersignatures'), {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: encodeAuditorTreeHead(head) as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new FeedError(`POST countersignature: ${(error as Error).message}`);
    }
    await res.arrayBuffer();
    if (res.status !== 204) throw new FeedError(`POST countersignature of size ${head.treeSize}: status ${res.status}`);
  }
}
