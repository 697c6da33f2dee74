/**
 * Bounds of the CBOR subset and of MIMI content we decode. Message content arrives from
 * other group members (attacker-controlled once decrypted), so every size and count is
 * checked before the work it would cost.
 */

/**
 * Largest encoded content we decode: 64 KiB. A text message, its MIMI envelope and a few
 * extensions fit many times over; attachments travel by reference (ExternalPart), never inline.
 */
export const MAX_CONTENT_BYTES = 64 * 1024;

/**
 * Deepest nesting of arrays and maps. mimiContent nests 3 levels for a single part
 * (content, NestedPart, Expiration); 16 leaves room for multipart without allowing the
 * deep recursion a hostile encoder could use to exhaust the stack.
 */
export const MAX_CBOR_DEPTH = 16;

/** Most items in one array or map: MIMI multipart messages have a handful of parts. */
export const MAX_CBOR_ITEMS = 256;

/** Longest text body we accept (bytes of UTF-8): the whole content bound minus the envelope. */
export const MAX_TEXT_BYTES = 60 * 1024;

/** MIMI extension values are `any .size (0..4096)` (draft-ietf-mimi-content, extensions). */
export const MAX_EXTENSION_VALUE_BYTES = 4096;

/** ExternalPart contentType (a media type with parameters) and other short names. */
export const MAX_CONTENT_TYPE_BYTES = 255;

/** ExternalPart url: Sealed's are ~90 bytes; 2 KiB admits any reasonable URL. */
export const MAX_EXTERNAL_URL_BYTES = 2048;

/** ExternalPart key, nonce and contentHash: 64 bytes covers every AEAD key and hash output in use. */
export const MAX_EXTERNAL_KEY_BYTES = 64;

/** ExternalPart aad: Sealed sends none; a little room for other senders. */
export const MAX_EXTERNAL_AAD_BYTES = 256;

/** ExternalPart description (a caption): same bound as an extension value. */
export const MAX_EXTERNAL_DESCRIPTION_BYTES = 4096;

/** ExternalPart filename: 255 bytes, the common file-system limit. */
export const MAX_EXTERNAL_FILENAME_BYTES = 255;
