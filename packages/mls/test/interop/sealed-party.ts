// A Sealed member driven through the group API (packages/mls/src/group, welcome).
import { nodeProvider } from '@sealed/crypto/node/provider';
import { cipherSuite, type CipherSuite } from '../../src/crypto/cipher-suite.ts';
import { createCommit } from '../../src/group/commit.ts';
import { createGroup } from '../../src/group/create.ts';
import { epochAuthenticator, exportSecret } from '../../src/group/exporter.ts';
import { createKeyPackage, type KeyPackageBundle } from '../../src/group/key-package.ts';
import { processMessage } from '../../src/group/process.ts';
import { encryptApplication, propose, proposeUpdate } from '../../src/group/send.ts';
import type { GroupState } from '../../src/group/state.ts';
import { mlsMessageBytes, parseMLSMessage } from '../../src/structs/mls-message.ts';
import type { Proposal } from '../../src/structs/proposals.ts';
import { DEFAULT_MAX_LEAF_LIFETIME_SECONDS, type LeafValidationPolicy } from '../../src/validation/leaf-node.ts';
import { joinFromWelcome } from '../../src/welcome/join.ts';
import { interopLifetime, type CommitMade, type CommitRequest, type Party, type Processed } from './party.ts';

/** The tests are about protocol interop, not credentials: every basic credential is accepted. */
export function interopPolicy(): LeafValidationPolicy {
  return { validateCredential: () => true, now: BigInt(Math.floor(Date.now() / 1000)), maxLifetimeSeconds: DEFAULT_MAX_LEAF_LIFETIME_SECONDS };
}

export class SealedParty implements Party {
  readonly implementation = 'sealed' as const;
  readonly #suite: CipherSuite;
  #bundle: KeyPackageBundle | undefined;
  #state: GroupState | undefined;

  constructor(readonly name: string, suiteId: number) {
    this.#suite = cipherSuite(suiteId, nodeProvider);
  }

  get state(): GroupState {
    if (this.#state === undefined) throw new Error(`${this.name} is not in a group`);
    return this.#state;
  }

  async keyPackage(): Promise<Uint8Array> {
    this.#bundle = createKeyPackage(this.#suite, { credential: { type: 'basic', identity: new TextEncoder().encode(this.name) }, lifetime: interopLifetime() });
    return mlsMessageBytes({ wireFormat: 'mls_key_package', keyPackage: this.#bundle.keyPackage });
  }

  #lastBundle(): KeyPackageBundle {
    if (this.#bundle === undefined) throw new Error(`${this.name} has no key package`);
    return this.#bundle;
  }

  async createGroup(groupId: Uint8Array): Promise<void> {
    this.#state = createGroup(this.#suite, this.#lastBundle(), { groupId });
  }

  async join(welcome: Uint8Array): Promise<void> {
    const message = parseMLSMessage(welcome);
    if (message.wireFormat !== 'mls_welcome') throw new Error(`expected a Welcome, got ${message.wireFormat}`);
    this.#state = joinFromWelcome({ suite: this.#suite, welcome: message.welcome, keyPackage: this.#lastBundle(), policy: interopPolicy() });
  }

  async commit(request: CommitRequest): Promise<CommitMade> {
    const proposals: Proposal[] = [];
    for (const bytes of request.add ?? []) {
      const message = parseMLSMessage(bytes);
      if (message.wireFormat !== 'mls_key_package') throw new Error(`expected a KeyPackage, got ${message.wireFormat}`);
      proposals.push({ type: 'add', keyPackage: message.keyPackage });
    }
    for (const removed of request.remove ?? []) proposals.push({ type: 'remove', removed });
    const made = createCommit(this.state, { policy: interopPolicy(), proposals, forcePath: request.path === true });
    this.#state = made.state;
    return { commit: made.commit, welcome: made.welcome };
  }

  async proposeUpdate(): Promise<Uint8Array> {
    const sent = proposeUpdate(this.state);
    this.#state = sent.state;
    return sent.message;
  }

  async proposeRemove(leafIndex: number): Promise<Uint8Array> {
    const sent = propose(this.state, { type: 'remove', removed: leafIndex });
    this.#state = sent.state;
    return sent.message;
  }

  async process(message: Uint8Array): Promise<Processed> {
    const result = processMessage(this.state, message, { policy: interopPolicy() });
    if (result.kind === 'removed') {
      this.#state = undefined;
      return { kind: 'removed' };
    }
    this.#state = result.state;
    if (result.kind === 'application') return { kind: 'application', data: result.data };
    return { kind: result.kind };
  }

  async encrypt(data: Uint8Array): Promise<Uint8Array> {
    return encryptApplication(this.state, data);
  }

  epoch(): bigint {
    return this.state.groupContext.epoch;
  }

  leafIndex(): number {
    return this.state.own.leafIndex;
  }

  epochAuthenticator(): Uint8Array {
    return epochAuthenticator(this.state);
  }

  async exporter(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    return exportSecret(this.state, label, context, length);
  }
}
