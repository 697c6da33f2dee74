/**
 * The log root a checkpoint's signatures cover, recomputed from the latest entry and its
 * audit path (Sealed's wire contract sends no root: the client derives it, so a server
 * cannot sign one root and prove against another). This is the computation of RFC 9162
 * §2.1.3.2 steps 2-5 for leaf tree_size - 1, returning r instead of comparing it; the
 * path length is checked exactly as there (extra or missing hashes fail).
 */
import { logEntryLeafHash } from '@sealed/kt/log/log-entry';
import { HASH_LEN, nodeHash } from '@sealed/kt/log/merkle-hash';
import { MAX_PROOF_HASHES } from '@sealed/kt/log/merkle-verify';
import { TransparencyError } from './transparency-error.ts';

/**
 * The root of the log of `treeSize` entries whose last entry is (timestamp, prefixRoot)
 * with audit path `path`.
 * @throws {TransparencyError} `malformed` for sizes, hash lengths or a path of the wrong
 *   length.
 */
export function rootFromLatestEntry(treeSize: number, timestamp: number, prefixRoot: Uint8Array, path: readonly Uint8Array[]): Uint8Array {
  if (!Number.isSafeInteger(treeSize) || treeSize < 1) throw new TransparencyError('malformed', 'tree size must be a positive integer');
  if (path.length > MAX_PROOF_HASHES) throw new TransparencyError('malformed', `audit path of ${path.length} hashes`);
  if (prefixRoot.length !== HASH_LEN || path.some((h) => h.length !== HASH_LEN)) throw new TransparencyError('malformed', 'hash of the wrong length');
  let fn = treeSize - 1;
  let sn = treeSize - 1;
  let r = logEntryLeafHash({ timestamp, prefixTreeRoot: prefixRoot });
  for (const p of path) {
    if (sn === 0) throw new TransparencyError('malformed', `audit path too long for size ${treeSize}`);
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new TransparencyError('malformed', `audit path too short for size ${treeSize}`);
  return r;
}
