// Field-aware mutations: decode a valid structure, change one field, re-encode. Optionally
// re-signed with the original signer's key, so the change passes the signature check and
// reaches the semantic validation behind it (§7.3, §10.1, §12.4.3).
import fc from 'fast-check';
import type { CipherSuite } from '../../src/crypto/cipher-suite.ts';
import type { GroupInfo } from '../../src/structs/group-info.ts';
import type { KeyPackage } from '../../src/structs/key-package.ts';
import type { LeafNode } from '../../src/structs/leaf-node.ts';
import type { Welcome } from '../../src/structs/welcome.ts';
import { signKeyPackage } from '../../src/validation/key-package.ts';
import { signLeafNode } from '../../src/validation/leaf-node-signature.ts';
import { signGroupInfo } from '../../src/welcome/group-info.ts';

/** Which field to change (modulo the structure's field count) and the raw material for it. */
export interface FieldChange {
  readonly field: number;
  readonly bytes: Uint8Array;
  readonly n: number;
}
export const fieldChange: fc.Arbitrary<FieldChange> = fc.record({ field: fc.nat(), bytes: fc.uint8Array({ maxLength: 80 }), n: fc.nat({ max: 0xffff }) });

const flip = (b: Uint8Array, n: number): Uint8Array => {
  const out = b.slice();
  if (out.length > 0) out[n % out.length] = out[n % out.length]! ^ 1;
  return out;
};

export const WELCOME_FIELDS = 9;
export function mutateWelcome(w: Welcome, c: FieldChange): Welcome {
  const first = w.secrets[0]!;
  switch (c.field % WELCOME_FIELDS) {
    case 0: return { ...w, cipherSuite: c.n };
    case 1: return { ...w, secrets: [] };
    case 2: return { ...w, secrets: [first, first] };
    case 3: return { ...w, secrets: [{ ...first, newMember: c.bytes }] };
    case 4: return { ...w, secrets: [{ ...first, encryptedGroupSecrets: { ...first.encryptedGroupSecrets, kemOutput: c.bytes } }] };
    case 5: return { ...w, secrets: [{ ...first, encryptedGroupSecrets: { ...first.encryptedGroupSecrets, ciphertext: flip(first.encryptedGroupSecrets.ciphertext, c.n) } }] };
    case 6: return { ...w, encryptedGroupInfo: c.bytes };
    case 7: return { ...w, encryptedGroupInfo: flip(w.encryptedGroupInfo, c.n) };
    default: return { ...w, encryptedGroupInfo: w.encryptedGroupInfo.subarray(0, c.n % (w.encryptedGroupInfo.length + 1)) };
  }
}

export const GROUP_INFO_FIELDS = 12;
/** A changed GroupInfo; `resign` re-signs it with `signerKey` (the signer's real key). */
export function mutateGroupInfo(suite: CipherSuite, g: GroupInfo, c: FieldChange, resign: boolean, signerKey: Uint8Array): GroupInfo {
  const ctx = g.groupContext;
  let next: GroupInfo;
  switch (c.field % GROUP_INFO_FIELDS) {
    case 0: next = { ...g, groupContext: { ...ctx, version: c.n } }; break;
    case 1: next = { ...g, groupContext: { ...ctx, cipherSuite: c.n } }; break;
    case 2: next = { ...g, groupContext: { ...ctx, groupId: c.bytes } }; break;
    case 3: next = { ...g, groupContext: { ...ctx, epoch: BigInt(c.n) } }; break;
    case 4: next = { ...g, groupContext: { ...ctx, treeHash: c.bytes } }; break;
    case 5: next = { ...g, groupContext: { ...ctx, confirmedTranscriptHash: c.bytes } }; break;
    case 6: next = { ...g, groupContext: { ...ctx, extensions: [...ctx.extensions, { extensionType: c.n, extensionData: c.bytes }] } }; break;
    case 7: next = { ...g, extensions: g.extensions.filter((_, i) => i !== c.n % Math.max(1, g.extensions.length)) }; break;
    case 8: next = { ...g, extensions: g.extensions.map((e, i) => (i === c.n % g.extensions.length ? { ...e, extensionData: flip(e.extensionData, c.n) } : e)) }; break;
    case 9: next = { ...g, confirmationTag: c.bytes }; break;
    case 10: next = { ...g, signer: c.n % 8 }; break;
    default: next = { ...g, signature: c.bytes };
  }
  if (!resign) return next;
  const { signature: _signature, ...tbs } = next;
  return signGroupInfo(suite, signerKey, tbs);
}

export const KEY_PACKAGE_FIELDS = 14;
/** A changed KeyPackage; `resign` re-signs its leaf node and itself with `signatureKey`. */
export function mutateKeyPackage(suite: CipherSuite, kp: KeyPackage, c: FieldChange, resign: boolean, signatureKey: Uint8Array): KeyPackage {
  const leaf = kp.leafNode;
  const caps = leaf.capabilities;
  let nextLeaf: LeafNode = leaf;
  let next: KeyPackage = kp;
  switch (c.field % KEY_PACKAGE_FIELDS) {
    case 0: next = { ...kp, version: c.n }; break;
    case 1: next = { ...kp, cipherSuite: c.n }; break;
    case 2: next = { ...kp, initKey: c.bytes }; break;
    case 3: next = { ...kp, initKey: leaf.encryptionKey }; break; // §10.1: init_key must differ from encryption_key
    case 4: next = { ...kp, extensions: [...kp.extensions, { extensionType: c.n, extensionData: c.bytes }] }; break;
    case 5: nextLeaf = { ...leaf, encryptionKey: c.bytes }; break;
    case 6: nextLeaf = { ...leaf, signatureKey: c.bytes }; break;
    case 7: nextLeaf = { ...leaf, credential: { type: 'unknown', credentialType: c.n, data: c.bytes } }; break;
    case 8: nextLeaf = { ...leaf, capabilities: { ...caps, cipherSuites: [c.n] } }; break;
    case 9: nextLeaf = { ...leaf, capabilities: { ...caps, versions: [c.n] } }; break;
    case 10: nextLeaf = { ...leaf, source: { type: 'key_package', lifetime: { notBefore: BigInt(c.n) * 1_000_000n, notAfter: BigInt(c.n) } } }; break;
    case 11: nextLeaf = { ...leaf, source: c.n % 2 === 0 ? { type: 'update' } : { type: 'commit', parentHash: c.bytes } }; break;
    case 12: nextLeaf = { ...leaf, extensions: [...leaf.extensions, { extensionType: c.n, extensionData: c.bytes }] }; break;
    default: nextLeaf = { ...leaf, capabilities: { ...caps, credentials: [] } };
  }
  if (nextLeaf !== leaf) next = { ...next, leafNode: nextLeaf };
  if (!resign) return next;
  const { signature: _leafSignature, ...leafContent } = next.leafNode;
  // A broken signature key cannot sign; keep the original signature then (still a valid test).
  let signedLeaf: LeafNode = next.leafNode;
  try {
    signedLeaf = signLeafNode(suite, signatureKey, leafContent);
  } catch {
    /* unsignable content (e.g. an out-of-range value): keep the old signature */
  }
  const { signature: _signature, ...tbs } = { ...next, leafNode: signedLeaf };
  return signKeyPackage(suite, signatureKey, tbs);
}
