import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { toBase64Url, toHex } from '@sealed/protocol/encoding';
import { busStatusLogger } from '../../src/app.ts';
import { helpText, OPTIONS, parseConfig, ConfigError } from '../../src/config.ts';
import { loadManifest } from '../../src/disclosure/manifest.ts';
import { memoryLogger } from '../../src/log.ts';
import { logProblems } from '../disclosure-checks.ts';
import type { DeviceId } from '../../src/storage/types.ts';
import { http, register, startHarness, tokenOf, type Harness } from '../support/harness.ts';
import { TestSocket } from '../support/ws-client.ts';

describe('configuration', () => {
  it('defaults, environment over defaults, flags over environment', () => {
    const defaults = parseConfig([], {});
    assert.equal(defaults.host, '127.0.0.1');
    assert.equal(defaults.dataDir, './data');
    assert.equal(defaults.storage, 'sqlite');
    assert.equal(defaults.retentionMs, 30 * 86_400_000);
    assert.equal(parseConfig([], { SEALED_PORT: '9000' }).port, 9000);
    assert.equal(parseConfig(['--port', '9001'], { SEALED_PORT: '9000' }).port, 9001);
    assert.equal(parseConfig(['--port=9002'], {}).port, 9002);
  });
  it('rejects unknown flags, missing and invalid values', () => {
    assert.throws(() => parseConfig(['--nope', '1'], {}), ConfigError);
    assert.throws(() => parseConfig(['--port'], {}), ConfigError);
    assert.throws(() => parseConfig(['--port', '70000'], {}), ConfigError);
    assert.throws(() => parseConfig(['--storage', 'mysql'], {}), ConfigError);
    assert.throws(() => parseConfig([], { SEALED_RETENTION_DAYS: 'ten' }), ConfigError);
  });
  it('--help lists every option with its variable and default', () => {
    const text = helpText();
    for (const o of OPTIONS) assert.ok(text.includes(o.flag) && text.includes(o.env) && text.includes(`default: ${o.default}`), o.flag);
  });
  it('--help mentions the disclose subcommand', () => {
    assert.match(helpText(), /sealed-server disclose <username> \[--json\]/);
  });
});

describe('bus status log', () => {
  it('logs disconnected / reconnected / closed with the state only, every field in the manifest', () => {
    const log = memoryLogger();
    const onStatus = busStatusLogger(log);
    for (const status of ['disconnected', 'reconnected', 'closed']) onStatus(status);
    assert.equal(log.lines.length, 3);
    const entries = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(entries.map((e) => [e['level'], e['event'], e['busStatus']]), [
      ['warn', 'bus-status', 'disconnected'],
      ['info', 'bus-status', 'reconnected'],
      ['info', 'bus-status', 'closed'],
    ]);
    assert.deepEqual(logProblems(loadManifest(), log.lines), []);
  });
});

describe('operations', () => {
  let h: Harness;
  let base: string;
  let clock = Date.now();
  before(async () => {
    h = await startHarness(['--retention-days', '1'], { now: () => clock });
    base = h.server.url;
  });
  after(() => h.cleanup());

  it('/healthz and /metrics (Prometheus text)', async () => {
    assert.deepEqual((await http(base, 'GET', '/healthz')).json, { status: 'ok' });
    const res = await fetch(base + '/metrics');
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /# TYPE sealed_http_requests_total counter/);
    assert.match(text, /sealed_http_requests_total\{route="\/healthz",status="200"\} 1/);
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) assert.match(line, /^[a-z_]+(\{[^}]*\})? \d+(\.\d+)?$/, line);
  });

  it('logs are JSON lines that never contain usernames, tokens, keys, ids or addresses', async () => {
    const user = await register(base, 'secret.name.ops');
    const token = tokenOf(user);
    await http(base, 'GET', '/v1/accounts/secret.name.ops', undefined, token);
    await http(base, 'GET', '/v1/accounts/another.secret', undefined, token);
    const s = await TestSocket.connect(base, token);
    await s.close();
    const all = h.logLines.join('');
    assert.ok(h.logLines.length > 0);
    for (const line of h.logLines) JSON.parse(line);
    for (const secret of ['secret.name', 'another.secret', toBase64Url(token), toHex(user.devices[0]!.id), user.accountId, '127.0.0.1:', toBase64Url(user.identity.publicKey)]) {
      assert.ok(!all.includes(secret), `log leaks ${secret}`);
    }
    assert.ok(all.includes('"route":"/v1/accounts/:username"'), 'routes are logged as patterns');
  });

  it('queue entries expire after the retention period', async () => {
    const [a, b] = [await register(base, 'a.ops'), await register(base, 'b.ops')];
    const s = await TestSocket.connect(base, tokenOf(a));
    s.send({ type: 'send', requestId: 1, clientMessageId: new Uint8Array(randomBytes(16)), kind: 'application', epoch: 0, groupId: new Uint8Array([1]), recipients: [b.devices[0]!.id], payload: new Uint8Array([1]) });
    await s.next('sent');
    await s.close();
    const bob = toHex(b.devices[0]!.id) as DeviceId;
    assert.equal(await h.server.storage.queue.count(bob), 1);
    await h.server.sweep();
    assert.equal(await h.server.storage.queue.count(bob), 1, 'kept within retention');
    // received_at is the receive day: an entry is kept for the full retention period and
    // deleted within one more day.
    clock += 86_400_000 + 1;
    await h.server.sweep();
    assert.equal(await h.server.storage.queue.count(bob), 1, 'kept for the full retention period');
    clock += 86_400_000;
    await h.server.sweep();
    assert.equal(await h.server.storage.queue.count(bob), 0);
    assert.equal(h.server.metrics.get('sealed_entries_expired_total'), 1);
  });

  it('connections above --max-connections are refused; the others keep working', async () => {
    const limited = await startHarness(['--max-connections', '5']);
    try {
      const u = await register(limited.server.url, 'u.limits');
      // The HTTP keep-alive connection of `register` may hold a slot too: open until refused.
      const sockets: TestSocket[] = [];
      let refused = false;
      for (let i = 0; i < 10 && !refused; i++) {
        const s = await TestSocket.connect(limited.server.url, tokenOf(u)).catch(() => undefined);
        if (s === undefined) refused = true;
        else sockets.push(s);
      }
      assert.ok(refused, 'a connection beyond the limit is refused');
      assert.ok(sockets.length >= 3 && sockets.length <= 5, `${sockets.length} accepted`);
      sockets[0]!.send({ type: 'ack', seqs: [1] });
      await sockets[0]!.close();
      // Bounded wait for the server to notice the close, then a new connection is accepted.
      let opened: TestSocket | undefined;
      for (let i = 0; i < 50 && opened === undefined; i++) {
        opened = await TestSocket.open(limited.server.url).catch(async () => {
          await new Promise((r) => setTimeout(r, 50));
          return undefined;
        });
      }
      assert.ok(opened);
      await opened.close();
      await Promise.all(sockets.slice(1).map((s) => s.close()));
    } finally {
      await limited.cleanup();
    }
  });
});
