import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCli, UsageError } from '../src/cli-options.ts';

test('flags, with environment fallbacks', () => {
  assert.deepEqual(parseCli(['--server', 'http://127.0.0.1:8080', '--state-dir', '/s', '--key-file', '/k', '--once'], {}), {
    kind: 'run', server: 'http://127.0.0.1:8080/', stateDir: '/s', keyFile: '/k', pollMs: 5000, once: true,
  });
  const env = { SEALED_AUDITOR_SERVER: 'https://kt.example', SEALED_AUDITOR_STATE_DIR: '/e', SEALED_AUDITOR_KEY_FILE: '/ek', SEALED_AUDITOR_POLL_MS: '250' };
  assert.deepEqual(parseCli([], env), { kind: 'run', server: 'https://kt.example/', stateDir: '/e', keyFile: '/ek', pollMs: 250, once: false });
  assert.equal(parseCli(['--state-dir', '/flag'], env).kind, 'run');
  assert.deepEqual(parseCli(['--help'], {}), { kind: 'help' });
  assert.deepEqual(parseCli(['--generate-key', '/k'], {}), { kind: 'generate-key', keyFile: '/k' });
});

test('malformed command lines are usage errors', () => {
  const base = ['--server', 'http://127.0.0.1:1', '--state-dir', '/s', '--key-file', '/k'];
  for (const argv of [
    ['--bogus'],
    ['--server'],
    ['--server', '--once'],
    base.slice(0, 4),
    ['--server', 'not a url', '--state-dir', '/s', '--key-file', '/k'],
    ['--server', 'ftp://x', '--state-dir', '/s', '--key-file', '/k'],
    [...base, '--poll-ms', '0'],
    [...base, '--poll-ms', '-5'],
    [...base, '--poll-ms', '1e3'],
    [...base, '--poll-ms', '86400001'],
  ]) {
    assert.throws(() => parseCli(argv, {}), UsageError, argv.join(' '));
  }
});
