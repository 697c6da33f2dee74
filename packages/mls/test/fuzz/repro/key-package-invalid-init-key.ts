// Reproduction (not a test: it prints what happens). Run from /work/main:
//   npx tsx packages/mls/test/fuzz/repro/key-package-invalid-init-key.ts
//
// A KeyPackage whose init_key (or leaf encryption_key) is not a valid public key of the
// suite's KEM, correctly signed by its owner, passes validateKeyPackage (§10.1). Then:
// 1. addMembers(state, [kp]) throws MlsCryptoError('invalid-key') from createWelcome /
//    the UpdatePath encryption, not the documented GroupError('invalid-proposal').
// 2. processIncoming of an Add *proposal* carrying it is accepted and stored (kind
//    'proposal'), so a later commitPending by any member fails the same untyped way.
// 3. (below) a member added with an invalid leaf encryption_key poisons the group: every later
//    commit with an UpdatePath whose resolution reaches that leaf fails the same untyped way.
// Expected: GroupError('invalid-proposal') at validation (both when adding and when receiving
// the proposal), state unchanged.
import { addMembers, commitPending, processIncoming, selfUpdate } from '../../../src/group/api.ts';
import { GroupError } from '../../../src/group/errors.ts';
import { propose } from '../../../src/group/send.ts';
import { signKeyPackage } from '../../../src/validation/key-package.ts';
import { signLeafNode } from '../../../src/validation/leaf-node-signature.ts';
import { alice, bob, erinKp, options, suite } from '../fixtures.ts';

function describe(what: string, fn: () => unknown): void {
  try {
    const r = fn() as { kind?: string } | undefined;
    console.log(`${what}: accepted${r?.kind !== undefined ? ` (${r.kind})` : ''}`);
  } catch (error) {
    const kind = error instanceof GroupError ? 'GroupError (typed, documented)' : `UNTYPED ${(error as Error).constructor.name}`;
    console.log(`${what}: ${kind}: ${(error as Error).message}`);
  }
}

const { signature: _s, ...tbs } = erinKp.keyPackage;
const badInit = signKeyPackage(suite, erinKp.signaturePrivateKey, { ...tbs, initKey: new Uint8Array(0) });
describe('addMembers with an empty init_key', () => addMembers(bob, [badInit], options));

const { signature: _l, ...leafContent } = erinKp.keyPackage.leafNode;
const badLeaf = signLeafNode(suite, erinKp.signaturePrivateKey, { ...leafContent, encryptionKey: Uint8Array.of(1, 2, 3) });
const badEnc = signKeyPackage(suite, erinKp.signaturePrivateKey, { ...tbs, leafNode: badLeaf });
describe('addMembers with a 3-byte leaf encryption_key', () => addMembers(bob, [badEnc], options));

const sent = propose(alice, { type: 'add', keyPackage: badInit });
describe('bob processes an Add proposal with an empty init_key', () => processIncoming(bob, sent.message, options));
describe('alice commits her own pending Add proposal', () => commitPending(sent.state, options));

const added = addMembers(alice, [badEnc], options);
describe('alice, after adding the bad leaf, commits a self-update', () => selfUpdate(added.state, options));
