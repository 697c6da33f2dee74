// Key-transparency wire formats: round trips, and every truncation, trailing byte, bad enum,
// oversized length and non-canonical form rejected with a DecodeError.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError } from '../../src/binary/decode-error.ts';
import { decodeAuditPage, decodeAuditorTreeHead, encodeAuditPage, encodeAuditorTreeHead, type AuditPage } from '../../src/transparency/audit.ts';
import {
  decodeCheckpointResponse,
  decodeConsistencyResponse,
  encodeCheckpointResponse,
  encodeConsistencyResponse,
  parseQueryInteger,
  type CheckpointResponse,
} from '../../src/transparency/checkpoint.ts';
import { decodeConfigurationWire, encodeConfigurationWire, type WireConfiguration } from '../../src/transparency/configuration.ts';
import { decodeMonitorRequest, decodeMonitorResponse, encodeMonitorRequest, encodeMonitorResponse, type MonitorResponse } from '../../src/transparency/monitor.ts';
import { decodeSearchRequest, decodeSearchResponse, encodeSearchRequest, encodeSearchResponse, type SearchResponse } from '../../src/transparency/search.ts';

const h = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const sig = new Uint8Array(64).fill(7);

const fullTreeHead = {
  headType: 'updated' as const,
  treeHead: { treeSize: 12, signature: sig },
  auditorTreeHeads: [
    { auditorPublicKey: h(1), timestamp: 1000, treeSize: 12, signature: sig },
    { auditorPublicKey: h(2), timestamp: 1000, treeSize: 12, signature: sig },
  ],
};
const prefix = {
  results: [
    { resultType: 'inclusion' as const, depth: 3 },
    { resultType: 'nonInclusionLeaf' as const, depth: 2, leaf: { vrfOutput: h(4), commitment: h(5) } },
    { resultType: 'nonInclusionParent' as const, depth: 4 },
  ],
  elements: [h(8), h(9), h(10)],
};
const latest = { timestamp: 5000, prefixRoot: h(3), inclusion: [h(11), h(12)], consistency: [h(13)] };
const search: SearchResponse = {
  fullTreeHead,
  version: 2,
  opening: new Uint8Array(16).fill(6),
  value: Uint8Array.of(1, 2, 3),
  binaryLadder: [{ proof: new Uint8Array(80).fill(1), commitment: h(2) }, { proof: new Uint8Array(80).fill(2) }],
  search: { latest, prefix },
};
const monitor: MonitorResponse = {
  fullTreeHead,
  greatestVersion: 1,
  binaryLadder: search.binaryLadder,
  search: search.search,
  versions: [
    { vrfProof: new Uint8Array(80).fill(3), opening: new Uint8Array(16), value: Uint8Array.of(9), position: 0, inserted: { timestamp: 5000, prefixRoot: h(3), inclusion: [h(11)] }, insertedProof: prefix },
    {
      vrfProof: new Uint8Array(80).fill(3),
      opening: new Uint8Array(16),
      value: Uint8Array.of(9),
      position: 4,
      inserted: { timestamp: 1, prefixRoot: h(1), inclusion: [] },
      insertedProof: prefix,
      prior: { entry: { timestamp: 0, prefixRoot: h(2), inclusion: [h(3)] }, absentProof: prefix },
    },
  ],
};
const checkpoint: CheckpointResponse = { fullTreeHead, latest };
const audit: AuditPage = {
  treeSize: 9,
  epochs: [
    { position: 3, timestamp: 10, prefixRoot: h(1), signature: sig, inserts: [{ vrfOutput: h(2), commitment: h(3) }] },
    { position: 4, timestamp: 11, prefixRoot: h(1), signature: sig, inserts: [] },
  ],
};
const config: WireConfiguration = {
  ciphersuite: 2,
  mode: { kind: 'thirdPartyAuditing', maxAuditorLag: 1, auditorStartPos: 0, auditorPublicKey: new Uint8Array([...h(1), ...h(2)]) },
  signaturePublicKey: h(5),
  vrfPublicKey: h(6),
  maxAhead: 1,
  maxBehind: 2,
  reasonableMonitoringWindow: 3,
};

