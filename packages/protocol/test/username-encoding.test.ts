import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { authSigningInput, registrationSigningInput } from '../src/auth.ts';
import { fromBase64Url, fromHex, toBase64Url, toHex } from '../src/encoding.ts';
import { normaliseUsername } from '../src/username.ts';

describe('usernames', () => {
  it('normalise with NFKC and lowercase', () => {
    assert.deepEqual(normaliseUsername('Alice'), { ok: true, username: 'alice' });
    assert.deepEqual(normaliseUsername('ＡＬＩＣＥ_1'), { ok: true, username: 'alice_1' });
    assert.deepEqual(normaliseUsername('a.b-c_d'), { ok: true, username: 'a.b-c_d' });
  });
  it('reject what breaks the rules', () => {
    const cases: [unknown, string][] = [
      [42, 'not-a-string'],
      ['ab', 'too-short'],
      ['a'.repeat(33), 'too-long'],
      ['a'.repeat(129), 'too-long-input'],
      ['.alice', 'invalid-characters'],
      ['alice-', 'invalid-characters'],
      ['al ice', 'invalid-characters'],
      ['аlice', 'invalid-characters'], // Cyrillic a: no homoglyphs
      ['ali@ce', 'invalid-characters'],
    ];
    for (const [input, error] of cases) assert.deepEqual(normaliseUsername(input), { ok: false, error }, String(input));
  });
});

describe('encodings', () => {
  it('base64url round-trips and is canonical', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
      const text = toBase64Url(bytes);
      assert.deepEqual(fromBase64Url(text), bytes);
      assert.deepEqual(toBase64Url(fromBase64Url(text)!), text);
    }), { numRuns: 300 });
    assert.equal(toBase64Url(new Uint8Array([0xfb, 0xff])), '-_8');
    for (const bad of ['A', 'AB=', 'A+B/', 'AB C', 'AF', 'é']) assert.equal(fromBase64Url(bad), undefined, bad);
  });
  it('hex round-trips, lowercase only', () => {
    assert.equal(toHex(new Uint8Array([0, 15, 255])), '000fff');
    assert.deepEqual(fromHex('000fff'), new Uint8Array([0, 15, 255]));
    for (const bad of ['0', '0G', '0F', ' 00', '0\u0130', 'é0', '0-', '00:0']) assert.equal(fromHex(bad), undefined, bad);
    assert.deepEqual(fromHex(''), new Uint8Array(0));
    // Every byte value both ways (the table-driven codec).
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(fromHex(toHex(all)), all);
  });
});

describe('signing inputs', () => {
  it('are domain-separated and length-checked', () => {
    const challenge = new Uint8Array(32).fill(1);
    const auth = authSigningInput(challenge, new Uint8Array(16));
    const reg = registrationSigningInput(challenge, 'alice');
    assert.equal(new TextDecoder().decode(auth.subarray(0, 15)), 'sealed auth v1\0');
    assert.equal(new TextDecoder().decode(reg.subarray(0, 19)), 'sealed register v1\0');
    assert.throws(() => authSigningInput(new Uint8Array(31), new Uint8Array(16)), RangeError);
  });
});
