// A decoded Commit re-encodes from the bytes it was received as (codec/encoding-memo.ts):
// those bytes must be exactly what the encoder writes for the same value, and a value built
// from it (a changed copy) must be encoded from its fields, never from the memo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rememberedEncoding } from '../../src/codec/encoding-memo.ts';
import { encode } from '../../src/codec/writer.ts';
import { createCommit } from '../../src/group/commit.ts';
import { createGroup } from '../../src/group/create.ts';
import { type Commit, encodeCommit } from '../../src/structs/commit.ts';
import { parseMLSMessage } from '../../src/structs/mls-message.ts';
import { acceptAll, member, SUITE_1 } from '../group/helpers.ts';

function receivedCommit(): Commit {
  const alice = createGroup(SUITE_1, member(SUITE_1, 'alice'));
  const added = createCommit(alice, { policy: acceptAll, proposals: [{ type: 'add', keyPackage: member(SUITE_1, 'bob').keyPackage }] });
  const update = createCommit(added.state, { policy: acceptAll, forcePath: true, wireFormat: 'mls_public_message', proposals: [{ type: 'add', keyPackage: member(SUITE_1, 'carol').keyPackage }] });
  const message = parseMLSMessage(update.commit);
  if (message.wireFormat !== 'mls_public_message' || message.publicMessage.content.content.type !== 'commit') throw new Error('commit expected');
  return message.publicMessage.content.content.commit;
}

test('a received commit remembers exactly the bytes the encoder writes for it', () => {
  const commit = receivedCommit();
  const remembered = rememberedEncoding(commit);
  assert.ok(remembered !== undefined);
  const rebuilt: Commit = { proposals: [...commit.proposals], path: commit.path };
  assert.equal(rememberedEncoding(rebuilt), undefined);
  assert.deepEqual(encode(encodeCommit, rebuilt), remembered);
  assert.deepEqual(encode(encodeCommit, commit), remembered);
});

test('a changed copy of a received commit is encoded from its own fields', () => {
  const commit = receivedCommit();
  const changed: Commit = { ...commit, path: undefined };
  const bytes = encode(encodeCommit, changed);
  assert.notDeepEqual(bytes, rememberedEncoding(commit));
  assert.deepEqual(bytes, encode(encodeCommit, { proposals: commit.proposals }));
});
