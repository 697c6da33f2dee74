/**
 * A key-transparency log driven by kt's real prover (the server's pure side) with two
 * auditors, and accounts whose device lists are really signed: what the client's checks
 * see from an honest server. Tests tamper with its responses to play a malicious one;
 * packages/server/test/transparency-harness does the same against the server process.
 */
import { randomBytes } from 'node:crypto';
import { nodeProvider } from '@sealed/crypto/node/provider';
import type { KeyPair } from '@sealed/crypto/provider';
import { KT_128_SHA256_ED25519, type Configuration } from '@sealed/kt/checkpoint/configuration';
import { signAuditorTreeHead } from '@sealed/kt/checkpoint/tree-head';
import { accountLabel, encodeAccountValue, encodeUsernameValue, usernameLabel } from '@sealed/kt/labels/labels';
import { KtProver } from '@sealed/kt/proof/prover';
import { vrfPublicKey } from '@sealed/kt/vrf/ecvrf';
import type { VerifyPolicy } from '@sealed/kt/verify/checkpoint-verify';
import { signDeviceList } from '../../../src/engine/identity.ts';

const LOG_SK = new Uint8Array(32).fill(0x31);
const VRF_SK = new Uint8Array(32).fill(0x32);
export const AUDITOR_SKS = [new Uint8Array(32).fill(0x41), new Uint8Array(32).fill(0x42)];
const pub = (sk: Uint8Array) => nodeProvider.signaturePublicKey('Ed25519', sk);
const random = (n: number) => new Uint8Array(randomBytes(n));

export function worldConfig(): Configuration {
  const keys = AUDITOR_SKS.map(pub).sort((a, b) => Buffer.compare(a, b));
  const field = new Uint8Array(32 * keys.length);
  keys.forEach((k, i) => field.set(k, 32 * i));
  return {
    ciphersuite: KT_128_SHA256_ED25519,
    mode: { kind: 'thirdPartyAuditing', maxAuditorLag: 600_000, auditorStartPos: 0, auditorPublicKey: field },
    signaturePublicKey: pub(LOG_SK),
    vrfPublicKey: vrfPublicKey(VRF_SK),
    maxAhead: 60_000,
    maxBehind: 600_000,
    reasonableMonitoringWindow: 604_800_000,
  };
}

export interface TestAccount {
  readonly username: string;
  readonly accountId: Uint8Array;
  identity: KeyPair;
  devices: { id: Uint8Array; key: KeyPair }[];
  listVersion: number;
}

export class ProverWorld {
  readonly config = worldConfig();
  readonly prover = new KtProver({ config: this.config, signingKey: LOG_SK, vrfSecretKey: VRF_SK });
  time = 1_700_000_000_000;

  policy(requiredAuditors = 2): VerifyPolicy {
    return { config: this.config, requiredAuditors, now: this.time + 1000 };
  }

  /** Appends an epoch with `updates` (empty: a heartbeat) and has both auditors countersign it. */
  epoch(updates: { label: Uint8Array; value: Uint8Array }[] = [], step = 60_000): void {
    this.time += step;
    this.prover.applyEpoch(this.prover.prepareEpoch(this.time, updates, random));
    const size = this.prover.size;
    for (const sk of AUDITOR_SKS) {
      this.prover.acceptCountersignature({ auditorPublicKey: pub(sk), timestamp: this.time, treeSize: size, signature: signAuditorTreeHead(sk, this.config, this.time, size, this.prover.root(size)) });
    }
  }

  newAccount(username: string): TestAccount {
    return { username, accountId: random(16), identity: nodeProvider.signatureGenerate('Ed25519'), devices: [{ id: random(16), key: nodeProvider.signatureGenerate('Ed25519') }], listVersion: 1 };
  }

  signedList(a: TestAccount): Uint8Array {
    return signDeviceList(nodeProvider, a.username, a.identity, a.listVersion, a.devices);
  }

  accountValue(a: TestAccount): Uint8Array {
    return encodeAccountValue(this.signedList(a));
  }

  usernameValue(a: TestAccount): Uint8Array {
    return encodeUsernameValue({ accountId: a.accountId, identityKey: a.identity.publicKey });
  }

  /** Registration: both labels get version 0 in the next epoch. */
  register(a: TestAccount): void {
    this.epoch([
      { label: usernameLabel(a.username), value: this.usernameValue(a) },
      { label: accountLabel(a.accountId), value: this.accountValue(a) },
    ]);
  }

  /** The owner adds a device and publishes the new list (one epoch). Returns the value. */
  addDevice(a: TestAccount): Uint8Array {
    a.devices.push({ id: random(16), key: nodeProvider.signatureGenerate('Ed25519') });
    a.listVersion++;
    const value = this.accountValue(a);
    this.epoch([{ label: accountLabel(a.accountId), value }]);
    return value;
  }

  get size(): number {
    return this.prover.size;
  }
}
