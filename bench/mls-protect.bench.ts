// `npm run bench mls-protect`: PrivateMessage protect + unprotect pairs per second for a
// 100-byte application payload (RFC 9420 §6.3), Sealed (suite 1 and the default PQ suite)
// against ts-mls 1.6.4 in the same run, plus a breakdown of where a pair's time goes.
//
// A "pair" is what one application message costs end to end: the sender signs the
// FramedContent, encrypts it (PrivateMessage) and encodes the MLSMessage; the receiver
// decodes it, decrypts it, verifies the signature and advances its secret tree. Both
// libraries do exactly that, including the wire encoding.
import { cpus } from 'node:os';
import type { CryptoProvider } from '@sealed/crypto/provider';
import { nobleProvider } from '@sealed/crypto/noble/provider';
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processPrivateMessage,
} from 'ts-mls';
import type { ClientState, Credential, Proposal } from 'ts-mls';
import { cipherSuite, MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519, type CipherSuite } from '../packages/mls/src/crypto/cipher-suite.ts';
import { deriveTreeSecret } from '../packages/mls/src/crypto/kdf.ts';
import { signWithLabel, verifyWithLabel } from '../packages/mls/src/crypto/signature.ts';
import { deriveEpochSecrets } from '../packages/mls/src/key-schedule/epoch-secrets.ts';
import { protectPrivateMessage, unprotectPrivateMessage, type PrivateMessageState } from '../packages/mls/src/protection/private-message.ts';
import { signFramedContent } from '../packages/mls/src/protection/signing.ts';
import { SecretTree } from '../packages/mls/src/secret-tree/secret-tree.ts';
import type { Sender } from '../packages/mls/src/structs/framing.ts';
import { groupContextBytes, type GroupContext } from '../packages/mls/src/structs/group-context.ts';
import { mlsMessageBytes, parseMLSMessage } from '../packages/mls/src/structs/mls-message.ts';

const PAYLOAD = new Uint8Array(100).fill(0x61);
const WARMUP_MS = 700;
const MEASURE_MS = Number(process.env.BENCH_MS ?? 2000);
/** Each row is measured this many times, interleaved with the others; the median is reported. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** Runs `step` repeatedly for MEASURE_MS after a warm-up; returns operations per second. */
async function rate(step: () => unknown): Promise<number> {
  const until = (ms: number) => performance.now() + ms;
  for (const end = until(WARMUP_MS); performance.now() < end; ) await step();
  (globalThis as { gc?: () => void }).gc?.();
  let count = 0;
  const start = performance.now();
  const end = start + MEASURE_MS;
  while (performance.now() < end) {
    for (let i = 0; i < 16; i++) await step();
    count += 16;
  }
  return (count * 1000) / (performance.now() - start);
}

// ---------------------------------------------------------------------------------------
// Sealed

interface SealedGroup {
  suite: CipherSuite;
  groupContext: GroupContext;
  alice: PrivateMessageState;
  bob: PrivateMessageState;
  aliceKey: Uint8Array;
  keyOf: (sender: Sender) => Uint8Array | undefined;
}

function sealedGroup(suiteId: number, provider: CryptoProvider): SealedGroup {
  const suite = cipherSuite(suiteId, provider);
  const groupContext: GroupContext = {
    version: 1,
    cipherSuite: suiteId,
    groupId: new TextEncoder().encode('bench group'),
    epoch: 1n,
    treeHash: provider.randomBytes(suite.Nh),
    confirmedTranscriptHash: provider.randomBytes(suite.Nh),
    extensions: [],
  };
  const secrets = deriveEpochSecrets(suite, {
    initSecret: provider.randomBytes(suite.Nh),
    commitSecret: provider.randomBytes(suite.Nh),
    pskSecret: undefined,
    groupContext: groupContextBytes(groupContext),
  });
  const view = (): PrivateMessageState => ({ groupContext, secretTree: new SecretTree(suite, secrets.encryptionSecret, 2), senderDataSecret: secrets.senderDataSecret });
  const alice = provider.signatureGenerate(suite.signature);
  return {
    suite,
    groupContext,
    alice: view(),
    bob: view(),
    aliceKey: alice.privateKey,
    keyOf: (sender) => (sender.type === 'member' && sender.leafIndex === 0 ? alice.publicKey : undefined),
  };
}

