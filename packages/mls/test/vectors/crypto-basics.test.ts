// RFC 9420 §5.1-5.2 labelled functions against the official `crypto-basics.json` vectors,
// for every cipher suite in the file and every provider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { deriveSecret, deriveTreeSecret, expandWithLabel, refHash } from '../../src/crypto/kdf.ts';
import { MlsCryptoError } from '../../src/crypto/errors.ts';
import { decryptWithLabel, encryptWithLabel } from '../../src/crypto/hpke.ts';
import { signWithLabel, verifyWithLabel } from '../../src/crypto/signature.ts';
import { PROVIDERS } from './providers.ts';

interface CryptoBasicsVector {
  cipher_suite: number;
  ref_hash: { label: string; value: string; out: string };
  expand_with_label: { secret: string; label: string; context: string; length: number; out: string };
  derive_secret: { secret: string; label: string; out: string };
  derive_tree_secret: { secret: string; label: string; generation: number; length: number; out: string };
  sign_with_label: { priv: string; pub: string; content: string; label: string; signature: string };
  encrypt_with_label: { priv: string; pub: string; label: string; context: string; plaintext: string; kem_output: string; ciphertext: string };
}

const vectors = loadVectors<CryptoBasicsVector[]>('mls/crypto-basics.json');

for (const provider of PROVIDERS) {
  test(`crypto-basics.json (${provider.name}): ${vectors.length} cases`, () => {
    const suites = new Set<number>();
    for (const v of vectors) {
      const suite = cipherSuite(v.cipher_suite, provider);
      suites.add(suite.id);
      const what = `suite ${v.cipher_suite}`;

      const r = v.ref_hash;
      assert.equal(toHex(refHash(suite, r.label, hex(r.value))), r.out, `${what} ref_hash`);

      const e = v.expand_with_label;
      assert.equal(toHex(expandWithLabel(suite, hex(e.secret), e.label, hex(e.context), e.length)), e.out, `${what} expand_with_label`);

      const d = v.derive_secret;
      assert.equal(toHex(deriveSecret(suite, hex(d.secret), d.label)), d.out, `${what} derive_secret`);

      const t = v.derive_tree_secret;
      assert.equal(toHex(deriveTreeSecret(suite, hex(t.secret), t.label, t.generation, t.length)), t.out, `${what} derive_tree_secret`);

      const s = v.sign_with_label;
      assert.ok(verifyWithLabel(suite, hex(s.pub), s.label, hex(s.content), hex(s.signature)), `${what} verify given signature`);
      const fresh = signWithLabel(suite, hex(s.priv), s.label, hex(s.content));
      assert.ok(verifyWithLabel(suite, hex(s.pub), s.label, hex(s.content), fresh), `${what} verify fresh signature`);
      // The label is part of what is signed: another label must not verify.
      assert.ok(!verifyWithLabel(suite, hex(s.pub), s.label + 'x', hex(s.content), hex(s.signature)), `${what} other label`);

      const c = v.encrypt_with_label;
      const [priv, context, plaintext] = [hex(c.priv), hex(c.context), hex(c.plaintext)];
      assert.equal(toHex(decryptWithLabel(suite, priv, c.label, context, hex(c.kem_output), hex(c.ciphertext))), c.plaintext, `${what} decrypt`);
      const sealed = encryptWithLabel(suite, hex(c.pub), c.label, context, plaintext);
      assert.equal(toHex(decryptWithLabel(suite, priv, c.label, context, sealed.kemOutput, sealed.ciphertext)), c.plaintext, `${what} round trip`);
      const failed = (e: unknown) => e instanceof MlsCryptoError && e.code === 'decrypt-failed';
      assert.throws(() => decryptWithLabel(suite, priv, c.label + 'x', context, hex(c.kem_output), hex(c.ciphertext)), failed, `${what} other label`);
      const altered = hex(c.ciphertext);
      altered[0]! ^= 1;
      assert.throws(() => decryptWithLabel(suite, priv, c.label, context, hex(c.kem_output), altered), failed, `${what} altered ciphertext`);
    }
    assert.deepEqual([...suites].sort(), [1, 2, 3, 4, 5, 6, 7]);
    console.log(`crypto-basics (${provider.name}): ${vectors.length} cases`);
  });
}
