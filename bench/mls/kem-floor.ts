// The KEM floor of a first update commit on the PQ suite: what 1023 X-Wing encapsulations
// (and their ML-KEM-768 part alone) cost on this machine, in CPU time of this process, next
// to the full EncryptWithLabel (HPKE seal) Sealed does per recipient. An update by one
// member of a fresh group of N = 1024 encrypts its path secrets to the other 1023 leaves, so
// no implementation built on these primitives can go below 1023 x the KEM cost.
//
//   node --import tsx bench/mls/kem-floor.ts            # KEM_KEYS=1023 KEM_ROUNDS=3
//
// CPU time (process.cpuUsage, user + system) is reported because the machine may be shared;
// wall time is printed beside it.
import { nodeProvider } from '@sealed/crypto/node/provider';
import { XWING } from '@sealed/crypto/kem/xwing';
import { cipherSuite, DEFAULT_CIPHER_SUITE } from '../../packages/mls/src/crypto/cipher-suite.ts';
import { encryptWithLabel, encryptWithLabelToMany } from '../../packages/mls/src/crypto/hpke.ts';

const keys = Number(process.env.KEM_KEYS ?? 1023);
const rounds = Number(process.env.KEM_ROUNDS ?? 3);
const provider = nodeProvider;
const suite = cipherSuite(DEFAULT_CIPHER_SUITE, provider);

const xwingKeys = Array.from({ length: keys }, () => XWING.generateKeyPair(provider).publicKey);
const mlkemKeys = xwingKeys.map((k) => k.subarray(0, 1184));
const context = new Uint8Array(160).fill(3);
const secret = new Uint8Array(32).fill(5);

function measure(name: string, f: (i: number) => unknown): number {
  for (let i = 0; i < Math.min(50, keys); i++) f(i); // warm-up
  let bestCpu = Infinity;
  let bestWall = Infinity;
  for (let r = 0; r < rounds; r++) {
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    for (let i = 0; i < keys; i++) f(i);
    const wall = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
    bestWall = Math.min(bestWall, wall);
  }
  console.log(`${name.padEnd(58)} ${((bestCpu * 1000) / keys).toFixed(1).padStart(7)} us CPU/op  x${keys} = ${bestCpu.toFixed(0).padStart(5)} ms CPU (${bestWall.toFixed(0)} ms wall)`);
  return bestCpu;
}

console.log(`Node ${process.version}; ${keys} recipient keys; best of ${rounds} rounds\n`);
measure('ML-KEM-768 Encaps (@noble/post-quantum, the provider)', (i) => provider.mlkem768.encapsulate(mlkemKeys[i]!));
measure('X25519 part of X-Wing (node:crypto, 2 ops)', (i) => {
  const ek = provider.randomBytes(32);
  provider.dhPublicKey('X25519', ek);
  provider.dh('X25519', ek, xwingKeys[i]!.subarray(1184));
});
measure('X-Wing Encaps (ML-KEM + X25519 + SHA3 combiner)', (i) => XWING.encapsulate(provider, xwingKeys[i]!));
measure('EncryptWithLabel to an X-Wing key (HPKE seal)', (i) => encryptWithLabel(suite, xwingKeys[i]!, 'UpdatePathNode', context, secret));
const recipients = xwingKeys.map((publicKey) => ({ publicKey, plaintext: secret }));
measure('EncryptWithLabel, one shared context (per recipient)', (i) => (i === 0 ? encryptWithLabelToMany(suite, 'UpdatePathNode', context, recipients) : undefined));
