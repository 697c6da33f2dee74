// The transport's JSON bodies are exactly what the server's validators accept (protocol http.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { parseClaimRequest, parseKeyPackageUploadRequest, parseRegisterRequest, parseSessionRequest } from '@sealed/protocol/http';
import { newAccount, registerRequest, sessionRequest } from '../../src/engine/account.ts';
import { httpCallOf } from '../../src/transport/http-codec.ts';

const account = newAccount(nodeProvider, 'alice');
const challenge = nodeProvider.randomBytes(32);

test('register and session bodies parse back to the same values with the server validators', () => {
  const register = registerRequest(nodeProvider, account, challenge);
  const call = httpCallOf({ kind: 'register', body: register });
  assert.equal(call.method, 'POST');
  assert.equal(call.path, '/v1/accounts');
  assert.deepEqual(parseRegisterRequest(JSON.parse(JSON.stringify(call.body))), register);
  const session = sessionRequest(nodeProvider, account, challenge);
  const sessionCall = httpCallOf({ kind: 'session', body: session });
  assert.equal(sessionCall.path, '/v1/sessions');
  assert.deepEqual(parseSessionRequest(JSON.parse(JSON.stringify(sessionCall.body))), session);
});

test('key package upload (with and without last resort), claim and account lookups', () => {
  const keyPackages = [Uint8Array.of(1, 2, 3), Uint8Array.of(4)];
  for (const body of [{ keyPackages }, { keyPackages, lastResort: Uint8Array.of(9) }]) {
    const call = httpCallOf({ kind: 'upload-key-packages', body });
    assert.equal(call.path, '/v1/key-packages');
    assert.deepEqual(parseKeyPackageUploadRequest(JSON.parse(JSON.stringify(call.body))), body);
  }
  const claim = httpCallOf({ kind: 'claim-key-packages', username: 'bob' });
  assert.equal(claim.path, '/v1/key-packages/claim');
  assert.deepEqual(parseClaimRequest(claim.body), { username: 'bob' });
  assert.deepEqual(httpCallOf({ kind: 'get-account', username: 'b/../x' }), { method: 'GET', path: '/v1/accounts/b%2F..%2Fx', body: undefined });
  assert.deepEqual(httpCallOf({ kind: 'challenge' }), { method: 'POST', path: '/v1/challenges', body: {} });
});
