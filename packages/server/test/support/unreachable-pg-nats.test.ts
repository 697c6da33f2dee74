/**
 * A suite that needs PostgreSQL or NATS must FAIL, never skip, when the service is down,
 * with one line naming the service and how to start it. Proven by running two real suites
 * in a child process pointed at a closed port (127.0.0.1:1).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

function runSuite(file: string): { status: number | null; output: string } {
  // The runner marks its children through NODE_TEST_CONTEXT; this child must run as a
  // top-level test process so its exit code and summary are its own.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['NODE_TEST_CONTEXT'];
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', file], {
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      ...env,
      SEALED_TEST_PG_URL: 'postgres://postgres@127.0.0.1:1/test',
      SEALED_TEST_NATS_URL: 'nats://127.0.0.1:1',
    },
  });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

describe('suites needing a service fail when it is down', () => {
  it('PostgreSQL suite: fails with a one-line hint', () => {
    const { status, output } = runSuite(here('../storage/migrate-pg.test.ts'));
    assert.notEqual(status, 0);
    assert.match(output, /PostgreSQL is not reachable at 127\.0\.0\.1:1 .*start it with: pg_ctlcluster/);
    assert.match(output, /# skipped 0/);
    assert.match(output, /# pass 0/);
  });

  it('NATS suite: fails with a one-line hint', () => {
    const { status, output } = runSuite(here('../bus/nats.test.ts'));
    assert.notEqual(status, 0);
    assert.match(output, /NATS is not reachable at 127\.0\.0\.1:1 .*start it with: start-stop-daemon/);
    assert.match(output, /# skipped 0/);
    assert.match(output, /# pass 0/);
  });
});
