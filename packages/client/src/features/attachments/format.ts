/**
 * Encrypted attachments: Sealed's chunked AES-256-GCM, a streaming construction in the
 * manner of the STREAM scheme (Hoang, Reyhanitabar, Rogaway, Vizár, "Online
 * Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", 2015): every chunk is
 * its own AEAD message whose nonce holds its position and whether it is the last one, so
 * each chunk is authenticated on its own (download and decrypt as the bytes arrive),
 * reordering or dropping a chunk fails authentication, and cutting the file short is
 * detected because the last chunk that remains was not sealed as final.
 *
 *   key     32 random bytes per file (never reused: one file, one key)
 *   prefix  NONCE_PREFIX_BYTES (7) random bytes per file
 *   header  = "SLA" || version u8 (1) || chunkSize u32 (plaintext bytes per chunk)   (8 bytes)
 *   chunk_i = AES-256-GCM(key, nonce_i, plaintext_i, aad = header)                    (+16-byte tag)
 *   nonce_i = prefix || i u32 || final u8 (1 for the last chunk, else 0)              (12 bytes)
 *   file    = header || chunk_0 || ... || chunk_n      every plaintext_i is chunkSize bytes
 *             except the last, which has 0..chunkSize (an empty file is one empty final chunk)
 *
 *   contentHash = SHA-256("sealed attachment hash v1" || SHA-256(header) ||
 *                         SHA-256(chunk_0) || ... || SHA-256(chunk_n))
 *
 * The content hash names the stored (encrypted) bytes and goes inside the MLS-encrypted
 * message with the key (MIMI ExternalPart, content/attachment-ref.ts): the relay only
 * stores opaque bytes; a recipient checks size and hash before trusting the last chunk.
 * The hash is a list of chunk hashes so that it can be computed while streaming with the
 * one-shot SHA-256 of the portable crypto provider (no incremental hash in the browser
 * path). Everything here is pure (no node:*): the same code runs in the web client.
 */
import type { CryptoProvider } from '@sealed/crypto/provider';
import { AttachmentError } from './errors.ts';

export const ATTACHMENT_FORMAT_VERSION = 1;
export const ATTACHMENT_KEY_BYTES = 32;
export const NONCE_PREFIX_BYTES = 7;
export const HEADER_BYTES = 8;
export const TAG_BYTES = 16;
/** Plaintext bytes per chunk: 64 KiB keeps memory flat and the tag overhead at 0.02%. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
/** Largest chunk size a header may declare (bounds the buffer a download allocates). */
export const MAX_CHUNK_BYTES = 1024 * 1024;
/** Largest plaintext we encrypt or accept: 1 GiB (the relay's own limit is usually lower). */
export const MAX_ATTACHMENT_PLAINTEXT_BYTES = 1024 * 1024 * 1024;
const MAGIC = [0x53, 0x4c, 0x41]; // "SLA"
const HASH_LABEL = new TextEncoder().encode('sealed attachment hash v1');
const HASH_BYTES = 32;

function header(chunkSize: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  out.set(MAGIC, 0);
  out[3] = ATTACHMENT_FORMAT_VERSION;
  new DataView(out.buffer).setUint32(4, chunkSize);
  return out;
}

function nonce(prefix: Uint8Array, index: number, final: boolean): Uint8Array {
  const out = new Uint8Array(12);
  out.set(prefix, 0);
  new DataView(out.buffer).setUint32(NONCE_PREFIX_BYTES, index);
  out[11] = final ? 1 : 0;
  return out;
}

/** Collects chunk hashes; the content hash is one SHA-256 over the label and the list. */
class HashList {
  private readonly hashes: Uint8Array[] = [];
  constructor(private readonly provider: CryptoProvider) {}
  add(bytes: Uint8Array): void {
    this.hashes.push(this.provider.hash('SHA-256', bytes));
  }
  digest(): Uint8Array {
    const input = new Uint8Array(HASH_LABEL.length + this.hashes.length * HASH_BYTES);
    input.set(HASH_LABEL, 0);
    this.hashes.forEach((h, i) => input.set(h, HASH_LABEL.length + i * HASH_BYTES));
    return this.provider.hash('SHA-256', input);
  }
}

/** What the sender puts in the message once the file is encrypted. */
export interface SealedFile {
  readonly key: Uint8Array;
  readonly noncePrefix: Uint8Array;
  /** Bytes of the encrypted file. */
  readonly size: number;
  readonly contentHash: Uint8Array;
}

