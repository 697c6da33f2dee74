/**
 * Wycheproof hkdf_sha256_test.json (RFC 5869) through `hkdfExtract` + `hkdfExpand`, and
 * hmac_sha256_test.json through `hmac`, for both providers. Neither file has acceptable cases.
 *
 * - HKDF: valid cases give the exact OKM; the invalid ones ask for more than 255 * HashLen
 *   bytes and must throw CryptoError('invalid-length').
 * - HMAC: the file has full (256-bit) and truncated (128-bit) tags. Truncation is the
 *   caller's step (RFC 2104 §5: keep the leftmost bits), so every case runs through the
 *   interface: the tag is the leftmost tagSize bits of `hmac(...)`, compared with
 *   `constantTimeEqual`; valid cases must match, invalid (modified) tags must not.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hex, toHex } from '../../../tools/testvectors.ts';
import { PROVIDERS } from './providers.ts';
import { expectCryptoError, loadWycheproof, runSuite, type WycheproofGroup, type WycheproofTest } from './wycheproof.ts';

interface HkdfTest extends WycheproofTest {
  readonly ikm: string;
  readonly salt: string;
  readonly info: string;
  readonly size: number;
  readonly okm: string;
}
interface MacTest extends WycheproofTest {
  readonly key: string;
  readonly msg: string;
  readonly tag: string;
}
interface MacGroup extends WycheproofGroup<MacTest> {
  readonly tagSize: number;
}

const hkdf = loadWycheproof<HkdfTest>('hkdf_sha256_test.json');
const hmac = loadWycheproof<MacTest, MacGroup>('hmac_sha256_test.json');

for (const provider of PROVIDERS) {
  describe(`Wycheproof HKDF and HMAC (${provider.name})`, () => {
    it('hkdf_sha256_test.json: valid OKM exact, oversized outputs rejected', () => {
      runSuite(`hkdf_sha256_test.json (${provider.name})`, hkdf, (test) => {
        assert.notEqual(test.result, 'acceptable');
        const prk = provider.hkdfExtract('SHA-256', hex(test.salt), hex(test.ikm));
        const expand = () => provider.hkdfExpand('SHA-256', prk, hex(test.info), test.size);
        if (test.result === 'valid') assert.equal(toHex(expand()), test.okm);
        else expectCryptoError('invalid-length', expand);
        return 'run';
      });
    });

    it('hmac_sha256_test.json: full and truncated tags, modified tags rejected', () => {
      runSuite(`hmac_sha256_test.json (${provider.name})`, hmac, (test, group) => {
        assert.notEqual(test.result, 'acceptable');
        const full = provider.hmac('SHA-256', hex(test.key), hex(test.msg));
        assert.equal(full.length, 32);
        const tag = full.subarray(0, group.tagSize / 8);
        assert.equal(provider.constantTimeEqual(tag, hex(test.tag)), test.result === 'valid');
        return 'run';
      });
    });
  });
}
