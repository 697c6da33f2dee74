/**
 * Wycheproof ed25519_test.json (RFC 8032 verification) through `verify('Ed25519', ...)`, for
 * both providers. Valid signatures verify; invalid ones (S >= L, bad encodings, truncated or
 * extended signatures) return false. The file has no acceptable cases. Verification follows
 * RFC 8032 §5.1.7 (not ZIP-215) in both providers, so they agree on every signature.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hex } from '../../../tools/testvectors.ts';
import { PROVIDERS } from './providers.ts';
import { loadWycheproof, runSuite, type WycheproofGroup, type WycheproofTest } from './wycheproof.ts';

interface EddsaTest extends WycheproofTest {
  readonly msg: string;
  readonly sig: string;
}
interface EddsaGroup extends WycheproofGroup<EddsaTest> {
  readonly publicKey: { readonly pk: string };
}

const file = loadWycheproof<EddsaTest, EddsaGroup>('ed25519_test.json');

for (const provider of PROVIDERS) {
  describe(`Wycheproof Ed25519 (${provider.name})`, () => {
    it('ed25519_test.json: valid verify, invalid are rejected', () => {
      runSuite(`ed25519_test.json (${provider.name})`, file, (test, group) => {
        assert.notEqual(test.result, 'acceptable');
        const ok = provider.verify('Ed25519', hex(group.publicKey.pk), hex(test.msg), hex(test.sig));
        assert.equal(ok, test.result === 'valid');
        return 'run';
      });
    });
  });
}
