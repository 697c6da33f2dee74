/**
 * Errors of the CBOR subset decoder and of MIMI content decoding. Details name offsets and
 * kinds of items, never the content itself (it is plaintext of a message).
 */
export type ContentErrorCode =
  | 'too-large' // input above MAX_CONTENT_BYTES, or a string/count above its bound
  | 'truncated' // input ends inside an item
  | 'trailing-bytes' // bytes after the top-level item
  | 'too-deep' // nesting beyond MAX_CBOR_DEPTH
  | 'unsupported' // valid CBOR outside our subset: tags, floats, indefinite lengths, undefined, simple values
  | 'not-deterministic' // valid CBOR, but not the one deterministic encoding (RFC 8949 §4.2.1)
  | 'invalid-utf8' // a text string that is not UTF-8
  | 'out-of-range' // an integer beyond Number.MAX_SAFE_INTEGER
  | 'invalid-content'; // decodes as CBOR but does not match the MIMI content CDDL

/** One error type for content decoding; branch on `code`. */
export class ContentError extends Error {
  override readonly name = 'ContentError';
  constructor(
    readonly code: ContentErrorCode,
    /** What failed: offsets and item kinds only, never content. */
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
