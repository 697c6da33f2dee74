// A ts-mls 1.6.4 member: the independent implementation Sealed is tested against.
import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createGroup,
  createProposal,
  decodeMlsMessage,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  joinGroup,
  mlsExporter,
  processMessage,
  type Capabilities,
  type CiphersuiteImpl,
  type ClientState,
  type KeyPackage,
  type MLSMessage,
  type PrivateKeyPackage,
  type Proposal,
} from 'ts-mls';
import { interopLifetime, type CommitMade, type CommitRequest, type Party, type Processed } from './party.ts';
import { type InteropSuite, TS_MLS_SUITE_NAME, tsMlsSuite } from './ts-mls-suites.ts';

/** GREASE values (RFC 9420 §13.5) ts-mls advertises, fixed so the tests are deterministic. */
const GREASE_EXTENSION = 0x0a0a;
const GREASE_PROPOSAL = 0x1a1a;

function decode(bytes: Uint8Array): MLSMessage {
  const decoded = decodeMlsMessage(bytes, 0);
  if (decoded === undefined) throw new Error('ts-mls could not decode the message');
  const [message, length] = decoded;
  if (length !== bytes.length) throw new Error(`ts-mls decoded ${length} of ${bytes.length} bytes`);
  return message;
}

export class TsMlsParty implements Party {
  readonly implementation = 'ts-mls' as const;
  #impl: CiphersuiteImpl | undefined;
  #keyPackage: { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage } | undefined;
  #state: ClientState | undefined;

  constructor(readonly name: string, readonly suiteId: InteropSuite) {}

  get state(): ClientState {
    if (this.#state === undefined) throw new Error(`${this.name} is not in a group`);
    return this.#state;
  }

  async #suite(): Promise<CiphersuiteImpl> {
    this.#impl ??= await tsMlsSuite(this.suiteId);
    return this.#impl;
  }

  #capabilities(): Capabilities {
    return {
      versions: ['mls10'],
      ciphersuites: [TS_MLS_SUITE_NAME[this.suiteId]],
      extensions: [GREASE_EXTENSION],
      proposals: [GREASE_PROPOSAL],
      credentials: ['basic'],
    };
  }

  async keyPackage(): Promise<Uint8Array> {
    const credential = { credentialType: 'basic' as const, identity: new TextEncoder().encode(this.name) };
    this.#keyPackage = await generateKeyPackage(credential, this.#capabilities(), interopLifetime(), [], await this.#suite());
    return encodeMlsMessage({ keyPackage: this.#keyPackage.publicPackage, wireformat: 'mls_key_package', version: 'mls10' });
  }

  #lastKeyPackage(): { publicPackage: KeyPackage; privatePackage: PrivateKeyPackage } {
    if (this.#keyPackage === undefined) throw new Error(`${this.name} has no key package`);
    return this.#keyPackage;
  }

  async createGroup(groupId: Uint8Array): Promise<void> {
    const kp = this.#lastKeyPackage();
    this.#state = await createGroup(groupId, kp.publicPackage, kp.privatePackage, [], await this.#suite());
  }

  async join(welcome: Uint8Array): Promise<void> {
    const message = decode(welcome);
    if (message.wireformat !== 'mls_welcome') throw new Error(`expected a Welcome, got ${message.wireformat}`);
    const kp = this.#lastKeyPackage();
    this.#state = await joinGroup(message.welcome, kp.publicPackage, kp.privatePackage, emptyPskIndex, await this.#suite());
  }

  async commit(request: CommitRequest): Promise<CommitMade> {
    const proposals: Proposal[] = [];
    for (const bytes of request.add ?? []) {
      const message = decode(bytes);
      if (message.wireformat !== 'mls_key_package') throw new Error(`expected a KeyPackage, got ${message.wireformat}`);
      proposals.push({ proposalType: 'add', add: { keyPackage: message.keyPackage } });
    }
    for (const removed of request.remove ?? []) proposals.push({ proposalType: 'remove', remove: { removed } });
    // ts-mls decides on its own whether to add an UpdatePath (it always does for a
    // commit with no proposals, i.e. a self-update); `request.path` cannot be forced.
    const result = await createCommit({ state: this.state, cipherSuite: await this.#suite() }, { extraProposals: proposals, ratchetTreeExtension: true });
    this.#state = result.newState;
    const welcome = result.welcome === undefined ? undefined : encodeMlsMessage({ welcome: result.welcome, wireformat: 'mls_welcome', version: 'mls10' });
    return { commit: encodeMlsMessage(result.commit), welcome };
  }

  async proposeUpdate(): Promise<Uint8Array> {
    throw new Error('ts-mls 1.6.4 has no public API to build an Update proposal');
  }

  async proposeRemove(leafIndex: number): Promise<Uint8Array> {
    const proposal: Proposal = { proposalType: 'remove', remove: { removed: leafIndex } };
    const result = await createProposal(this.state, false, proposal, await this.#suite());
    this.#state = result.newState;
    return encodeMlsMessage(result.message);
  }

  async process(bytes: Uint8Array): Promise<Processed> {
    const message = decode(bytes);
    if (message.wireformat !== 'mls_private_message' && message.wireformat !== 'mls_public_message') throw new Error(`not a group message: ${message.wireformat}`);
    const contentType = message.wireformat === 'mls_private_message' ? message.privateMessage.contentType : message.publicMessage.content.contentType;
    const result = await processMessage(message, this.state, emptyPskIndex, acceptAll, await this.#suite());
    this.#state = result.newState;
    if (result.kind === 'applicationMessage') return { kind: 'application', data: result.message };
    if (result.newState.groupActiveState.kind === 'removedFromGroup') return { kind: 'removed' };
    if (contentType === 'commit') return { kind: 'commit' };
    if (contentType === 'proposal') return { kind: 'proposal' };
    throw new Error(`unexpected content type ${contentType}`);
  }

  async encrypt(data: Uint8Array): Promise<Uint8Array> {
    const result = await createApplicationMessage(this.state, data, await this.#suite());
    this.#state = result.newState;
    return encodeMlsMessage({ privateMessage: result.privateMessage, wireformat: 'mls_private_message', version: 'mls10' });
  }

  epoch(): bigint {
    return this.state.groupContext.epoch;
  }

  leafIndex(): number {
    return this.state.privatePath.leafIndex;
  }

  epochAuthenticator(): Uint8Array {
    return this.state.keySchedule.epochAuthenticator.slice();
  }

  async exporter(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    return mlsExporter(this.state.keySchedule.exporterSecret, label, context, length, await this.#suite());
  }
}
