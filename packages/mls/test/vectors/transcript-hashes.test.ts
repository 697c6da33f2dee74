// RFC 9420 §8.2 transcript hashes and confirmation tag against the official
// `transcript-hashes.json` vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { parseAuthenticatedContent } from '../../src/structs/framing.ts';
import { TranscriptError } from '../../src/transcript/errors.ts';
import { confirmedTranscriptHash, transcriptHashesAfter, verifyConfirmationTag } from '../../src/transcript/transcript-hash.ts';
import { PROVIDERS } from './providers.ts';

interface TranscriptVector {
  cipher_suite: number;
  confirmation_key: string;
  authenticated_content: string;
  interim_transcript_hash_before: string;
  confirmed_transcript_hash_after: string;
  interim_transcript_hash_after: string;
}

const vectors = loadVectors<TranscriptVector[]>('mls/transcript-hashes.json');

for (const provider of PROVIDERS) {
  test(`transcript-hashes.json (${provider.name}): ${vectors.length} cases`, () => {
    const suites = new Set<number>();
    for (const v of vectors) {
      const suite = cipherSuite(v.cipher_suite, provider);
      suites.add(suite.id);
      const content = parseAuthenticatedContent(hex(v.authenticated_content));
      assert.equal(content.content.content.type, 'commit');
      const tag = content.auth.confirmationTag!;
      assert.ok(verifyConfirmationTag(suite, hex(v.confirmation_key), hex(v.confirmed_transcript_hash_after), tag), `suite ${suite.id} tag`);
      const wrongKey = hex(v.confirmation_key).map((b, i) => (i === 0 ? b ^ 1 : b));
      assert.ok(!verifyConfirmationTag(suite, wrongKey, hex(v.confirmed_transcript_hash_after), tag));
      const after = transcriptHashesAfter(suite, hex(v.interim_transcript_hash_before), content);
      assert.equal(toHex(after.confirmed), v.confirmed_transcript_hash_after, `suite ${suite.id} confirmed`);
      assert.equal(toHex(after.interim), v.interim_transcript_hash_after, `suite ${suite.id} interim`);
    }
    assert.deepEqual([...suites].sort(), [1, 2, 3, 4, 5, 6, 7]);
    console.log(`transcript-hashes (${provider.name}): ${vectors.length} cases`);
  });
}

test('transcript: only commits with a confirmation tag enter the transcript', () => {
  const suite = cipherSuite(1, PROVIDERS[0]!);
  const content = {
    wireFormat: 'mls_public_message' as const,
    content: {
      groupId: new Uint8Array(1),
      epoch: 0n,
      sender: { type: 'member' as const, leafIndex: 0 },
      authenticatedData: new Uint8Array(0),
      content: { type: 'application' as const, applicationData: new Uint8Array(3) },
    },
    auth: { signature: new Uint8Array(64) },
  };
  assert.throws(() => confirmedTranscriptHash(suite, new Uint8Array(0), content), (e: unknown) => e instanceof TranscriptError && e.code === 'not-a-commit');
  const commit = { ...content, content: { ...content.content, content: { type: 'commit' as const, commit: { proposals: [], path: undefined } } } };
  assert.throws(() => transcriptHashesAfter(suite, new Uint8Array(0), commit), (e: unknown) => e instanceof TranscriptError && e.code === 'missing-confirmation-tag');
});