/**
 * Encrypts a file as it is read: `push` plaintext pieces of any size, get encrypted bytes
 * to upload; `finish` seals the final chunk and gives key, size and content hash.
 */
export class AttachmentEncryptor {
  readonly key: Uint8Array;
  readonly noncePrefix: Uint8Array;
  private readonly header: Uint8Array;
  private readonly hashes: HashList;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private index = 0;
  private size = 0;
  private plaintextBytes = 0;
  private started = false;
  private done = false;

  /** @throws RangeError for a chunk size outside 1..MAX_CHUNK_BYTES */
  constructor(
    private readonly provider: CryptoProvider,
    private readonly chunkSize: number = DEFAULT_CHUNK_BYTES,
  ) {
    if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES) throw new RangeError('chunkSize');
    this.key = provider.randomBytes(ATTACHMENT_KEY_BYTES);
    this.noncePrefix = provider.randomBytes(NONCE_PREFIX_BYTES);
    this.header = header(chunkSize);
    this.hashes = new HashList(provider);
    this.hashes.add(this.header);
  }

  /** @throws AttachmentError('too-large'); Error after finish */
  push(plaintext: Uint8Array): Uint8Array[] {
    if (this.done) throw new Error('attachment encryptor already finished');
    this.plaintextBytes += plaintext.length;
    if (this.plaintextBytes > MAX_ATTACHMENT_PLAINTEXT_BYTES) throw new AttachmentError('too-large', `above ${MAX_ATTACHMENT_PLAINTEXT_BYTES} bytes`);
    const out = this.start();
    this.pending.push(plaintext.slice());
    this.pendingBytes += plaintext.length;
    // A full chunk is sealed as not-final only once more bytes follow it.
    while (this.pendingBytes > this.chunkSize) out.push(this.seal(this.take(this.chunkSize), false));
    return out;
  }

  /** Seals the last chunk. Returns the remaining bytes to upload and the file's reference data. */
  finish(): { readonly bytes: Uint8Array[]; readonly file: SealedFile } {
    if (this.done) throw new Error('attachment encryptor already finished');
    const out = this.start();
    out.push(this.seal(this.take(this.pendingBytes), true));
    this.done = true;
    return { bytes: out, file: { key: this.key, noncePrefix: this.noncePrefix, size: this.size, contentHash: this.hashes.digest() } };
  }

  private start(): Uint8Array[] {
    if (this.started) return [];
    this.started = true;
    this.size += HEADER_BYTES;
    return [this.header];
  }

  private take(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let offset = 0;
    while (offset < length) {
      const first = this.pending[0]!;
      const n = Math.min(first.length, length - offset);
      out.set(first.subarray(0, n), offset);
      offset += n;
      if (n === first.length) this.pending.shift();
      else this.pending[0] = first.subarray(n);
    }
    this.pendingBytes -= length;
    return out;
  }

  private seal(plaintext: Uint8Array, final: boolean): Uint8Array {
    const sealed = this.provider.aeadSeal('AES-256-GCM', this.key, nonce(this.noncePrefix, this.index, final), plaintext, this.header);
    this.index++;
    this.size += sealed.length;
    this.hashes.add(sealed);
    return sealed;
  }
}

/**
 * Decrypts a downloaded file as it arrives: `push` pieces of any size, get plaintext of
 * every chunk that authenticated; `finish` opens the final chunk and checks size and
 * content hash. Plaintext handed out before `finish` is authentic but may be followed by
 * an error (a truncated or altered tail): a caller keeps it apart until `finish` returns.
 */
export class AttachmentDecryptor {
  private headerBytes: Uint8Array | undefined;
  private chunkSize = 0;
  private buffer = new Uint8Array(0);
  private index = 0;
  private received = 0;
  private readonly hashes: HashList;
  private done = false;

  /** @throws AttachmentError('invalid-reference') for a key or nonce prefix of the wrong length */
  constructor(
    private readonly provider: CryptoProvider,
    private readonly expected: SealedFile,
  ) {
    if (expected.key.length !== ATTACHMENT_KEY_BYTES || expected.noncePrefix.length !== NONCE_PREFIX_BYTES) throw new AttachmentError('invalid-reference', 'key or nonce length');
    if (!Number.isSafeInteger(expected.size) || expected.size < HEADER_BYTES + TAG_BYTES) throw new AttachmentError('invalid-reference', 'size');
    this.hashes = new HashList(provider);
  }

