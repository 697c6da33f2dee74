// The group scenario (./group-scenario.ts) driven through Sealed's group API, node provider.
import { nodeProvider } from '@sealed/crypto/node/provider';
import { cipherSuite, type CipherSuite } from '../../packages/mls/src/crypto/cipher-suite.ts';
import { createCommit } from '../../packages/mls/src/group/commit.ts';
import { createGroup } from '../../packages/mls/src/group/create.ts';
import { createKeyPackage, type KeyPackageBundle } from '../../packages/mls/src/group/key-package.ts';
import { processMessage } from '../../packages/mls/src/group/process.ts';
import { encryptApplication } from '../../packages/mls/src/group/send.ts';
import type { GroupState } from '../../packages/mls/src/group/state.ts';
import { mlsMessageBytes, parseMLSMessage } from '../../packages/mls/src/structs/mls-message.ts';
import type { Proposal } from '../../packages/mls/src/structs/proposals.ts';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS, type LeafValidationPolicy } from '../../packages/mls/src/validation/leaf-node.ts';
import { joinFromWelcome } from '../../packages/mls/src/welcome/join.ts';
import { benchLifetime } from './lifetime.ts';
import { type GroupDriver, PAYLOAD } from './group-scenario.ts';

const policy = (): LeafValidationPolicy => ({ validateCredential: () => true, now: BigInt(Math.floor(Date.now() / 1000)), maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS });
const identity = (i: number): Uint8Array => new TextEncoder().encode(`member ${i}`);

export class SealedDriver implements GroupDriver {
  readonly #suite: CipherSuite;
  #creator: GroupState | undefined;
  #joiner: GroupState | undefined;
  #joinerBundle: KeyPackageBundle | undefined;

  constructor(suiteId: number) {
    this.#suite = cipherSuite(suiteId, nodeProvider);
  }

  async setup(n: number): Promise<Uint8Array[]> {
    const make = (i: number): KeyPackageBundle => createKeyPackage(this.#suite, { credential: { type: 'basic', identity: identity(i) }, lifetime: benchLifetime() });
    this.#creator = createGroup(this.#suite, make(0), { groupId: new TextEncoder().encode('bench group') });
    const out: Uint8Array[] = [];
    for (let i = 1; i < n; i++) {
      const bundle = make(i);
      if (i === n - 1) this.#joinerBundle = bundle;
      out.push(mlsMessageBytes({ wireFormat: 'mls_key_package', keyPackage: bundle.keyPackage }));
    }
    return out;
  }

  async addAll(keyPackages: readonly Uint8Array[]): Promise<Uint8Array> {
    const proposals: Proposal[] = keyPackages.map((bytes) => {
      const message = parseMLSMessage(bytes);
      if (message.wireFormat !== 'mls_key_package') throw new Error('not a key package');
      return { type: 'add', keyPackage: message.keyPackage };
    });
    const made = createCommit(this.#creator!, { policy: policy(), proposals });
    this.#creator = made.state;
    return made.welcome!;
  }

  async join(welcome: Uint8Array): Promise<void> {
    const message = parseMLSMessage(welcome);
    if (message.wireFormat !== 'mls_welcome') throw new Error('not a Welcome');
    this.#joiner = joinFromWelcome({ suite: this.#suite, welcome: message.welcome, keyPackage: this.#joinerBundle!, policy: policy() });
  }

  async update(): Promise<Uint8Array> {
    const made = createCommit(this.#joiner!, { policy: policy(), forcePath: true });
    this.#joiner = made.state;
    return made.commit;
  }

  async process(commit: Uint8Array): Promise<void> {
    const result = processMessage(this.#creator!, commit, { policy: policy() });
    if (result.kind !== 'commit') throw new Error(`expected a commit, got ${result.kind}`);
    this.#creator = result.state;
  }

  async message(): Promise<void> {
    const wire = encryptApplication(this.#joiner!, PAYLOAD);
    const result = processMessage(this.#creator!, wire, { policy: policy() });
    if (result.kind !== 'application' || result.data.length !== PAYLOAD.length) throw new Error('application message lost');
  }

  agree(): boolean {
    return nodeProvider.constantTimeEqual(this.#creator!.keys.epochAuthenticator, this.#joiner!.keys.epochAuthenticator);
  }
}
