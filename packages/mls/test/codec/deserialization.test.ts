// RFC 9420 §2.1.2 variable-length integers against the official `deserialization.json`
// vectors: each vlbytes_header decodes to its length, with nothing left over, and encodes
// back to the same header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex, loadVectors, toHex } from '../../../../tools/testvectors.ts';
import { Reader } from '../../src/codec/reader.ts';
import { Writer } from '../../src/codec/writer.ts';

interface DeserializationVector {
  vlbytes_header: string;
  length: number;
}

const vectors = loadVectors<DeserializationVector[]>('mls/deserialization.json');

test(`deserialization.json: ${vectors.length} cases`, () => {
  assert.equal(vectors.length, 14);
  for (const { vlbytes_header: header, length } of vectors) {
    const reader = new Reader(hex(header));
    assert.equal(reader.varint(), length, header);
    reader.finish('vlbytes_header');
    assert.equal(toHex(new Writer().varint(length).finish()), header);
  }
  console.log(`deserialization: ${vectors.length} cases`);
});
