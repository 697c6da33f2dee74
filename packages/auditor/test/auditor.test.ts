import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditorTreeHeadSignature } from '@sealed/kt/checkpoint/tree-head';
import { AuditError } from '../src/audit-error.ts';
import { Auditor, AuditorConfigError, AuditorHalted } from '../src/auditor.ts';
import { JOURNAL_FILE } from '../src/journal.ts';
import { AUDITOR_SK, HonestLog, LOG_SK, randomLeaves, resign, testConfig } from './support/honest-log.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sealed-auditor-'));
}
const clockAt = (log: HonestLog) => () => log.time;

test('countersigns each checked head with AuditorTreeHeadTBS; the signature verifies', () => {
  const dir = tempDir();
  try {
    const log = new HonestLog();
    const auditor = Auditor.open(dir, log.config, AUDITOR_SK, clockAt(log));
    for (let i = 0; i < 5; i++) {
      const u = log.next(randomLeaves(i));
      const head = auditor.accept(u);
      assert.equal(head.treeSize, u.treeSize);
      assert.equal(head.timestamp, u.timestamp);
      verifyAuditorTreeHeadSignature(log.config, head.timestamp, head.treeSize, log.root, head.signature);
    }
    assert.equal(auditor.size, 5);
    auditor.close();
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('state is durable: a reopened auditor continues where it stopped, and re-serving an old head gets the same signature', () => {
  const dir = tempDir();
  try {
    const log = new HonestLog();
    const a = Auditor.open(dir, log.config, AUDITOR_SK, clockAt(log));
    const u1 = log.next(randomLeaves(3));
    const h1 = a.accept(u1);
    a.accept(log.next(randomLeaves(2)));
    a.close();
    const b = Auditor.open(dir, log.config, AUDITOR_SK, clockAt(log));
    assert.equal(b.size, 2);
    assert.deepEqual(b.accept(u1), h1);
    b.accept(log.next(randomLeaves(1)));
    assert.equal(b.size, 3);
    b.close();
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a torn last journal line (crash before fsync returned) is cut off; other damage is corrupt-state', () => {
  const dir = tempDir();
  try {
    const log = new HonestLog();
    const a = Auditor.open(dir, log.config, AUDITOR_SK, clockAt(log));
    a.accept(log.next(randomLeaves(1)));
    a.close();
    appendFileSync(join(dir, JOURNAL_FILE), '{"v":1,"treeSize":2,"times');
    const b = Auditor.open(dir, log.config, AUDITOR_SK, clockAt(log));
    assert.equal(b.size, 1);
    b.accept(log.next([]));
    b.close();
    const text = readFileSync(join(dir, JOURNAL_FILE), 'utf8');
    writeFileSync(join(dir, JOURNAL_FILE), text.replace(/"prefixRoot":"(.)/, (_m, c: string) => `"prefixRoot":"${c === '0' ? '1' : '0'}`));
    assert.throws(() => Auditor.open(dir, log.config, AUDITOR_SK), (e) => e instanceof AuditError && e.code === 'corrupt-state');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('never two roots for one size: a forked head halts the auditor with both log-signed heads as evidence', () => {
  const dir = tempDir();
  try {
    const log = new HonestLog();
    const fork = new HonestLog();
    const a = Auditor.open(dir, log.config, AUDITOR_SK, clockAt(log));
    const shared = randomLeaves(2);
    a.accept(log.next(shared));
    fork.next(shared);
    a.accept(log.next(randomLeaves(1)));
    const other = fork.next(randomLeaves(1)); // same size 2, another root
    assert.throws(() => a.accept(other), (e) => e instanceof AuditorHalted && e.code === 'conflicting-head');
    // Halted: even honest updates are refused now, and a restart is refused while evidence exists.
    assert.throws(() => a.accept(log.next([])), AuditorHalted);
    assert.throws(() => Auditor.open(dir, log.config, AUDITOR_SK), (e) => e instanceof AuditorHalted && e.code === 'evidence-present');
    const file = readdirSync(dir).find((n) => n.startsWith('evidence-'))!;
    const evidence = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { code: string; heads: { treeSize: number; prefixRoot: string; signature: string }[] };
    assert.equal(evidence.code, 'conflicting-head');
    assert.equal(evidence.heads.length, 2);
    assert.equal(evidence.heads[0]!.treeSize, 2);
    assert.equal(evidence.heads[1]!.treeSize, 2);
    assert.notEqual(evidence.heads[0]!.prefixRoot, evidence.heads[1]!.prefixRoot);
    assert.notEqual(evidence.heads[0]!.signature, evidence.heads[1]!.signature);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a failed check stops the auditor with the failing entry as evidence; nothing is countersigned', () => {
  const dir = tempDir();
  try {
    const log = new HonestLog();
    const a = Auditor.open(dir, log.config, AUDITOR_SK, clockAt(log));
    a.accept(log.next(randomLeaves(1)));
    const before = [...log.leafHashes];
    const bad = resign(log.config, before, { ...log.next(randomLeaves(1)), prefixRoot: new Uint8Array(32).fill(5) });
    assert.throws(() => a.accept(bad), (e) => e instanceof AuditorHalted && e.code === 'prefix-root-mismatch');
    const file = readdirSync(dir).find((n) => n.startsWith('evidence-'))!;
    const evidence = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { update: { treeSize: number; logSignature: string }; lastAccepted: { treeSize: number } };
    assert.equal(evidence.update.treeSize, 2);
    assert.equal(evidence.lastAccepted.treeSize, 1);
    assert.equal(evidence.update.logSignature.length, 128);
    const journal = readFileSync(join(dir, JOURNAL_FILE), 'utf8').trim().split('\n');
    assert.equal(journal.length, 1, 'the refused entry was not journaled');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('refuses to start with a key the configuration does not name, or outside thirdPartyAuditing', () => {
  const dir = tempDir();
  try {
    assert.throws(() => Auditor.open(dir, testConfig(), LOG_SK), AuditorConfigError);
    assert.throws(() => Auditor.open(dir, { ...testConfig(), mode: { kind: 'contactMonitoring' } }, AUDITOR_SK), AuditorConfigError);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a head the server shows clients with another root for a size we countersigned halts with both log-signed heads', async () => {
  const { signTreeHead } = await import('@sealed/kt/checkpoint/tree-head');
  const dir = tempDir();
  try {
    const log = new HonestLog();
    const a = Auditor.open(dir, log.config, AUDITOR_SK, clockAt(log));
    a.accept(log.next(randomLeaves(1)));
    a.accept(log.next(randomLeaves(1)));
    a.checkServedHead(2, log.time, log.prefix.rootValue(), log.root, signTreeHead(LOG_SK, log.config, 2, log.root));
    a.checkServedHead(9, log.time, log.prefix.rootValue(), new Uint8Array(32), new Uint8Array(64)); // beyond us: not judged
    const otherRoot = new Uint8Array(32).fill(9);
    assert.throws(
      () => a.checkServedHead(2, log.time, log.prefix.rootValue(), otherRoot, signTreeHead(LOG_SK, log.config, 2, otherRoot)),
      (e) => e instanceof AuditorHalted && e.code === 'conflicting-head',
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});
