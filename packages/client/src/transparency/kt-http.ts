/**
 * The client's calls to the transparency endpoints (docs/key-transparency.md, "Wire
 * contract"), with the strict decoders of @sealed/protocol. Bodies are read with a cap
 * before decoding. Failures are TransparencyError('unavailable'), distinct from a proof
 * that does not verify.
 */
import { decodeConsistencyResponse } from '@sealed/protocol/transparency/checkpoint';
import { decodeMonitorResponse, encodeMonitorRequest, type MonitorResponse } from '@sealed/protocol/transparency/monitor';
import { decodeSearchResponse, encodeSearchRequest, type SearchResponse } from '@sealed/protocol/transparency/search';
import { toBase64Url } from '@sealed/protocol/encoding';
import { TransparencyError } from './transparency-error.ts';

/** A search response is a few KiB (goal: under 8 KiB at 10^6 accounts); 1 MiB bounds a hostile one. */
export const MAX_SEARCH_RESPONSE_BYTES = 1024 * 1024;
/** A monitor response holds up to 32 versions of at most 64 KiB each, plus proofs. */
export const MAX_MONITOR_RESPONSE_BYTES = 4 * 1024 * 1024;
const MAX_CONSISTENCY_RESPONSE_BYTES = 4096;
export const KT_REQUEST_TIMEOUT_MS = 15_000;

async function call(url: string, init: RequestInit, cap: number): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(KT_REQUEST_TIMEOUT_MS) });
  } catch {
    throw new TransparencyError('unavailable', `${new URL(url).pathname}: no answer`);
  }
  const body = new Uint8Array(await res.arrayBuffer());
  // 404: the label has no version in the served log yet (an account registered since the
  // last epoch); distinct from a proof that fails, which is `not-in-log`.
  if (res.status !== 200) throw new TransparencyError(res.status === 404 ? 'not-logged-yet' : 'unavailable', `${new URL(url).pathname}: status ${res.status}`);
  if (body.length > cap) throw new TransparencyError('malformed', `${new URL(url).pathname}: ${body.length} octets`);
  return body;
}

function decoded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch {
    throw new TransparencyError('malformed', `${what} does not decode`);
  }
}

export class KtHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly token: () => Uint8Array | undefined,
  ) {}

  private post(path: string, body: Uint8Array, cap: number): Promise<Uint8Array> {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    const token = this.token();
    if (token !== undefined) headers.authorization = `Bearer ${toBase64Url(token)}`;
    return call(new URL(path, this.baseUrl).toString(), { method: 'POST', headers, body: body as Uint8Array<ArrayBuffer> }, cap);
  }

  /** A greatest-version search, or with `version` a fixed-version search. */
  async search(label: Uint8Array, last: number | undefined, version?: number): Promise<SearchResponse> {
    const req = { label, ...(last === undefined ? {} : { last }), ...(version === undefined ? {} : { version }) };
    const body = await this.post('/v1/kt/search', encodeSearchRequest(req), MAX_SEARCH_RESPONSE_BYTES);
    return decoded('SearchResponse', () => decodeSearchResponse(body));
  }

  async monitor(label: Uint8Array, knownVersion: number | undefined, last: number | undefined): Promise<MonitorResponse> {
    const req = { label, ...(last === undefined ? {} : { last }), ...(knownVersion === undefined ? {} : { knownVersion }) };
    const body = await this.post('/v1/kt/monitor', encodeMonitorRequest(req), MAX_MONITOR_RESPONSE_BYTES);
    return decoded('MonitorResponse', () => decodeMonitorResponse(body));
  }

  async consistency(from: number, to: number): Promise<readonly Uint8Array[]> {
    const body = await call(new URL(`/v1/kt/consistency?from=${from}&to=${to}`, this.baseUrl).toString(), {}, MAX_CONSISTENCY_RESPONSE_BYTES);
    return decoded('ConsistencyResponse', () => decodeConsistencyResponse(body)).proof;
  }
}
