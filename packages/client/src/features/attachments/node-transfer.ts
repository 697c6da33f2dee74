/**
 * Streaming upload and download of encrypted attachments in Node, against the relay's
 * POST /v1/attachments and GET /v1/attachments/:id (protocol http.ts). The file is read,
 * encrypted chunk by chunk (format.ts) and sent as a streamed request body; a download is
 * decrypted as it arrives and written to `path + ".part"`, renamed to `path` only after the
 * final chunk, the size and the content hash checked (a cut or altered file never appears
 * under its name). Progress is reported in plaintext bytes.
 */
import { createReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { CryptoProvider } from '@sealed/crypto/provider';
import { parseAttachmentResponse } from '@sealed/protocol/http';
import type { AttachmentRef } from '../../content/attachment-ref.ts';
import { AttachmentError } from './errors.ts';
import { AttachmentDecryptor, AttachmentEncryptor } from './format.ts';
import { attachmentRef, type FileDescription, openReference } from './reference.ts';

export interface Progress {
  /** Plaintext bytes done. */
  readonly done: number;
  /** Plaintext bytes in all, when known. */
  readonly total: number | undefined;
}

export interface TransferOptions {
  readonly baseUrl: string;
  /** The device's session token (Engine.sessionToken). */
  readonly token: Uint8Array;
  readonly provider: CryptoProvider;
  readonly onProgress?: ((progress: Progress) => void) | undefined;
  /** Plaintext bytes per chunk (default format.ts DEFAULT_CHUNK_BYTES). */
  readonly chunkBytes?: number | undefined;
}

function authorization(token: Uint8Array): string {
  return `Bearer ${Buffer.from(token).toString('base64url')}`;
}

/**
 * Encrypts and uploads `source` (a file path or a byte stream). Returns the reference to
 * send in a message (Engine.send with an attachment body).
 * @throws AttachmentError('too-large' | 'transfer-failed' | 'invalid-reference')
 */
export async function uploadAttachment(options: TransferOptions, source: string | AsyncIterable<Uint8Array>, description: FileDescription, total?: number): Promise<AttachmentRef> {
  const encryptor = new AttachmentEncryptor(options.provider, options.chunkBytes);
  const input: AsyncIterable<Uint8Array> = typeof source === 'string' ? createReadStream(source) : source;
  let done = 0;
  let sealed: ReturnType<AttachmentEncryptor['finish']>['file'] | undefined;
  async function* encrypted(): AsyncGenerator<Uint8Array> {
    for await (const piece of input) {
      yield* encryptor.push(piece);
      done += piece.length;
      options.onProgress?.({ done, total });
    }
    const last = encryptor.finish();
    sealed = last.file;
    yield* last.bytes;
  }
  let response: Response;
  try {
    response = await fetch(new URL('/v1/attachments', options.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', authorization: authorization(options.token) },
      body: Readable.toWeb(Readable.from(encrypted())) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit);
  } catch (error) {
    if (error instanceof AttachmentError) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof AttachmentError) throw cause;
    throw new AttachmentError('transfer-failed', 'upload connection failed');
  }
  if (response.status !== 201) {
    await response.body?.cancel();
    throw new AttachmentError('transfer-failed', `upload: HTTP ${response.status}`);
  }
  const uploaded = parseAttachmentResponse(await response.json());
  if (sealed === undefined || uploaded.size !== sealed.size) throw new AttachmentError('transfer-failed', 'the relay stored another size');
  return attachmentRef(sealed, uploaded, description);
}

/**
 * Downloads, decrypts and checks an attachment into `path` (via `path.part`).
 * @throws AttachmentError: 'transfer-failed', and every decryption code of format.ts
 */
export async function downloadAttachment(options: TransferOptions, ref: AttachmentRef, path: string): Promise<void> {
  const { idHex, file } = openReference(ref);
  let response: Response;
  try {
    response = await fetch(new URL(`/v1/attachments/${idHex}`, options.baseUrl), { headers: { authorization: authorization(options.token) } });
  } catch {
    throw new AttachmentError('transfer-failed', 'download connection failed');
  }
  if (response.status !== 200 || response.body === null) {
    await response.body?.cancel();
    throw new AttachmentError('transfer-failed', `download: HTTP ${response.status}`);
  }
  const partial = `${path}.part`;
  const out = await open(partial, 'w', 0o600);
  const decryptor = new AttachmentDecryptor(options.provider, file);
  let done = 0;
  try {
    for await (const piece of response.body as unknown as AsyncIterable<Uint8Array>) {
      for (const plaintext of decryptor.push(piece)) {
        await out.write(plaintext);
        done += plaintext.length;
        options.onProgress?.({ done, total: decryptor.plaintextSize });
      }
    }
    const last = decryptor.finish();
    await out.write(last);
    done += last.length;
    options.onProgress?.({ done, total: decryptor.plaintextSize });
    await out.close();
    await rename(partial, path);
  } catch (error) {
    await out.close().catch(() => undefined);
    await rm(partial, { force: true });
    if (error instanceof AttachmentError) throw error;
    throw new AttachmentError('transfer-failed', 'download interrupted');
  }
}