function sealedPair(g: SealedGroup): void {
  const content = {
    groupId: g.groupContext.groupId,
    epoch: g.groupContext.epoch,
    sender: { type: 'member', leafIndex: 0 } as const,
    authenticatedData: new Uint8Array(0),
    content: { type: 'application', applicationData: PAYLOAD } as const,
  };
  const signed = signFramedContent(g.suite, 'mls_private_message', content, g.groupContext, g.aliceKey);
  const wire = mlsMessageBytes({ wireFormat: 'mls_private_message', privateMessage: protectPrivateMessage(g.suite, signed, g.alice) });
  const message = parseMLSMessage(wire);
  if (message.wireFormat !== 'mls_private_message') throw new Error('wire format');
  const received = unprotectPrivateMessage(g.suite, message.privateMessage, g.bob, g.keyOf);
  if (received.content.content.type !== 'application' || received.content.content.applicationData.length !== PAYLOAD.length) throw new Error('payload');
}

/** Timings of the parts of one pair, per operation, in microseconds. */
async function breakdown(g: SealedGroup): Promise<Record<string, number>> {
  const { suite } = g;
  const p = suite.provider;
  const us = async (f: () => unknown) => 1e6 / (await rate(f));
  const keys = p.signatureGenerate(suite.signature);
  const tbs = new Uint8Array(250);
  const sig = signWithLabel(suite, keys.privateKey, 'FramedContentTBS', tbs);
  const key = p.randomBytes(suite.Nk);
  const nonce = p.randomBytes(12);
  const body = new Uint8Array(192);
  const sealed = p.aeadSeal(suite.aead, key, nonce, body, tbs.subarray(0, 30));
  const secret = p.randomBytes(suite.Nh);
  return {
    sign: await us(() => signWithLabel(suite, keys.privateKey, 'FramedContentTBS', tbs)),
    verify: await us(() => verifyWithLabel(suite, keys.publicKey, 'FramedContentTBS', tbs, sig)),
    seal: await us(() => p.aeadSeal(suite.aead, key, nonce, body, tbs.subarray(0, 30))),
    open: await us(() => p.aeadOpen(suite.aead, key, nonce, sealed, tbs.subarray(0, 30))),
    expand: await us(() => deriveTreeSecret(suite, secret, 'key', 7, suite.Nk)),
  };
}

// ---------------------------------------------------------------------------------------
// ts-mls 1.6.4

async function tsMlsGroup(name: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519') {
  const impl = await getCiphersuiteImpl(getCiphersuiteFromName(name));
  const credential = (id: string): Credential => ({ credentialType: 'basic', identity: new TextEncoder().encode(id) });
  const alice = await generateKeyPackage(credential('alice'), defaultCapabilities(), defaultLifetime, [], impl);
  const bob = await generateKeyPackage(credential('bob'), defaultCapabilities(), defaultLifetime, [], impl);
  let aliceGroup: ClientState = await createGroup(new TextEncoder().encode('bench group'), alice.publicPackage, alice.privatePackage, [], impl);
  const add: Proposal = { proposalType: 'add', add: { keyPackage: bob.publicPackage } };
  const commit = await createCommit({ state: aliceGroup, cipherSuite: impl }, { extraProposals: [add] });
  aliceGroup = commit.newState;
  let bobGroup: ClientState = await joinGroup(commit.welcome!, bob.publicPackage, bob.privatePackage, emptyPskIndex, impl, aliceGroup.ratchetTree);
  return async () => {
    const sent = await createApplicationMessage(aliceGroup, PAYLOAD, impl);
    aliceGroup = sent.newState;
    const wire = encodeMlsMessage({ privateMessage: sent.privateMessage, wireformat: 'mls_private_message', version: 'mls10' });
    const decoded = decodeMlsMessage(wire, 0)![0];
    if (decoded.wireformat !== 'mls_private_message') throw new Error('wire format');
    const received = await processPrivateMessage(bobGroup, decoded.privateMessage, emptyPskIndex, impl);
    bobGroup = received.newState;
    if (received.kind !== 'applicationMessage') throw new Error('payload');
  };
}

