// Decoder and processing fuzzing for what a peer sends us: ratchet_tree extensions (joining,
// §12.4.3.1) and UpdatePaths (§7.5). Mutated valid inputs may be accepted or rejected, but
// only with a typed error, and never change our state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { DecodeError } from '../../src/codec/errors.ts';
import { decode } from '../../src/codec/reader.ts';
import { encode } from '../../src/codec/writer.ts';
import { cipherSuite } from '../../src/crypto/cipher-suite.ts';
import { decodeUpdatePath, encodeUpdatePath, parseRatchetTree } from '../../src/structs/ratchet-tree.ts';
import { TreeError } from '../../src/tree/errors.ts';
import { RatchetTree } from '../../src/tree/ratchet-tree.ts';
import { treeHash } from '../../src/tree/tree-hash.ts';
import { createUpdatePath } from '../../src/treekem/create-update-path.ts';
import { TreeKemError } from '../../src/treekem/errors.ts';
import { PrivateTree } from '../../src/treekem/private-tree.ts';
import { processUpdatePath } from '../../src/treekem/process-update-path.ts';
import { ValidationError } from '../../src/validation/errors.ts';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS } from '../../src/validation/leaf-node.ts';
import { validateRatchetTree } from '../../src/validation/ratchet-tree.ts';
import { GROUP_ID, makeMember, SUITE } from './helpers.ts';

/** A byte-level mutation: flip bits, overwrite, truncate or append. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(input: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = input.slice();
  for (const m of mutations) {
    if (m.kind === 'append') {
      const next = new Uint8Array(out.length + m.bytes.length);
      next.set(out);
      next.set(m.bytes, out.length);
      out = next;
    } else if (out.length > 0) {
      const at = m.at % out.length;
      if (m.kind === 'flip') out[at]! ^= m.mask;
      else if (m.kind === 'set') out[at] = m.value;
      else out = out.slice(0, at);
    }
  }
  return out;
}

const typed = (error: unknown): boolean => error instanceof DecodeError || error instanceof TreeError || error instanceof ValidationError || error instanceof TreeKemError;

test('mutated ratchet_tree extensions: accepted only if valid, otherwise a typed error', () => {
  const vectors = loadVectors<{ cipher_suite: number; tree: string; group_id: string; tree_hashes: string[] }[]>('mls/tree-validation.json').filter((v) => v.cipher_suite === 1);
  const suite = cipherSuite(1, SUITE.provider);
  const policy = { validateCredential: () => true, now: 1_700_000_000n, maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
  let rejected = 0;
  fc.assert(
    fc.property(fc.nat(vectors.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), (which, mutations) => {
      const v = vectors[which]!;
      const bytes = mutate(hex(v.tree), mutations);
      const group = { suite, version: 1, groupId: hex(v.group_id), extensions: [] };
      try {
        const tree = RatchetTree.fromNodes(parseRatchetTree(bytes));
        validateRatchetTree(tree, group, policy, hex(v.tree_hashes[tree.root] ?? ''));
        // Accepted: then it must hash to the vector's tree hash, i.e. be the same tree.
        assert.equal(toHex(treeHash(suite, tree)), v.tree_hashes[tree.root]);
      } catch (error) {
        if (!typed(error)) throw error;
        rejected++;
      }
    }),
    { numRuns: 150 },
  );
  assert.ok(rejected > 100, `${rejected} rejected`);
});

test('mutated UpdatePaths: a typed error or a consistent result, and our state never changes', () => {
  const members = Array.from({ length: 6 }, () => makeMember());
  const tree = RatchetTree.withFirstLeaf(members[0]!.leafNode);
  for (const m of members.slice(1)) tree.addLeaf(m.leafNode);
  const context = { version: 1, cipherSuite: SUITE.id, groupId: GROUP_ID, epoch: 3n, confirmedTranscriptHash: new Uint8Array(32), extensions: [] };
  const created = createUpdatePath({ suite: SUITE, tree: tree.clone(), leafIndex: 2, signaturePrivateKey: members[2]!.signaturePrivateKey, context });
  const encoded = encode(encodeUpdatePath, created.updatePath);
  const receiver = 5;
  const view = PrivateTree.forLeaf(receiver, { privateKey: members[receiver]!.encryptionPrivateKey, publicKey: members[receiver]!.leafNode.encryptionKey });
  const hashBefore = toHex(treeHash(SUITE, tree));
  let rejected = 0;
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
      const bytes = mutate(encoded, mutations);
      try {
        const updatePath = decode(decodeUpdatePath, bytes, 'UpdatePath');
        const result = processUpdatePath({ suite: SUITE, tree: tree.clone(), sender: 2, updatePath, context, privateTree: view });
        // Accepted (e.g. a mutated ciphertext meant for someone else, or the leaf's signature): the secret is still the committer's.
        assert.equal(toHex(result.commitSecret), toHex(created.commitSecret));
      } catch (error) {
        if (!typed(error)) throw error;
        rejected++;
      }
      assert.equal(toHex(treeHash(SUITE, tree)), hashBefore);
      assert.deepEqual(view.nodes(), [2 * receiver]);
    }),
    { numRuns: 150 },
  );
  assert.ok(rejected > 50, `${rejected} rejected`);
});
