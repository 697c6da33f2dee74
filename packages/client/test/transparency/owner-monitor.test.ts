import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { nodeProvider } from '@sealed/crypto/node/provider';
import { accountLabel, encodeAccountValue, encodeUsernameValue, usernameLabel } from '@sealed/kt/labels/labels';
import type { MonitorResponseShape } from '@sealed/kt/verify/shapes';
import { monitorOwnLabel, OwnChanges, type OwnLabelState } from '../../src/transparency/owner-monitor.ts';
import type { RetainedCheckpoint } from '../../src/transparency/retained-checkpoint.ts';
import { TransparencyError } from '../../src/transparency/transparency-error.ts';
import { signDeviceList } from '../../src/engine/identity.ts';
import { ProverWorld, type TestAccount } from './support/prover-world.ts';

/** An owner device: its own published values, label states and retained checkpoint. */
class Owner {
  readonly own = new OwnChanges();
  states: OwnLabelState[];
  checkpoint: RetainedCheckpoint | undefined;

  constructor(
    readonly world: ProverWorld,
    readonly account: TestAccount,
  ) {
    this.states = [{ label: usernameLabel(account.username) }, { label: accountLabel(account.accountId) }];
  }

  register(): void {
    this.own.record(this.world.usernameValue(this.account));
    this.own.record(this.world.accountValue(this.account));
    this.world.register(this.account);
  }

  addDevice(): void {
    // Recorded before it is sent: a change that lands before the answer is still ours.
    const a = this.account;
    const next = { ...a, devices: [...a.devices], listVersion: a.listVersion + 1 };
    next.devices.push({ id: new Uint8Array(16).fill(a.listVersion), key: nodeProvider.signatureGenerate('Ed25519') });
    this.own.record(this.world.accountValue(next));
    a.devices = next.devices;
    a.listVersion = next.listVersion;
    this.world.epoch([{ label: accountLabel(a.accountId), value: this.world.accountValue(a) }]);
  }

  /** One monitoring round over both labels; returns the alerts' messages. */
  monitor(tamper?: (r: MonitorResponseShape) => MonitorResponseShape): string[] {
    const messages: string[] = [];
    this.states = this.states.map((state) => {
      let response = this.world.prover.monitor(state.label, this.world.size, state.knownVersion, this.checkpoint?.treeSize);
      if (tamper !== undefined) response = tamper(response);
      const round = monitorOwnLabel(nodeProvider, this.world.policy(), this.checkpoint, state, response, this.own);
      this.checkpoint = round.checkpoint;
      messages.push(...round.alerts.map((a) => a.message));
      return round.state;
    });
    return messages;
  }
}

test("the owner's own changes never alert: registration and added devices", () => {
  const world = new ProverWorld();
  const alice = new Owner(world, world.newAccount('alice'));
  alice.register();
  assert.deepEqual(alice.monitor(), []);
  alice.addDevice();
  assert.deepEqual(alice.monitor(), []);
  alice.addDevice();
  alice.addDevice();
  world.epoch();
  assert.deepEqual(alice.monitor(), []);
  assert.equal(alice.states[1]!.knownVersion, 3);
});

test('case 2: a device list the owner did not publish alerts "a new device was added ... was it you?" with the time', () => {
  const world = new ProverWorld();
  const alice = new Owner(world, world.newAccount('alice'));
  alice.register();
  alice.monitor();
  // A list signed with alice's identity key (e.g. from a stolen device) that this device did not make.
  const a = alice.account;
  const ghost = [...a.devices, { id: new Uint8Array(16).fill(0xee), key: nodeProvider.signatureGenerate('Ed25519') }];
  world.epoch([{ label: accountLabel(a.accountId), value: encodeAccountValue(signDeviceList(nodeProvider, 'alice', a.identity, 2, ghost)) }]);
  const at = world.time;
  const alerts = alice.monitor();
  assert.equal(alerts.length, 1);
  assert.match(alerts[0]!, /^a new device was added to your account at .* UTC; was it you\?$/);
  assert.ok(alerts[0]!.includes(new Date(at).toISOString().slice(0, 19).replace('T', ' ')));
  // The next round has nothing new: no repeated alert.
  world.epoch();
  assert.deepEqual(alice.monitor(), []);
});

