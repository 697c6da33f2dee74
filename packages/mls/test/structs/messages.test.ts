// RFC 9420 wire format against the official `messages.json` vectors (test-vectors.md,
// "Messages"): every field decodes with its struct, and re-encoding gives the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { decode, type Reader } from '../../src/codec/reader.ts';
import { encode, type Writer } from '../../src/codec/writer.ts';
import { decodeCommit, encodeCommit } from '../../src/structs/commit.ts';
import { ExtensionType } from '../../src/structs/enums.ts';
import { findExtension } from '../../src/structs/extensions.ts';
import { type MLSMessage, decodeMLSMessage, encodeMLSMessage } from '../../src/structs/mls-message.ts';
import {
  decodeAdd,
  decodeExternalInit,
  decodeGroupContextExtensions,
  decodePreSharedKey,
  decodeReInit,
  decodeRemove,
  decodeUpdate,
  encodeAdd,
  encodeExternalInit,
  encodeGroupContextExtensions,
  encodePreSharedKey,
  encodeReInit,
  encodeRemove,
  encodeUpdate,
} from '../../src/structs/proposals.ts';
import { decodeRatchetTree, encodeRatchetTree, parseRatchetTree } from '../../src/structs/ratchet-tree.ts';
import { decodeGroupSecrets, encodeGroupSecrets } from '../../src/structs/welcome.ts';

type MessagesVector = Record<string, string>;

const vectors = loadVectors<MessagesVector[]>('mls/messages.json');

interface Codec<T> {
  readonly decode: (reader: Reader) => T;
  readonly encode: (writer: Writer, value: T) => void;
  readonly check?: (value: T) => void;
}

function codec<T>(decodeValue: (reader: Reader) => T, encodeValue: (writer: Writer, value: T) => void, check?: (value: T) => void): Codec<unknown> {
  return { decode: decodeValue, encode: encodeValue as (writer: Writer, value: unknown) => void, ...(check && { check: check as (value: unknown) => void }) };
}

function mlsMessage(wireFormat: MLSMessage['wireFormat'], contentType?: string): Codec<unknown> {
  return codec(decodeMLSMessage, encodeMLSMessage, (message) => {
    assert.equal(message.wireFormat, wireFormat);
    if (contentType !== undefined) {
      assert.ok(message.wireFormat === 'mls_public_message');
      assert.equal(message.publicMessage.content.content.type, contentType);
    }
    if (message.wireFormat === 'mls_group_info') {
      // A ratchet_tree extension, when present, must parse too.
      const tree = findExtension(message.groupInfo.extensions, ExtensionType.ratchet_tree);
      if (tree !== undefined) parseRatchetTree(tree.extensionData);
    }
  });
}

const fields: Readonly<Record<string, Codec<unknown>>> = {
  mls_welcome: mlsMessage('mls_welcome'),
  mls_group_info: mlsMessage('mls_group_info'),
  mls_key_package: mlsMessage('mls_key_package'),
  ratchet_tree: codec(decodeRatchetTree, encodeRatchetTree),
  group_secrets: codec(decodeGroupSecrets, encodeGroupSecrets),
  add_proposal: codec(decodeAdd, encodeAdd),
  update_proposal: codec(decodeUpdate, encodeUpdate),
  remove_proposal: codec(decodeRemove, encodeRemove),
  pre_shared_key_proposal: codec(decodePreSharedKey, encodePreSharedKey),
  re_init_proposal: codec(decodeReInit, encodeReInit),
  external_init_proposal: codec(decodeExternalInit, encodeExternalInit),
  group_context_extensions_proposal: codec(decodeGroupContextExtensions, encodeGroupContextExtensions),
  commit: codec(decodeCommit, encodeCommit),
  public_message_application: mlsMessage('mls_public_message', 'application'),
  public_message_proposal: mlsMessage('mls_public_message', 'proposal'),
  public_message_commit: mlsMessage('mls_public_message', 'commit'),
  private_message: mlsMessage('mls_private_message'),
};

test(`messages.json: ${vectors.length} cases, ${Object.keys(fields).length} structs each`, () => {
  assert.equal(vectors.length, 300);
  let structs = 0;
  for (const [index, vector] of vectors.entries()) {
    assert.deepEqual(Object.keys(vector).sort(), Object.keys(fields).sort(), `case ${index}: unexpected fields`);
    for (const [field, { decode: decodeValue, encode: encodeValue, check }] of Object.entries(fields)) {
      const bytes = hex(vector[field]!);
      const value = decode(decodeValue, bytes, field);
      check?.(value);
      assert.equal(toHex(encode(encodeValue, value)), vector[field], `case ${index} ${field}: re-encoding differs`);
      structs++;
    }
  }
  console.log(`messages: ${vectors.length} cases (${structs} structs decoded and re-encoded)`);
});
