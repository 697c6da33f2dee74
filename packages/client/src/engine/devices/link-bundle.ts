/**
 * What an existing device gives a new device of the same account, and how: HPKE (RFC 9180,
 * base mode, X-Wing + HKDF-SHA256 + AES-128-GCM, so a recording of the mailbox stays
 * closed to a future quantum computer) to the ephemeral key of the offer, with the link id
 * in `info` and the offer's commitment as `aad` (the answer cannot be moved to another
 * link or offer). Only the new device holds the ephemeral private key; the relay stores
 * the ciphertext and learns its length.
 *
 * Transferred (DESIGN.md: the identity key is shared by an account's devices):
 *   - the username and the account identity key pair (to sign later device lists);
 *   - the account's signed device list that names the new device;
 *   - contacts' signed device lists as this device verified them (the new device checks
 *     each signature again and pins their identity keys: trust carries over, not TOFU again);
 *   - the ids of the conversations this device is in (shown as "joining" until the
 *     Welcome arrives; the group states themselves are never copied: MLS gives the new
 *     device its own leaf and only epochs from its join on).
 * Not transferred: message history, key packages, group secrets, the vault passcode.
 *
 *   bundle = [version 1, username tstr, identityPrivate bstr, identityPublic bstr,
 *             deviceList bstr, contacts [* bstr] (<= MAX_LINK_CONTACTS),
 *             conversations [* bstr] (<= MAX_LINK_CONVERSATIONS)]   (deterministic CBOR)
 *   sealed = enc (KEM Nenc bytes) || ciphertext
 */
import type { CryptoProvider, KeyPair } from '@sealed/crypto/provider';
import { CryptoError } from '@sealed/crypto/errors';
import { open, seal } from '@sealed/crypto/hpke/single-shot';
import { hpkeSuiteFromIds, type HpkeSuite } from '@sealed/crypto/hpke/suite';
import { MAX_LINK_SEALED_BYTES } from '@sealed/protocol/link';
import { decodeCbor } from '../../content/cbor-decode.ts';
import { encodeCbor } from '../../content/cbor-encode.ts';
import { ContentError } from '../../content/cbor-errors.ts';
import type { CborValue } from '../../content/cbor-value.ts';
import { EngineError } from '../errors.ts';
import { MAX_LINK_CONTACTS, MAX_LINK_CONVERSATIONS } from './limits.ts';

export const LINK_BUNDLE_VERSION = 1;
/** X-Wing (draft-connolly-cfrg-xwing-kem), HKDF-SHA256, AES-128-GCM. */
export const LINK_KEM_ID = 0x647a;
const LINK_KDF_ID = 0x0001;
const LINK_AEAD_ID = 0x0001;
const INFO_LABEL = new TextEncoder().encode('sealed link bundle v1\0');

export interface LinkBundle {
  readonly username: string;
  readonly identity: KeyPair;
  readonly deviceList: Uint8Array;
  readonly contacts: readonly Uint8Array[];
  readonly conversations: readonly Uint8Array[];
}

export function linkHpkeSuite(): HpkeSuite {
  return hpkeSuiteFromIds(LINK_KEM_ID, LINK_KDF_ID, LINK_AEAD_ID);
}

function info(linkId: Uint8Array): Uint8Array {
  const out = new Uint8Array(INFO_LABEL.length + linkId.length);
  out.set(INFO_LABEL);
  out.set(linkId, INFO_LABEL.length);
  return out;
}

export function encodeLinkBundle(bundle: LinkBundle): Uint8Array {
  return encodeCbor([
    LINK_BUNDLE_VERSION,
    bundle.username,
    bundle.identity.privateKey,
    bundle.identity.publicKey,
    bundle.deviceList,
    bundle.contacts.slice(0, MAX_LINK_CONTACTS),
    bundle.conversations.slice(0, MAX_LINK_CONVERSATIONS),
  ]);
}

function rejected(detail: string): EngineError {
  return new EngineError('link-rejected', detail);
}

function bytesList(value: CborValue | undefined, max: number, what: string): Uint8Array[] {
  if (!Array.isArray(value)) throw rejected(`${what} is not an array`);
  if (value.length > max) throw rejected(`${what}: more than ${max}`);
  return (value as readonly CborValue[]).map((v) => {
    if (!(v instanceof Uint8Array)) throw rejected(`${what}: not bytes`);
    return v;
  });
}

/** @throws EngineError('link-rejected') for a bundle that does not decode strictly. */
export function decodeLinkBundle(encoded: Uint8Array): LinkBundle {
  let value: CborValue;
  try {
    value = decodeCbor(encoded, MAX_LINK_SEALED_BYTES);
  } catch (error) {
    if (error instanceof ContentError) throw rejected(`cbor ${error.code}`);
    throw error;
  }
  if (!Array.isArray(value) || value.length === 0) throw rejected('not an array');
  const items = value as readonly CborValue[];
  if (items[0] !== LINK_BUNDLE_VERSION) throw rejected(`version ${String(items[0])}`);
  if (items.length !== 7) throw rejected('field count');
  const [, username, privateKey, publicKey, deviceList] = items;
  if (typeof username !== 'string') throw rejected('username');
  if (!(privateKey instanceof Uint8Array) || !(publicKey instanceof Uint8Array) || !(deviceList instanceof Uint8Array)) throw rejected('keys or list');
  return {
    username,
    identity: { privateKey, publicKey },
    deviceList,
    contacts: bytesList(items[5], MAX_LINK_CONTACTS, 'contacts'),
    conversations: bytesList(items[6], MAX_LINK_CONVERSATIONS, 'conversations'),
  };
}

/** Seals `bundle` to the offer's ephemeral key. @throws EngineError('link-rejected') for an unusable ephemeral key, ('too-large') */
export function sealLinkBundle(provider: CryptoProvider, ephemeralKey: Uint8Array, linkId: Uint8Array, commitment: Uint8Array, bundle: LinkBundle): Uint8Array {
  let sealed;
  try {
    sealed = seal(provider, linkHpkeSuite(), ephemeralKey, info(linkId), commitment, encodeLinkBundle(bundle));
  } catch (error) {
    if (error instanceof CryptoError) throw rejected(`ephemeral key: ${error.code}`);
    throw error;
  }
  const out = new Uint8Array(sealed.enc.length + sealed.ciphertext.length);
  out.set(sealed.enc);
  out.set(sealed.ciphertext, sealed.enc.length);
  if (out.length > MAX_LINK_SEALED_BYTES) throw rejected(`answer of ${out.length} bytes above ${MAX_LINK_SEALED_BYTES}`);
  return out;
}

/** Opens an answer with the ephemeral private key. @throws EngineError('link-rejected') when it does not authenticate or decode. */
export function openLinkBundle(provider: CryptoProvider, ephemeralPrivateKey: Uint8Array, linkId: Uint8Array, commitment: Uint8Array, sealed: Uint8Array): LinkBundle {
  const suite = linkHpkeSuite();
  const encLength = suite.kem.Nenc;
  if (sealed.length <= encLength) throw rejected('answer too short');
  let plaintext: Uint8Array;
  try {
    plaintext = open(provider, suite, sealed.subarray(0, encLength), ephemeralPrivateKey, info(linkId), commitment, sealed.subarray(encLength));
  } catch (error) {
    if (error instanceof CryptoError) throw rejected('answer does not authenticate');
    throw error;
  }
  return decodeLinkBundle(plaintext);
}
