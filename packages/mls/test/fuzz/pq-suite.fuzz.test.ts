// The decoder fuzzing of the other files, on the default post-quantum suite
// (MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519): its keys and KEM outputs are much larger
// and go through different parsers. Byte mutations, hostile length prefixes (sampled offsets:
// the messages are tens of KiB) and wrong-length KEM outputs/keys in otherwise authentic
// messages: only documented GroupErrors, the receiver's state unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addMembers, processIncoming, processWelcome, selfUpdate } from '../../src/group/api.ts';
import { createGroup } from '../../src/group/create.ts';
import { protect, signContent } from '../../src/group/frame.ts';
import { encryptApplication, propose } from '../../src/group/send.ts';
import { serializeGroupState } from '../../src/group/serialize.ts';
import { mlsMessageBytes, parseMLSMessage } from '../../src/structs/mls-message.ts';
import { signLeafNode } from '../../src/validation/leaf-node-signature.ts';
import { acceptAll, member, PQ_SUITE } from '../group/helpers.ts';
import { largestAllocation } from './alloc-guard.ts';
import { INCOMING_CODES, report, typedOutcome, WELCOME_CODES } from './fixtures.ts';
import { applyMutations, byteMutations, sameBytes, withHugeLength } from './mutate.ts';

const suite = PQ_SUITE;
const options = { policy: acceptAll };
const welcomeOptions = { suite, policy: acceptAll };
const bobKp = member(suite, 'bob');
const carolKp = member(suite, 'carol');
const daveKp = member(suite, 'dave');
const created = addMembers(createGroup(suite, member(suite, 'alice')), [bobKp.keyPackage, carolKp.keyPackage], options);
const alice = created.state;
const bob = processWelcome(created.welcome!, bobKp, welcomeOptions).state;
const bobBefore = serializeGroupState(bob);
const assertBobUnchanged = (where: string): void => assert.ok(sameBytes(serializeGroupState(bob), bobBefore), `${where}: bob's state changed`);

const samples: Readonly<Record<string, Uint8Array>> = {
  'PublicMessage commit': selfUpdate(alice, { ...options, wireFormat: 'mls_public_message' }).commit,
  'PublicMessage proposal (add)': propose(alice, { type: 'add', keyPackage: daveKp.keyPackage }, 'mls_public_message').message,
  'PrivateMessage commit': selfUpdate(alice, options).commit,
  'PrivateMessage application': encryptApplication(alice, new TextEncoder().encode('hi')),
};
const welcomeForDave = addMembers(alice, [daveKp.keyPackage], options).welcome!;

for (const [name, sample] of Object.entries(samples)) {
  test(`PQ suite, mutated ${name}: typed errors only, state unchanged`, () => {
    fc.assert(
      fc.property(byteMutations, (mutations) => {
        const mutated = applyMutations(sample, mutations);
        fc.pre(!sameBytes(mutated, sample));
        assert.notEqual(typedOutcome(`PQ processIncoming (${name})`, INCOMING_CODES, () => processIncoming(bob, mutated, options)), 'ok');
      }),
      { numRuns: 60 },
    );
    assertBobUnchanged(name);
  });
}

test('PQ suite, mutated Welcome: typed errors only', () => {
  fc.assert(
    fc.property(byteMutations, (mutations) => {
      const mutated = applyMutations(welcomeForDave, mutations);
      fc.pre(!sameBytes(mutated, welcomeForDave));
      typedOutcome('PQ processWelcome', WELCOME_CODES, () => processWelcome(mutated, daveKp, welcomeOptions));
    }),
    { numRuns: 60 },
  );
});

test('PQ suite, huge length prefixes at sampled offsets: typed errors, no large allocation', () => {
  let largest = 0;
  const all: [string, Uint8Array, (b: Uint8Array) => unknown, ReadonlySet<string>][] = [
    ...Object.entries(samples).map(([n, s]) => [n, s, (b: Uint8Array) => processIncoming(bob, b, options), INCOMING_CODES] as [string, Uint8Array, (b: Uint8Array) => unknown, ReadonlySet<string>]),
    ['Welcome', welcomeForDave, (b: Uint8Array) => processWelcome(b, daveKp, welcomeOptions), WELCOME_CODES],
  ];
  for (const [name, sample, run, codes] of all) {
    // Every offset of the first 64 bytes (the headers and first length prefixes), then every 97th.
    for (let at = 0; at <= sample.length; at += at < 64 ? 1 : 97) {
      for (const overwrite of [false, true]) {
        const bytes = withHugeLength(sample, at, overwrite);
        largest = Math.max(largest, largestAllocation(() => typedOutcome(`PQ ${name} (huge length)`, codes as ReadonlySet<never>, () => run(bytes))));
      }
    }
  }
  assert.ok(largest < 1 << 20, `allocated ${largest} bytes`);
  assertBobUnchanged('huge length');
});

test('PQ suite, wrong-length KEM outputs and keys in authentic messages: typed errors', () => {
  const lengths = [0, 1, 32, 1088, 1119, 1120, 1121, 1184, 1216, 1217];
  const w = parseMLSMessage(welcomeForDave);
  assert.ok(w.wireFormat === 'mls_welcome');
  const s0 = w.welcome.secrets[0]!;
  const cm = parseMLSMessage(samples['PublicMessage commit']!);
  assert.ok(cm.wireFormat === 'mls_public_message' && cm.publicMessage.content.content.type === 'commit');
  const commit = cm.publicMessage.content.content.commit;
  const path = commit.path!;
  const forged = (nodes: typeof path.nodes, leafKey?: Uint8Array): Uint8Array => {
    // A changed leaf key is re-signed by alice (context: group id, leaf 0), so only the key itself is wrong.
    const { signature: _signature, ...content } = path.leafNode;
    const leafNode = leafKey === undefined ? path.leafNode : signLeafNode(suite, alice.own.signatureKey, { ...content, encryptionKey: leafKey }, { groupId: alice.groupContext.groupId, leafIndex: 0 });
    const signed = signContent(alice, { type: 'commit', commit: { ...commit, path: { leafNode, nodes } } }, 'mls_private_message', new Uint8Array(0));
    return protect(alice, { ...signed, auth: { ...signed.auth, confirmationTag: new Uint8Array(suite.Nh) } });
  };
  for (const len of lengths) {
    const filler = new Uint8Array(len).fill(7);
    const welcome = mlsMessageBytes({ wireFormat: 'mls_welcome', welcome: { ...w.welcome, secrets: [{ ...s0, encryptedGroupSecrets: { ...s0.encryptedGroupSecrets, kemOutput: filler } }] } });
    assert.equal(typedOutcome('PQ Welcome (kem_output length)', WELCOME_CODES, () => processWelcome(welcome, daveKp, welcomeOptions)), 'invalid-welcome');
    const kem = forged(path.nodes.map((n) => ({ ...n, encryptedPathSecret: n.encryptedPathSecret.map((e) => ({ ...e, kemOutput: filler })) })));
    assert.notEqual(typedOutcome('PQ commit (path kem_output length)', INCOMING_CODES, () => processIncoming(bob, kem, options)), 'ok');
    const key = forged(path.nodes.map((n) => ({ ...n, encryptionKey: filler })));
    assert.notEqual(typedOutcome('PQ commit (path node key length)', INCOMING_CODES, () => processIncoming(bob, key, options)), 'ok');
    const leaf = forged(path.nodes, filler);
    assert.notEqual(typedOutcome('PQ commit (path leaf key length)', INCOMING_CODES, () => processIncoming(bob, leaf, options)), 'ok');
  }
  assertBobUnchanged('wrong lengths');
  report();
});
