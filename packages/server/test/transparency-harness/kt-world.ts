/**
 * The harness world: the real server (in process, real SQLite file) with key transparency
 * on short epochs and one auditor, the tamper proxy in front of it, the real auditor code
 * following the feed over HTTP, and the operator's powers a malicious server has: its
 * storage (write rows the epochs pick up) and its log keys (sign anything).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { nodeProvider } from '@sealed/crypto/node/provider';
import type { Configuration } from '@sealed/kt/checkpoint/configuration';
import { decodeConfigurationWire } from '@sealed/protocol/transparency/configuration';
import { toHex } from '@sealed/protocol/encoding';
import { Auditor } from '@sealed/auditor/auditor';
import { FeedClient } from '@sealed/auditor/feed-client';
import { catchUp } from '@sealed/auditor/follower';
import { TransparencyClient } from '@sealed/client/transparency/transparency-client';
import type { TransparencyAlert } from '@sealed/client/transparency/owner-monitor';
import type { ForkEvidence } from '@sealed/client/transparency/transparency-error';
import { SQLITE_FILE_NAME } from '../../src/storage/sqlite/open.ts';
import { register, startHarness, tokenOf, type Harness, type TestUser } from '../support/harness.ts';
import { TamperProxy } from './tamper-proxy.ts';

/** Epoch length of the harness server: short, so tests wait little. */
export const EPOCH_MS = 150;
/** The most epochs a test waits for one condition. */
const MAX_WAIT_EPOCHS = 200;

export class KtWorld {
  readonly auditorKey = nodeProvider.signatureGenerate('Ed25519');
  readonly auditorDir = mkdtempSync(join(tmpdir(), 'sealed-kt-auditor-'));
  harness!: Harness;
  proxy!: TamperProxy;
  config!: Configuration;
  auditor!: Auditor;
  feed!: FeedClient;
  db!: Database.Database;

  static async start(): Promise<KtWorld> {
    const w = new KtWorld();
    w.harness = await startHarness(['--kt-epoch-ms', String(EPOCH_MS), '--kt-auditors', toHex(w.auditorKey.publicKey)]);
    w.proxy = await TamperProxy.start(w.harness.server.url);
    w.feed = new FeedClient(w.proxy.baseUrl);
    w.config = decodeConfigurationWire(await w.feed.configuration());
    w.auditor = Auditor.open(w.auditorDir, w.config, w.auditorKey.privateKey);
    w.db = new Database(join(w.harness.dir, SQLITE_FILE_NAME));
    w.db.pragma('busy_timeout = 5000');
    return w;
  }

  /** The log's keys, read from the server's storage: what a malicious operator holds. */
  logKeys(): { signingKey: Uint8Array; vrfKey: Uint8Array } {
    const row = this.db.prepare('SELECT signing_key, vrf_key FROM kt_keys WHERE id = 1').get() as { signing_key: Buffer; vrf_key: Buffer };
    return { signingKey: new Uint8Array(row.signing_key), vrfKey: new Uint8Array(row.vrf_key) };
  }

  /** Runs the auditor until it countersigned at least `size` entries (epochs keep closing). */
  async auditUntil(size: number): Promise<void> {
    for (let i = 0; i < MAX_WAIT_EPOCHS; i++) {
      await catchUp(this.auditor, this.feed, () => undefined);
      if (this.auditor.size >= size) return;
      await new Promise((r) => setTimeout(r, EPOCH_MS));
    }
    throw new Error(`auditor did not reach size ${size}`);
  }

  /** Runs the auditor past the next epoch closes (so recent changes are logged and countersigned). */
  async settle(epochs = 3): Promise<void> {
    await new Promise((r) => setTimeout(r, EPOCH_MS * epochs));
    const { fullTreeHead } = await this.feed.checkpoint().catch(() => ({ fullTreeHead: { headType: 'same' as const } }));
    void fullTreeHead;
    const page = await this.feed.page(this.auditor.size);
    await this.auditUntil(page.treeSize);
  }

  register(username: string): Promise<TestUser> {
    return register(this.harness.server.url, username);
  }

  /** A client of `user` talking to the server through the proxy. */
  client(user: TestUser, opts: { clock?: () => number; onAlert?: (a: TransparencyAlert) => void; onFork?: (e: ForkEvidence) => void } = {}): TransparencyClient {
    return new TransparencyClient({
      baseUrl: this.proxy.baseUrl,
      provider: nodeProvider,
      config: this.config,
      requiredAuditors: 1,
      ownUsername: user.username,
      ownAccountId: Uint8Array.from(Buffer.from(user.accountId, 'hex')),
      token: () => tokenOf(user),
      ...opts,
    });
  }

  async close(): Promise<void> {
    this.auditor.close();
    this.db.close();
    await this.proxy.close();
    await this.harness.cleanup();
    rmSync(this.auditorDir, { recursive: true, force: true });
  }
}
