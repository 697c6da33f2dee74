// Decode-then-encode over every serialized struct of the other official MLS vector files
// (passive-client-*, welcome, treekem, tree-operations, message-protection): real
// messages of all seven cipher suites, where messages.json is synthetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { decode, type Reader } from '../../src/codec/reader.ts';
import { encode, type Writer } from '../../src/codec/writer.ts';
import { decodeCommit, encodeCommit } from '../../src/structs/commit.ts';
import { decodeMLSMessage, encodeMLSMessage } from '../../src/structs/mls-message.ts';
import { decodeProposal, encodeProposal } from '../../src/structs/proposals.ts';
import { decodeRatchetTree, decodeUpdatePath, encodeRatchetTree, encodeUpdatePath } from '../../src/structs/ratchet-tree.ts';

type Json = Record<string, unknown>;

function roundTrip<T>(decodeValue: (reader: Reader) => T, encodeValue: (writer: Writer, value: T) => void, hexText: unknown, where: string): void {
  assert.equal(typeof hexText, 'string', where);
  const value = decode(decodeValue, hex(hexText as string), where);
  assert.equal(toHex(encode(encodeValue, value)), hexText, `${where}: re-encoding differs`);
}

const message = (hexText: unknown, where: string) => roundTrip(decodeMLSMessage, encodeMLSMessage, hexText, where);
const tree = (hexText: unknown, where: string) => roundTrip(decodeRatchetTree, encodeRatchetTree, hexText, where);

for (const file of ['passive-client-welcome.json', 'passive-client-handling-commit.json', 'passive-client-random.json']) {
  test(`${file}: key packages, welcomes, trees, proposals and commits round-trip`, () => {
    const vectors = loadVectors<Json[]>(`mls/${file}`);
    let structs = 0;
    for (const [i, v] of vectors.entries()) {
      message(v.key_package, `${file}[${i}].key_package`);
      message(v.welcome, `${file}[${i}].welcome`);
      structs += 2;
      if (v.ratchet_tree !== null) {
        tree(v.ratchet_tree, `${file}[${i}].ratchet_tree`);
        structs++;
      }
      for (const [e, epoch] of (v.epochs as Json[]).entries()) {
        for (const proposal of epoch.proposals as string[]) message(proposal, `${file}[${i}].epochs[${e}].proposals`);
        message(epoch.commit, `${file}[${i}].epochs[${e}].commit`);
        structs += (epoch.proposals as string[]).length + 1;
      }
    }
    console.log(`${file.replace('.json', '')} (codec): ${vectors.length} cases, ${structs} structs`);
  });
}

test('welcome.json, treekem.json, tree-operations.json, message-protection.json: structs round-trip', () => {
  const welcome = loadVectors<Json[]>('mls/welcome.json');
  for (const [i, v] of welcome.entries()) {
    message(v.key_package, `welcome[${i}].key_package`);
    message(v.welcome, `welcome[${i}].welcome`);
  }
  const treekem = loadVectors<Json[]>('mls/treekem.json');
  for (const [i, v] of treekem.entries()) {
    tree(v.ratchet_tree, `treekem[${i}].ratchet_tree`);
    for (const path of v.update_paths as Json[]) roundTrip(decodeUpdatePath, encodeUpdatePath, path.update_path, `treekem[${i}].update_path`);
  }
  const operations = loadVectors<Json[]>('mls/tree-operations.json');
  for (const [i, v] of operations.entries()) {
    tree(v.tree_before, `tree-operations[${i}].tree_before`);
    tree(v.tree_after, `tree-operations[${i}].tree_after`);
    roundTrip(decodeProposal, encodeProposal, v.proposal, `tree-operations[${i}].proposal`);
  }
  const protection = loadVectors<Json[]>('mls/message-protection.json');
  for (const [i, v] of protection.entries()) {
    roundTrip(decodeProposal, encodeProposal, v.proposal, `message-protection[${i}].proposal`);
    roundTrip(decodeCommit, encodeCommit, v.commit, `message-protection[${i}].commit`);
    for (const field of ['proposal_pub', 'proposal_priv', 'commit_pub', 'commit_priv', 'application_priv']) {
      message(v[field], `message-protection[${i}].${field}`);
    }
  }
  console.log(
    `welcome (codec): ${welcome.length} cases; treekem (codec): ${treekem.length} cases; ` +
      `tree-operations (codec): ${operations.length} cases; message-protection (codec): ${protection.length} cases`,
  );
});
