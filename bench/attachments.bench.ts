// `npm run bench attachments`: CPU cost of the conversation features' crypto in the client
// (issue 5): chunked AES-256-GCM attachment encryption and decryption (features/attachments/
// format.ts) with the Node provider (node:crypto) and the portable noble provider (the web
// client's), and one safety number (5200 x 2 SHA-512). CPU time (process.cpuUsage), not wall
// time: the machine is shared. Bounded: ATTACHMENT_BENCH_MIB MiB per run (default 32),
// ATTACHMENT_BENCH_ROUNDS rounds (default 3), the median reported.
import { loadavg } from 'node:os';
import { nodeProvider } from '../packages/crypto/src/node/provider.ts';
import { nobleProvider } from '../packages/crypto/src/noble/provider.ts';
import type { CryptoProvider } from '../packages/crypto/src/provider.ts';
import { AttachmentDecryptor, AttachmentEncryptor, DEFAULT_CHUNK_BYTES } from '../packages/client/src/features/attachments/format.ts';
import { safetyNumber } from '../packages/client/src/features/safety-number.ts';
import { envInt, median } from './server/stats.ts';

const MIB = envInt('ATTACHMENT_BENCH_MIB', 32);
const ROUNDS = envInt('ATTACHMENT_BENCH_ROUNDS', 3);
const PIECE = 256 * 1024;

function cpuMs<T>(run: () => T): { ms: number; value: T } {
  const start = process.cpuUsage();
  const value = run();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, value };
}

function measure(provider: CryptoProvider, mib: number): { encrypt: number; decrypt: number } {
  const piece = provider.randomBytes(PIECE);
  const pieces = (mib * 1024 * 1024) / PIECE;
  const enc = cpuMs(() => {
    const encryptor = new AttachmentEncryptor(provider, DEFAULT_CHUNK_BYTES);
    const out: Uint8Array[] = [];
    for (let i = 0; i < pieces; i++) out.push(...encryptor.push(piece));
    const last = encryptor.finish();
    out.push(...last.bytes);
    return { out, file: last.file };
  });
  const dec = cpuMs(() => {
    const decryptor = new AttachmentDecryptor(provider, enc.value.file);
    let n = 0;
    for (const bytes of enc.value.out) for (const p of decryptor.push(bytes)) n += p.length;
    return n + decryptor.finish().length;
  });
  if (dec.value !== mib * 1024 * 1024) throw new Error('round trip lost bytes');
  return { encrypt: mib / (enc.ms / 1000), decrypt: mib / (dec.ms / 1000) };
}

console.log(`load average at start: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores, shared); ${MIB} MiB per run, median of ${ROUNDS}`);
console.log('\n| provider | encrypt (MiB/s of CPU) | decrypt (MiB/s of CPU) |');
console.log('|---|---|---|');
for (const [name, provider, mib] of [['node (node:crypto)', nodeProvider, MIB], ['noble (browser path)', nobleProvider, Math.max(1, MIB / 8)]] as const) {
  measure(provider, 1); // warm-up
  const runs = Array.from({ length: ROUNDS }, () => measure(provider, mib));
  console.log(`| ${name} | ${median(runs.map((r) => r.encrypt)).toFixed(0)} | ${median(runs.map((r) => r.decrypt)).toFixed(0)} |`);
}
const a = { username: 'alice', identityKey: nodeProvider.randomBytes(32) };
const b = { username: 'bob', identityKey: nodeProvider.randomBytes(32) };
for (const [name, provider] of [['node', nodeProvider], ['noble', nobleProvider]] as const) {
  const runs = Array.from({ length: ROUNDS }, () => cpuMs(() => safetyNumber(provider, a, b)).ms);
  console.log(`safety number (${name}): ${median(runs).toFixed(1)} ms CPU`);
}
