// Profiling harness for one step of the group scenario on Sealed alone:
//
//   PROFILE_STEP=commit PROFILE_N=256 PROFILE_SUITE=1 PROFILE_REPEAT=10 \
//     node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/mls/profile-sealed.ts
//   node --import tsx bench/server/profile-summary.ts /tmp/prof/<file>.cpuprofile
//
// Sealed's group operations return new states and leave their inputs alone, so the same
// step can be repeated on the same input to collect enough samples.
import { nodeProvider } from '@sealed/crypto/node/provider';
import { cipherSuite } from '../../packages/mls/src/crypto/cipher-suite.ts';
import { createCommit } from '../../packages/mls/src/group/commit.ts';
import { createGroup } from '../../packages/mls/src/group/create.ts';
import { createKeyPackage, type KeyPackageBundle } from '../../packages/mls/src/group/key-package.ts';
import { processMessage } from '../../packages/mls/src/group/process.ts';
import { parseMLSMessage } from '../../packages/mls/src/structs/mls-message.ts';
import type { Proposal } from '../../packages/mls/src/structs/proposals.ts';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS } from '../../packages/mls/src/validation/leaf-node.ts';
import { joinFromWelcome } from '../../packages/mls/src/welcome/join.ts';
import { benchLifetime } from './lifetime.ts';

/** One of commit, welcome, update, process, or all (each step timed once per repeat, same process). */
const step = process.env.PROFILE_STEP ?? 'commit';
const wants = (name: string): boolean => step === name || step === 'all';
const n = Number(process.env.PROFILE_N ?? 256);
const suite = cipherSuite(Number(process.env.PROFILE_SUITE ?? 1), nodeProvider);
const repeat = Number(process.env.PROFILE_REPEAT ?? 10);
const policy = { validateCredential: () => true, now: BigInt(Math.floor(Date.now() / 1000)), maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
const make = (i: number): KeyPackageBundle => createKeyPackage(suite, { credential: { type: 'basic', identity: new TextEncoder().encode(`member ${i}`) }, lifetime: benchLifetime() });

const creator = createGroup(suite, make(0), { groupId: new TextEncoder().encode('bench group') });
const bundles = Array.from({ length: n - 1 }, (_, i) => make(i + 1));
const proposals: Proposal[] = bundles.map((b) => ({ type: 'add', keyPackage: b.keyPackage }));
const time = (name: string, f: () => unknown): void => {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < repeat; i++) f();
  const wall = (performance.now() - start) / repeat;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000 / repeat;
  console.log(`${name}: ${wall.toFixed(2)} ms per run, ${cpuMs.toFixed(2)} ms CPU (N=${n}, suite 0x${suite.id.toString(16)})`);
};

const added = createCommit(creator, { policy, proposals });
if (wants('commit')) time('commit', () => createCommit(creator, { policy, proposals }));
const welcome = parseMLSMessage(added.welcome!);
if (welcome.wireFormat !== 'mls_welcome') throw new Error('not a Welcome');
const join = () => joinFromWelcome({ suite, welcome: welcome.welcome, keyPackage: bundles[n - 2]!, policy });
const joiner = join();
if (wants('welcome')) time('welcome', join);
const update = createCommit(joiner, { policy, forcePath: true });
if (wants('update')) time('update', () => createCommit(joiner, { policy, forcePath: true }));
if (wants('process')) time('process', () => processMessage(added.state, update.commit, { policy }));
