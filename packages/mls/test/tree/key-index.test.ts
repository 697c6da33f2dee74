// The tree's key index (tree/key-index.ts) is maintained through every mutation instead of
// being rebuilt per commit; after any sequence of adds, updates, removes, parent key changes,
// direct-path blanking and clones it must equal an index built from scratch of the same
// nodes, and a clone's changes must not reach the original's index.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RatchetTree } from '../../src/tree/ratchet-tree.ts';
import { TreeKeyIndex } from '../../src/tree/key-index.ts';
import { makeMember, type Member } from './helpers.ts';

const pool: Member[] = Array.from({ length: 48 }, () => makeMember());

function snapshot(index: TreeKeyIndex): unknown {
  const sorted = <K, V>(m: Map<K, V>): [K, V][] => [...m.entries()].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1));
  return { e: sorted(index.encryptionKeys), s: sorted(index.signatureKeys), u: sorted(index.typesInUse), t: sorted(index.typesSupported), m: index.members };
}

/** The index computed from scratch from the tree's nodes. */
function fresh(tree: RatchetTree): unknown {
  const index = new TreeKeyIndex();
  for (const [x, node] of tree.toNodes().entries()) {
    if (node === undefined) continue;
    if (node.type === 'leaf') index.addLeaf(x / 2, node.leafNode);
    else index.addParentKey(x, node.parentNode.encryptionKey);
  }
  return snapshot(index);
}

type Op = { kind: 'add' } | { kind: 'update' | 'remove' | 'blank'; at: number } | { kind: 'parent'; at: number; blank: boolean } | { kind: 'clone'; at: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'add' } as const),
  fc.record({ kind: fc.constantFrom('update', 'remove', 'blank') as fc.Arbitrary<'update' | 'remove' | 'blank'>, at: fc.nat() }),
  fc.record({ kind: fc.constant('parent' as const), at: fc.nat(), blank: fc.boolean() }),
  fc.record({ kind: fc.constant('clone' as const), at: fc.nat() }),
);

describe('tree key index', () => {
  test('follows every mutation and equals a fresh build; clones are independent', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 30 }), (ops) => {
        let next = 1;
        const take = (): Member | undefined => pool[next++];
        let tree = RatchetTree.withFirstLeaf(pool[0]!.leafNode);
        tree.keyIndex();
        let parentKey = 0;
        for (const o of ops) {
          const occupied = [...tree.occupiedLeaves()].map(([i]) => i).filter((i) => i !== 0);
          switch (o.kind) {
            case 'add': {
              const m = take();
              if (m !== undefined) tree.addLeaf(m.leafNode);
              break;
            }
            case 'update': {
              const m = take();
              if (m !== undefined && occupied.length > 0) tree.updateLeaf(occupied[o.at % occupied.length]!, m.leafNode);
              break;
            }
            case 'remove':
              if (occupied.length > 0) tree.removeLeaf(occupied[o.at % occupied.length]!);
              break;
            case 'blank':
              tree.blankDirectPath(o.at % tree.leafCount);
              break;
            case 'parent': {
              if (tree.leafCount < 2) break;
              const x = 2 * (o.at % (tree.leafCount - 1)) + 1;
              const key = new Uint8Array(32).fill(7);
              key[0] = parentKey & 0xff;
              key[1] = parentKey++ >> 8;
              tree.setParent(x, o.blank ? undefined : { encryptionKey: key, parentHash: new Uint8Array(0), unmergedLeaves: [] });
              break;
            }
            case 'clone': {
              const copy = tree.clone();
              const before = snapshot(tree.keyIndex());
              if (occupied.length > 0) copy.removeLeaf(occupied[o.at % occupied.length]!);
              assert.deepEqual(snapshot(tree.keyIndex()), before, 'a change to a clone reached the original');
              tree = copy;
              break;
            }
          }
          assert.deepEqual(snapshot(tree.keyIndex()), fresh(tree));
        }
      }),
      { numRuns: 60 },
    );
  });
});
