// Chunked AES-256-GCM attachments (features/attachments/format.ts): round trips at chunk
// boundaries, and every way of tampering with the stored file fails with a typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { nobleProvider } from '@sealed/crypto/noble/provider';
import { AttachmentError, type AttachmentErrorCode } from '../../src/features/attachments/errors.ts';
import { AttachmentDecryptor, AttachmentEncryptor, HEADER_BYTES, type SealedFile, TAG_BYTES } from '../../src/features/attachments/format.ts';

const CHUNK = 1024;
const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

function encrypt(plaintext: Uint8Array, pieces = 7, provider = nodeProvider): { stored: Uint8Array; file: SealedFile } {
  const enc = new AttachmentEncryptor(provider, CHUNK);
  const out: Uint8Array[] = [];
  const step = Math.max(1, Math.ceil(plaintext.length / pieces));
  for (let i = 0; i < plaintext.length; i += step) out.push(...enc.push(plaintext.subarray(i, i + step)));
  const last = enc.finish();
  out.push(...last.bytes);
  // A Uint8Array copy: Buffer#slice would share memory and let one tampering leak into the next case.
  return { stored: new Uint8Array(Buffer.concat(out)), file: last.file };
}

function decrypt(stored: Uint8Array, file: SealedFile, piece = 333, provider = nodeProvider): Uint8Array {
  const dec = new AttachmentDecryptor(provider, file);
  const out: Uint8Array[] = [];
  for (let i = 0; i < stored.length; i += piece) out.push(...dec.push(stored.subarray(i, i + piece)));
  out.push(dec.finish());
  return new Uint8Array(Buffer.concat(out));
}

function fails(stored: Uint8Array, file: SealedFile, code: AttachmentErrorCode): void {
  assert.throws(() => decrypt(stored, file), (e: unknown) => {
    assert.ok(e instanceof AttachmentError, String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('round trip at every size around chunk boundaries, in any piece size, node and noble providers', () => {
  for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17]) {
    const plaintext = nodeProvider.randomBytes(size);
    const { stored, file } = encrypt(plaintext, 5);
    const chunks = Math.max(1, Math.ceil(size / CHUNK) + (size > 0 && size % CHUNK === 0 ? 0 : 0));
    assert.equal(stored.length, HEADER_BYTES + size + chunks * TAG_BYTES, `size ${size}`);
    assert.equal(file.size, stored.length);
    for (const piece of [1, 100, CHUNK + TAG_BYTES, 1 << 20]) assert.deepEqual(decrypt(stored, file, piece), plaintext);
    const sizing = new AttachmentDecryptor(nodeProvider, file);
    sizing.push(stored.subarray(0, HEADER_BYTES));
    assert.equal(sizing.plaintextSize, size, 'plaintext size known from the header');
    assert.deepEqual(decrypt(stored, file, 500, nobleProvider), plaintext, 'portable provider opens it too');
  }
});

test('tampering fails typed: flipped bit, truncation at and inside a chunk, reordered, dropped and extra chunks, wrong key, wrong hash', () => {
  const plaintext = nodeProvider.randomBytes(4 * CHUNK + 10);
  const { stored, file } = encrypt(plaintext);
  const at = (i: number) => HEADER_BYTES + i * (CHUNK + TAG_BYTES);
  const flipped = stored.slice();
  flipped[at(1) + 5]! ^= 1;
  fails(flipped, file, 'chunk-authentication-failed');
  // Cut at a chunk boundary: the last chunk left was sealed as not-final.
  fails(stored.subarray(0, at(3)), { ...file, size: at(3) }, 'truncated');
  fails(stored.subarray(0, at(3) + 100), file, 'truncated');
  // Swap chunks 1 and 2.
  const swapped = concat([stored.subarray(0, at(1)), stored.subarray(at(2), at(3)), stored.subarray(at(1), at(2)), stored.subarray(at(3))]);
  fails(swapped, file, 'chunk-authentication-failed');
  // Drop chunk 1.
  const dropped = concat([stored.subarray(0, at(1)), stored.subarray(at(2))]);
  fails(dropped, { ...file, size: dropped.length }, 'chunk-authentication-failed');
  // Bytes after the final chunk: after a short final chunk they shift the chunk grid (the
  // next chunk fails to authenticate); after a full-size final chunk they are named as such.
  const extra = concat([stored, stored.subarray(at(0), at(1))]);
  fails(extra, { ...file, size: extra.length }, 'chunk-authentication-failed');
  fails(extra, file, 'size-mismatch');
  const full = encrypt(nodeProvider.randomBytes(4 * CHUNK));
  const fullExtra = concat([full.stored, full.stored.subarray(at(0), at(1))]);
  fails(fullExtra, { ...full.file, size: fullExtra.length }, 'trailing-data');
  fails(stored, { ...file, key: nodeProvider.randomBytes(32) }, 'chunk-authentication-failed');
  fails(stored, { ...file, contentHash: new Uint8Array(32) }, 'hash-mismatch');
  const badMagic = stored.slice();
  badMagic[0] = 0;
  fails(badMagic, file, 'bad-header');
  const badVersion = stored.slice();
  badVersion[3] = 9;
  fails(badVersion, file, 'unknown-version');
  const hugeChunk = stored.slice();
  new DataView(hugeChunk.buffer).setUint32(4, 0xffff_ffff);
  fails(hugeChunk, file, 'bad-header');
  // A file from another upload (same length, other key) is not accepted under this reference.
  const other = encrypt(plaintext);
  fails(other.stored, file, 'chunk-authentication-failed');
  assert.throws(() => new AttachmentDecryptor(nodeProvider, { ...file, key: new Uint8Array(16) }), (e: unknown) => e instanceof AttachmentError && e.code === 'invalid-reference');
});

test('each file has its own key and nonce prefix; the stored bytes do not contain the plaintext', () => {
  const plaintext = new TextEncoder().encode('the same secret file '.repeat(200));
  const a = encrypt(plaintext);
  const b = encrypt(plaintext);
  assert.notDeepEqual(a.file.key, b.file.key);
  assert.notDeepEqual(a.file.noncePrefix, b.file.noncePrefix);
  assert.notDeepEqual(a.file.contentHash, b.file.contentHash);
  assert.equal(Buffer.from(a.stored).includes(Buffer.from('same secret')), false);
});
