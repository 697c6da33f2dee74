/**
 * The auditor's loop: read the audit feed from the auditor's size, check and countersign
 * each epoch (auditor.ts), submit the latest countersignature, then compare the checkpoint
 * the server shows clients with the journal. Network trouble is logged and retried after
 * `pollMs`; a failed check halts for good (AuditorHalted, with evidence on disk).
 */
import { logEntryLeafHash } from '@sealed/kt/log/log-entry';
import { rootFromInclusion } from '@sealed/kt/log/merkle-verify';
import type { AuditEpoch } from '@sealed/protocol/transparency/audit';
import type { Auditor } from './auditor.ts';
import type { EpochUpdate } from './epoch-update.ts';
import { FeedError, type FeedClient } from './feed-client.ts';

export interface FollowOptions {
  /** Wait between polls once caught up, and before retrying a failed request. */
  readonly pollMs: number;
  /** Stop once caught up with the feed (tests, cron use) instead of polling forever. */
  readonly once: boolean;
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
}

export function updateOf(epoch: AuditEpoch): EpochUpdate {
  return {
    treeSize: epoch.position + 1,
    timestamp: epoch.timestamp,
    added: epoch.inserts,
    removed: [],
    prefixRoot: epoch.prefixRoot,
    logSignature: epoch.signature,
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** One pass: read pages until caught up. Returns whether anything new was countersigned. */
export async function catchUp(auditor: Auditor, feed: FeedClient, log: (line: string) => void): Promise<boolean> {
  let progressed = false;
  for (;;) {
    const start = auditor.size;
    const page = await feed.page(start);
    if (page.epochs.length === 0) break;
    if (page.epochs[0]!.position !== start) throw new FeedError(`page from ${start} starts at ${page.epochs[0]!.position}`);
    let head;
    for (const epoch of page.epochs) head = auditor.accept(updateOf(epoch));
    if (head !== undefined) {
      await feed.submit({ auditorPublicKey: auditor.publicKey, timestamp: head.timestamp, treeSize: head.treeSize, signature: head.signature });
      log(`countersigned size ${head.treeSize}`);
      progressed = true;
    }
    if (auditor.size >= page.treeSize) break;
  }
  await checkServed(auditor, feed);
  return progressed;
}

/** The head the server shows clients must agree with what we countersigned. */
async function checkServed(auditor: Auditor, feed: FeedClient): Promise<void> {
  const { fullTreeHead, latest } = await feed.checkpoint();
  if (fullTreeHead.headType !== 'updated') return;
  const size = fullTreeHead.treeHead.treeSize;
  let root: Uint8Array;
  try {
    root = rootFromInclusion(logEntryLeafHash({ timestamp: latest.timestamp, prefixTreeRoot: latest.prefixRoot }), size - 1, size, latest.inclusion);
  } catch {
    return; // a head without a valid path proves nothing; clients refuse it themselves
  }
  auditor.checkServedHead(size, latest.timestamp, latest.prefixRoot, root, fullTreeHead.treeHead.signature);
}

/**
 * Follows the feed until `signal` aborts (or once caught up with `once`).
 * @throws {AuditorHalted} when a check failed (evidence written).
 */
export async function follow(auditor: Auditor, feed: FeedClient, opts: FollowOptions): Promise<void> {
  while (opts.signal?.aborted !== true) {
    try {
      await catchUp(auditor, feed, opts.log);
      if (opts.once) return;
    } catch (error) {
      if (!(error instanceof FeedError)) throw error;
      opts.log(`feed: ${error.message}; retrying in ${opts.pollMs} ms`);
      if (opts.once) throw error;
    }
    await sleep(opts.pollMs, opts.signal);
  }
}