  /** @throws AttachmentError('bad-header' | 'unknown-version' | 'chunk-authentication-failed' | 'trailing-data' | 'size-mismatch') */
  push(bytes: Uint8Array): Uint8Array[] {
    if (this.done) throw new Error('attachment decryptor already finished');
    this.received += bytes.length;
    if (this.received > this.expected.size) throw new AttachmentError('size-mismatch', `more than the ${this.expected.size} bytes named`);
    this.append(bytes);
    const out: Uint8Array[] = [];
    if (this.headerBytes === undefined) {
      if (this.buffer.length < HEADER_BYTES) return out;
      this.readHeader(this.buffer.subarray(0, HEADER_BYTES));
      this.buffer = this.buffer.slice(HEADER_BYTES);
    }
    const stored = this.chunkSize + TAG_BYTES;
    // A full chunk is opened as not-final only when more bytes follow it. Consumed by
    // offset, copied once at the end: a large piece costs linear time.
    let offset = 0;
    while (this.buffer.length - offset > stored) {
      out.push(this.open(this.buffer.subarray(offset, offset + stored), false));
      offset += stored;
    }
    if (offset > 0) this.buffer = this.buffer.slice(offset);
    return out;
  }

  /** Plaintext bytes the file holds if it is what the reference names (known once the header arrived): for progress displays. */
  get plaintextSize(): number | undefined {
    if (this.headerBytes === undefined) return undefined;
    const body = this.expected.size - HEADER_BYTES;
    const chunks = Math.max(1, Math.ceil(body / (this.chunkSize + TAG_BYTES)));
    return Math.max(0, body - chunks * TAG_BYTES);
  }

  /** @throws AttachmentError('truncated' | 'chunk-authentication-failed' | 'size-mismatch' | 'hash-mismatch' | 'bad-header') */
  finish(): Uint8Array {
    if (this.done) throw new Error('attachment decryptor already finished');
    this.done = true;
    if (this.received < this.expected.size) throw new AttachmentError('truncated', `${this.received} of ${this.expected.size} bytes`);
    if (this.headerBytes === undefined) throw new AttachmentError('truncated', 'no complete header');
    if (this.buffer.length < TAG_BYTES) throw new AttachmentError('truncated', 'no final chunk');
    const last = this.open(this.buffer, true);
    if (this.received !== this.expected.size) throw new AttachmentError('size-mismatch', `${this.received} bytes, ${this.expected.size} named`);
    if (!this.provider.constantTimeEqual(this.hashes.digest(), this.expected.contentHash)) throw new AttachmentError('hash-mismatch', 'content hash');
    return last;
  }

  private append(bytes: Uint8Array): void {
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer, 0);
    joined.set(bytes, this.buffer.length);
    this.buffer = joined;
  }

  private readHeader(bytes: Uint8Array): void {
    if (bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2]) throw new AttachmentError('bad-header', 'magic');
    if (bytes[3] !== ATTACHMENT_FORMAT_VERSION) throw new AttachmentError('unknown-version', `version ${bytes[3]}`);
    const chunkSize = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES).getUint32(4);
    if (chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES) throw new AttachmentError('bad-header', `chunk size ${chunkSize}`);
    this.chunkSize = chunkSize;
    this.headerBytes = bytes.slice();
    this.hashes.add(this.headerBytes);
  }

  private tryOpen(sealed: Uint8Array, final: boolean): Uint8Array | undefined {
    try {
      return this.provider.aeadOpen('AES-256-GCM', this.expected.key, nonce(this.expected.noncePrefix, this.index, final), sealed, this.headerBytes!);
    } catch {
      return undefined;
    }
  }

  private open(sealed: Uint8Array, final: boolean): Uint8Array {
    const plaintext = this.tryOpen(sealed, final);
    if (plaintext === undefined) {
      // Tell the user why: a final chunk followed by more bytes, or a cut-short file whose
      // last remaining chunk was sealed as not-final.
      if (this.tryOpen(sealed, !final) !== undefined) throw new AttachmentError(final ? 'truncated' : 'trailing-data', `chunk ${this.index}`);
      throw new AttachmentError('chunk-authentication-failed', `chunk ${this.index}`);
    }
    if (!final && this.index === 0xffff_ffff) throw new AttachmentError('too-large', 'chunk counter');
    this.hashes.add(sealed);
    this.index++;
    return plaintext;
  }
}
