import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { toBase64Url, toHex } from '../src/encoding.ts';
import { ERROR_CODES, errorCodeFromWire } from '../src/errors.ts';
import {
  parseClaimResponse,
  parseErrorBody,
  parseKeyPackageUploadRequest,
  parseRegisterRequest,
  parseSessionRequest,
  claimResponseJson,
  errorBodyJson,
} from '../src/http.ts';
import { MAX_KEY_PACKAGES_PER_UPLOAD } from '../src/limits.ts';
import { ValidationError } from '../src/validate.ts';

const b64 = (n: number, fill = 1) => toBase64Url(new Uint8Array(n).fill(fill));
const register = {
  username: 'alice',
  identityKey: b64(32),
  deviceList: b64(100),
  challenge: b64(32),
  identitySignature: b64(64),
  deviceSignature: b64(64),
};

function invalid(fn: () => unknown, code: 'bad-request' | 'too-large' = 'bad-request'): void {
  assert.throws(fn, (e: unknown) => e instanceof ValidationError && e.code === code);
}

describe('HTTP request validators', () => {
  it('accept a well-formed register request', () => {
    const r = parseRegisterRequest(register);
    assert.equal(r.identityKey.length, 32);
  });

  it('reject wrong types, missing fields, unknown keys, wrong lengths, non-canonical base64', () => {
    for (const body of [null, [], 'x', 1]) invalid(() => parseRegisterRequest(body));
    invalid(() => parseRegisterRequest({ ...register, extra: 1 }));
    invalid(() => parseRegisterRequest({ ...register, username: 5 }));
    invalid(() => parseRegisterRequest({ ...register, identityKey: b64(31) }));
    invalid(() => parseRegisterRequest({ ...register, identityKey: '*' + b64(32).slice(1) }));
    invalid(() => parseRegisterRequest({ ...register, challenge: undefined }));
    invalid(() => parseRegisterRequest({ ...register, deviceList: b64(5000) }), 'too-large');
    invalid(() => parseRegisterRequest({ ...register, username: 'a'.repeat(200) }), 'too-large');
    invalid(() => parseSessionRequest({ deviceId: 'AB'.repeat(16), challenge: b64(32), signature: b64(64) }));
    invalid(() => parseSessionRequest({ deviceId: 'ab', challenge: b64(32), signature: b64(64) }));
  });

  it('bound key-package uploads before decoding', () => {
    invalid(() => parseKeyPackageUploadRequest({ keyPackages: [] }));
    invalid(() => parseKeyPackageUploadRequest({ keyPackages: Array(MAX_KEY_PACKAGES_PER_UPLOAD + 1).fill(b64(4)) }), 'too-large');
    invalid(() => parseKeyPackageUploadRequest({ keyPackages: [b64(20000)] }), 'too-large');
    invalid(() => parseKeyPackageUploadRequest({ keyPackages: [5] }));
    assert.equal(parseKeyPackageUploadRequest({ keyPackages: [], lastResort: b64(4) }).lastResort?.length, 4);
  });

  it('responses round-trip through their client-side validators', () => {
    const claim = { keyPackages: [{ deviceId: new Uint8Array(16).fill(7), keyPackage: new Uint8Array([1, 2]), lastResort: true }] };
    assert.deepEqual(parseClaimResponse(JSON.parse(JSON.stringify(claimResponseJson(claim)))), claim);
    assert.deepEqual(parseErrorBody(errorBodyJson({ code: 'stale-epoch', message: 'm' })), { code: 'stale-epoch', message: 'm' });
    invalid(() => parseErrorBody({ error: { code: 'nope', message: '' } }));
    invalid(() => parseClaimResponse({ keyPackages: [{ deviceId: toHex(new Uint8Array(16)), keyPackage: b64(2), lastResort: 'yes' }] }));
  });
});

describe('error table', () => {
  it('wire numbers are unique and map back', () => {
    const wires = Object.values(ERROR_CODES).map((r) => r.wire);
    assert.equal(new Set(wires).size, wires.length);
    for (const [code, row] of Object.entries(ERROR_CODES)) assert.equal(errorCodeFromWire(row.wire), code);
    assert.equal(errorCodeFromWire(0), undefined);
  });

  it('README documents exactly the table of errors.ts', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const [code, row] of Object.entries(ERROR_CODES)) {
      assert.ok(readme.includes(`| \`${code}\` | ${row.wire} | ${row.status} | ${row.meaning} |`), `README row for ${code}`);
    }
    const rows = readme.split('\n').filter((line) => /^\| `[a-z-]+` \| \d+ \| \d+ \|/.test(line));
    assert.equal(rows.length, Object.keys(ERROR_CODES).length);
  });
});
