/**
 * Wycheproof x25519_test.json (RFC 7748) through `dh('X25519', ...)`, for both providers.
 *
 * Acceptable cases (254, no case is "invalid"), our decision:
 * - An all-zero shared secret (flag ZeroSharedSecret: low-order public keys) is REJECTED with
 *   CryptoError('invalid-public-key'), as RFC 7748 §6.1 allows and RFC 9180 §7.1.4 requires
 *   of HPKE's DH; a contributory exchange is what MLS needs.
 * - Every other acceptable case (public keys on the twist, non-canonical u-coordinates >= p,
 *   the top bit set) is ACCEPTED with Wycheproof's exact result: RFC 7748 §5 says to mask
 *   the top bit and to accept non-canonical values, and both OpenSSL and noble do so.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hex, toHex } from '../../../tools/testvectors.ts';
import { PROVIDERS } from './providers.ts';
import { expectCryptoError, loadWycheproof, runSuite, type WycheproofTest } from './wycheproof.ts';

interface XdhTest extends WycheproofTest {
  readonly public: string;
  readonly private: string;
  readonly shared: string;
}

const file = loadWycheproof<XdhTest>('x25519_test.json');
const ZERO_SHARED = '00'.repeat(32);

for (const provider of PROVIDERS) {
  describe(`Wycheproof X25519 (${provider.name})`, () => {
    it('x25519_test.json: valid accepted exactly, zero shared secrets rejected, other acceptable accepted', () => {
      runSuite(`x25519_test.json (${provider.name})`, file, (test) => {
        const run = () => provider.dh('X25519', hex(test.private), hex(test.public));
        if (test.shared === ZERO_SHARED) {
          assert.notEqual(test.result, 'valid');
          expectCryptoError('invalid-public-key', run);
        } else {
          assert.notEqual(test.result, 'invalid');
          assert.equal(toHex(run()), test.shared);
        }
        return 'run';
      });
    });
  });
}