// ---------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const providers: CryptoProvider[] = [];
  try {
    const { nodeProvider } = (await import('@sealed/crypto/node/provider')) as { nodeProvider: CryptoProvider };
    providers.push(nodeProvider);
  } catch {
    console.log('(node provider not available; measuring the noble provider only)');
  }
  providers.push(nobleProvider);

  console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
  console.log(`PrivateMessage protect + unprotect, ${PAYLOAD.length}-byte payload; median of ${ROUNDS} interleaved rounds of ${MEASURE_MS} ms per row\n`);

  // Rows are measured in interleaved rounds and the median is kept, so that a change in the
  // machine's load during the run hits every row alike.
  const rows: { name: string; step: () => unknown; samples: number[] }[] = [];
  rows.push({ name: 'ts-mls 1.6.4 suite 0x0001', step: await tsMlsGroup('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'), samples: [] });
  for (const provider of providers) {
    for (const suiteId of [1, MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519]) {
      const g = sealedGroup(suiteId, provider);
      rows.push({ name: `Sealed (${provider.name}) suite 0x${suiteId.toString(16).padStart(4, '0')}`, step: () => sealedPair(g), samples: [] });
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const row of rows) row.samples.push(await rate(row.step));
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const tsMls = median(rows[0]!.samples);

  console.log('| implementation | pairs/s | vs ts-mls |');
  console.log('|---|---:|---:|');
  for (const row of [...rows.slice(1), rows[0]!]) {
    const value = median(row.samples);
    console.log(`| ${row.name} | ${value.toFixed(0)} | ${(value / tsMls).toFixed(1)}x |`);
  }

  for (const provider of providers) {
    const g = sealedGroup(MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519, provider);
    const parts = await breakdown(g);
    const pair = 1e6 / (await rate(() => sealedPair(g)));
    // What one pair does: 1 sign, 1 verify, 2 AEAD seals and 2 opens (content and sender
    // data), 10 HKDF-Expand calls (key, nonce, next secret, sender-data key and nonce, per side).
    const signing = parts.sign! + parts.verify!;
    const aead = 2 * parts.seal! + 2 * parts.open!;
    const derivation = 10 * parts.expand!;
    console.log(`\nwhere a pair's time goes (${provider.name}, suite 0x${g.suite.id.toString(16)}):`);
    console.log('| part | µs per op | ops per pair | µs per pair | share |');
    console.log('|---|---:|---:|---:|---:|');
    const line = (name: string, each: number, count: number) => console.log(`| ${name} | ${each.toFixed(1)} | ${count} | ${(each * count).toFixed(1)} | ${((100 * each * count) / pair).toFixed(0)}% |`);
    line('sign (SignWithLabel, Ed25519)', parts.sign!, 1);
    line('verify (VerifyWithLabel, Ed25519)', parts.verify!, 1);
    line('AEAD seal (192 B)', parts.seal!, 2);
    line('AEAD open (192 B)', parts.open!, 2);
    line('HKDF-Expand (DeriveTreeSecret / ExpandWithLabel)', parts.expand!, 10);
    console.log(`| rest (encoding, decoding, random reuse guard, GC) | | | ${(pair - signing - aead - derivation).toFixed(1)} | ${((100 * (pair - signing - aead - derivation)) / pair).toFixed(0)}% |`);
    console.log(`| whole pair | | | ${pair.toFixed(1)} | 100% |`);
  }
}

/**
 * `BENCH_PROFILE=1 node --import tsx --cpu-prof bench/mls-protect.bench.ts` runs only Sealed's
 * pair (node provider, default PQ suite) for the profiler.
 */
async function profileOnly(): Promise<void> {
  const { nodeProvider } = (await import('@sealed/crypto/node/provider')) as { nodeProvider: CryptoProvider };
  const suiteId = Number(process.env.BENCH_SUITE ?? MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519);
  const g = sealedGroup(suiteId, nodeProvider);
  console.log(`profile run, suite 0x${suiteId.toString(16)}: ${(await rate(() => sealedPair(g))).toFixed(0)} pairs/s`);
}

await (process.env.BENCH_PROFILE ? profileOnly() : main());