const cases: [string, Uint8Array, (b: Uint8Array) => unknown][] = [
  ['SearchRequest', encodeSearchRequest({ last: 5, label: Uint8Array.of(1, 2) }), decodeSearchRequest],
  ['SearchResponse', encodeSearchResponse(search), decodeSearchResponse],
  ['MonitorRequest', encodeMonitorRequest({ label: Uint8Array.of(1), knownVersion: 3 }), decodeMonitorRequest],
  ['MonitorResponse', encodeMonitorResponse(monitor), decodeMonitorResponse],
  ['CheckpointResponse', encodeCheckpointResponse(checkpoint), decodeCheckpointResponse],
  ['ConsistencyResponse', encodeConsistencyResponse({ proof: [h(1), h(2)] }), decodeConsistencyResponse],
  ['AuditPage', encodeAuditPage(audit), decodeAuditPage],
  ['AuditorTreeHead', encodeAuditorTreeHead(fullTreeHead.auditorTreeHeads[0]!), decodeAuditorTreeHead],
  ['Configuration', encodeConfigurationWire(config), decodeConfigurationWire],
];

describe('key-transparency wire formats', () => {
  it('round-trip', () => {
    assert.deepEqual(decodeSearchResponse(encodeSearchResponse(search)), search);
    assert.deepEqual(decodeMonitorResponse(encodeMonitorResponse(monitor)), monitor);
    assert.deepEqual(decodeCheckpointResponse(encodeCheckpointResponse(checkpoint)), checkpoint);
    assert.deepEqual(decodeAuditPage(encodeAuditPage(audit)), audit);
    assert.deepEqual(decodeConfigurationWire(encodeConfigurationWire(config)), config);
    assert.deepEqual(decodeSearchRequest(encodeSearchRequest({ label: Uint8Array.of(1), version: 3 })), { label: Uint8Array.of(1), version: 3 });
  });

  for (const [name, bytes, decode] of cases) {
    it(`${name}: every truncation and a trailing byte are rejected`, () => {
      decode(bytes);
      for (let len = 0; len < bytes.length; len++) assert.throws(() => decode(bytes.subarray(0, len)), DecodeError, `${name} truncated to ${len}`);
      assert.throws(() => decode(new Uint8Array([...bytes, 0])), DecodeError);
    });
    it(`${name}: no single-byte change crashes the decoder`, () => {
      for (let i = 0; i < bytes.length; i++) {
        const copy = bytes.slice();
        copy[i]! ^= 0xff;
        try {
          decode(copy);
        } catch (error) {
          assert.ok(error instanceof DecodeError, `${name} byte ${i}: ${String(error)}`);
        }
      }
    });
  }

  it('rejects bad enums, presence octets, depths and orders', () => {
    const bad = (b: Uint8Array, decode: (x: Uint8Array) => unknown) => assert.throws(() => decode(b), DecodeError);
    bad(Uint8Array.of(2, 0, 0), decodeSearchRequest); // presence octet 2
    const resp = encodeCheckpointResponse(checkpoint);
    bad(Uint8Array.of(3, ...resp.subarray(1)), decodeCheckpointResponse); // head_type 3
    const swapped = { ...fullTreeHead, auditorTreeHeads: [...fullTreeHead.auditorTreeHeads].reverse() };
    // The encoder sorts; a hand-made unsorted list must fail.
    const enc = encodeCheckpointResponse({ fullTreeHead: swapped, latest });
    const keyAt = enc.indexOf(1, 1 + 8 + 2 + 64 + 2);
    const unsorted = enc.slice();
    unsorted.fill(3, keyAt, keyAt + 32);
    bad(unsorted, decodeCheckpointResponse);
    bad(encodeMonitorResponse({ ...monitor, versions: [{ ...monitor.versions[0]!, position: 1 }] }), decodeMonitorResponse); // prior missing
    bad(encodeAuditPage({ ...audit, epochs: [audit.epochs[1]!, audit.epochs[0]!] }), decodeAuditPage); // not consecutive
    bad(encodeAuditPage({ ...audit, treeSize: 4 }), decodeAuditPage); // beyond tree_size
    const zeroDepth = encodeSearchResponse({ ...search, search: { latest, prefix: { results: [{ resultType: 'inclusion', depth: 0 }], elements: [] } } });
    bad(zeroDepth, decodeSearchResponse);
    bad(encodeConfigurationWire({ ...config, mode: { ...config.mode, auditorPublicKey: new Uint8Array([...h(2), ...h(1)]) } as WireConfiguration['mode'] }), decodeConfigurationWire);
  });

  it('parses query integers strictly', () => {
    assert.equal(parseQueryInteger(null, 'x'), undefined);
    assert.equal(parseQueryInteger('0', 'x'), 0);
    assert.equal(parseQueryInteger('9007199254740991', 'x'), 9007199254740991);
    for (const s of ['', '-1', '01', '1e3', ' 1', '9007199254740992', '12345678901234567', '0x1']) assert.throws(() => parseQueryInteger(s, 'x'), DecodeError, s);
  });
});