test('case 2: a swapped identity key and a rebound username both alert the owner', () => {
  const world = new ProverWorld();
  const alice = new Owner(world, world.newAccount('alice'));
  alice.register();
  alice.monitor();
  const mallory = world.newAccount('alice');
  world.epoch([
    { label: usernameLabel('alice'), value: encodeUsernameValue({ accountId: alice.account.accountId, identityKey: mallory.identity.publicKey }) },
    { label: accountLabel(alice.account.accountId), value: encodeAccountValue(signDeviceList(nodeProvider, 'alice', mallory.identity, 2, mallory.devices)) },
  ]);
  const alerts = alice.monitor();
  assert.equal(alerts.length, 2);
  assert.match(alerts[0]!, /your username was bound to another identity key at .*; was it you\?/);
  assert.match(alerts[1]!, /your account's identity key was replaced at .*; was it you\?/);
});

test('case 5 (property): skipped, repeated, reordered or re-dated versions make the owner check fail', () => {
  const world = new ProverWorld();
  const alice = new Owner(world, world.newAccount('alice'));
  alice.register();
  for (let i = 0; i < 4; i++) alice.addDevice();
  const label = accountLabel(alice.account.accountId);
  const honest = world.prover.monitor(label, world.size, 0);
  const state: OwnLabelState = { label, knownVersion: 0 };
  const policy = world.policy();
  monitorOwnLabel(nodeProvider, policy, undefined, state, honest, alice.own);
  const n = honest.versions.length;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.record({ kind: fc.constant('drop' as const), i: fc.nat(n - 1) }),
        fc.record({ kind: fc.constant('repeat' as const), i: fc.nat(n - 1) }),
        fc.record({ kind: fc.constant('swap' as const), i: fc.nat(n - 2), j: fc.constant(0) }),
        fc.record({ kind: fc.constant('position' as const), i: fc.nat(n - 1), j: fc.integer({ min: -3, max: 3 }).filter((d) => d !== 0) }),
        fc.record({ kind: fc.constant('greatest' as const), i: fc.constant(0), j: fc.integer({ min: -2, max: 2 }).filter((d) => d !== 0) }),
      ),
      (m) => {
        const versions = [...honest.versions];
        let greatest = honest.greatestVersion;
        if (m.kind === 'drop') versions.splice(m.i, 1);
        if (m.kind === 'repeat') versions.splice(m.i, 0, versions[m.i]!);
        if (m.kind === 'swap') [versions[m.i], versions[m.i + 1]] = [versions[m.i + 1]!, versions[m.i]!];
        if (m.kind === 'position' && 'j' in m) versions[m.i] = { ...versions[m.i]!, position: Math.max(0, versions[m.i]!.position + m.j) };
        if (m.kind === 'greatest' && 'j' in m) greatest += m.j;
        const tampered = { ...honest, versions, greatestVersion: greatest };
        assert.throws(() => monitorOwnLabel(nodeProvider, policy, undefined, state, tampered, alice.own), TransparencyError);
      },
    ),
    { numRuns: 60 },
  );
});

test('monitoring a stale log (heartbeats missing) fails instead of reporting "no change"', () => {
  const world = new ProverWorld();
  const alice = new Owner(world, world.newAccount('alice'));
  alice.register();
  const response = world.prover.monitor(accountLabel(alice.account.accountId), world.size);
  assert.throws(
    () => monitorOwnLabel(nodeProvider, { ...world.policy(), now: world.time + world.config.maxBehind + 1 }, undefined, { label: accountLabel(alice.account.accountId) }, response, alice.own),
    (e) => e instanceof TransparencyError && e.code === 'stale-checkpoint',
  );
});
