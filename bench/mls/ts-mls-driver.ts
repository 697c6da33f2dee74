// The group scenario (./group-scenario.ts) driven through ts-mls 1.6.4. Suite 1 is ts-mls's
// built-in one; 0xF0A1 is assembled from ts-mls's own parts with an X-Wing KEM plugged into
// its HPKE (packages/mls/test/interop/ts-mls-suites.ts; the KEM runs on the @noble provider).
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  joinGroup,
  processMessage,
  type Capabilities,
  type CiphersuiteImpl,
  type ClientState,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
  type Proposal,
  acceptAll,
} from 'ts-mls';
import { type InteropSuite, TS_MLS_SUITE_NAME, tsMlsSuite } from '../../packages/mls/test/interop/ts-mls-suites.ts';
import { benchLifetime } from './lifetime.ts';
import { type GroupDriver, PAYLOAD } from './group-scenario.ts';

function decode(bytes: Uint8Array): MLSMessage {
  const decoded = decodeMlsMessage(bytes, 0);
  if (decoded === undefined) throw new Error('ts-mls could not decode');
  return decoded[0];
}

type Bundle = { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage };

export class TsMlsDriver implements GroupDriver {
  #impl: CiphersuiteImpl | undefined;
  #creator: ClientState | undefined;
  #joiner: ClientState | undefined;
  #joinerBundle: Bundle | undefined;

  constructor(readonly suiteId: InteropSuite) {}

  async setup(n: number): Promise<Uint8Array[]> {
    const impl = (this.#impl ??= await tsMlsSuite(this.suiteId));
    const capabilities: Capabilities = { versions: ['mls10'], ciphersuites: [TS_MLS_SUITE_NAME[this.suiteId]], extensions: [], proposals: [], credentials: ['basic'] };
    const make = (i: number): Promise<Bundle> =>
      generateKeyPackage({ credentialType: 'basic', identity: new TextEncoder().encode(`member ${i}`) }, capabilities, benchLifetime(), [], impl);
    const creator = await make(0);
    this.#creator = await createGroup(new TextEncoder().encode('bench group'), creator.publicPackage, creator.privatePackage, [], impl);
    const out: Uint8Array[] = [];
    for (let i = 1; i < n; i++) {
      const bundle = await make(i);
      if (i === n - 1) this.#joinerBundle = bundle;
      out.push(encodeMlsMessage({ keyPackage: bundle.publicPackage, wireformat: 'mls_key_package', version: 'mls10' }));
    }
    return out;
  }

  async addAll(keyPackages: readonly Uint8Array[]): Promise<Uint8Array> {
    const proposals: Proposal[] = keyPackages.map((bytes) => {
      const message = decode(bytes);
      if (message.wireformat !== 'mls_key_package') throw new Error('not a key package');
      return { proposalType: 'add', add: { keyPackage: message.keyPackage } };
    });
    const result = await createCommit({ state: this.#creator!, cipherSuite: this.#impl! }, { extraProposals: proposals, ratchetTreeExtension: true });
    this.#creator = result.newState;
    encodeMlsMessage(result.commit);
    return encodeMlsMessage({ welcome: result.welcome!, wireformat: 'mls_welcome', version: 'mls10' });
  }

  async join(welcome: Uint8Array): Promise<void> {
    const message = decode(welcome);
    if (message.wireformat !== 'mls_welcome') throw new Error('not a Welcome');
    this.#joiner = await joinGroup(message.welcome, this.#joinerBundle!.publicPackage, this.#joinerBundle!.privatePackage, emptyPskIndex, this.#impl!);
  }

  async update(): Promise<Uint8Array> {
    const result = await createCommit({ state: this.#joiner!, cipherSuite: this.#impl! }, {});
    this.#joiner = result.newState;
    return encodeMlsMessage(result.commit);
  }

  async process(commit: Uint8Array): Promise<void> {
    const message = decode(commit);
    if (message.wireformat !== 'mls_private_message' && message.wireformat !== 'mls_public_message') throw new Error('not a group message');
    this.#creator = (await processMessage(message, this.#creator!, emptyPskIndex, acceptAll, this.#impl!)).newState;
  }

  async message(): Promise<void> {
    const sent = await createApplicationMessage(this.#joiner!, PAYLOAD, this.#impl!);
    this.#joiner = sent.newState;
    const wire = encodeMlsMessage({ privateMessage: sent.privateMessage, wireformat: 'mls_private_message', version: 'mls10' });
    const message = decode(wire);
    if (message.wireformat !== 'mls_private_message') throw new Error('not a private message');
    const result = await processMessage(message, this.#creator!, emptyPskIndex, acceptAll, this.#impl!);
    this.#creator = result.newState;
    if (result.kind !== 'applicationMessage') throw new Error('application message lost');
  }

  agree(): boolean {
    const a = this.#creator!.keySchedule.epochAuthenticator;
    const b = this.#joiner!.keySchedule.epochAuthenticator;
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }
}
