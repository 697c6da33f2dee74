/**
 * Attachments in the browser: a File is read in slices, encrypted with the SDK's chunked
 * AES-256-GCM (features/attachments/format.ts, pure), uploaded with XMLHttpRequest (the one
 * browser API that reports upload progress; fetch cannot stream a request body over
 * HTTP/1.1), and downloaded with fetch, each chunk authenticated as it arrives. The relay
 * sees only ciphertext; the key travels inside the MLS-encrypted message.
 */
import type { AttachmentRef } from '@sealed/client/content/attachment-ref';
import { AttachmentError } from '@sealed/client/features/attachments/errors';
import { AttachmentDecryptor, AttachmentEncryptor } from '@sealed/client/features/attachments/format';
import { attachmentRef, openReference } from '@sealed/client/features/attachments/reference';
import type { CryptoProvider } from '@sealed/crypto/provider';
import { toBase64Url } from '@sealed/protocol/encoding';
import { parseAttachmentResponse } from '@sealed/protocol/http';

/**
 * Largest file the web client sends: 100 MiB (the relay's default limit). The encrypted
 * file is held in memory before the upload (one Blob), so the bound is also a memory bound.
 */
export const MAX_WEB_ATTACHMENT_BYTES = 100 * 1024 * 1024;
/** Bytes read from the File at a time. */
const READ_SLICE_BYTES = 1024 * 1024;
/** Longest upload or download before it is abandoned: 10 minutes. */
export const TRANSFER_TIMEOUT_MS = 10 * 60_000;

/** Progress of one transfer: 0..1 over encrypting + uploading, or downloading. */
export type ProgressListener = (fraction: number) => void;

function bearer(token: Uint8Array): string {
  return `Bearer ${toBase64Url(token)}`;
}

/**
 * Encrypts and uploads `file`; returns the reference to send.
 * @throws AttachmentError('too-large' | 'transfer-failed' | 'invalid-reference')
 */
export async function uploadFile(provider: CryptoProvider, baseUrl: string, token: Uint8Array, file: File, onProgress: ProgressListener): Promise<AttachmentRef> {
  if (file.size > MAX_WEB_ATTACHMENT_BYTES) throw new AttachmentError('too-large', `${file.size} bytes`);
  const encryptor = new AttachmentEncryptor(provider);
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < file.size; offset += READ_SLICE_BYTES) {
    const piece = new Uint8Array(await file.slice(offset, offset + READ_SLICE_BYTES).arrayBuffer());
    parts.push(...encryptor.push(piece));
    onProgress((0.5 * Math.min(file.size, offset + READ_SLICE_BYTES)) / Math.max(1, file.size));
  }
  const last = encryptor.finish();
  parts.push(...last.bytes);
  const body = new Blob(parts as BlobPart[], { type: 'application/octet-stream' });
  const json = await new Promise<unknown>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${baseUrl}/v1/attachments`);
    xhr.timeout = TRANSFER_TIMEOUT_MS;
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('authorization', bearer(token));
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(0.5 + (0.5 * e.loaded) / Math.max(1, e.total));
    };
    xhr.onload = () => {
      if (xhr.status !== 201) return reject(new AttachmentError('transfer-failed', `upload: HTTP ${xhr.status}`));
      try {
        resolve(JSON.parse(xhr.responseText));
      } catch {
        reject(new AttachmentError('transfer-failed', 'upload answer is not JSON'));
      }
    };
    xhr.onerror = () => reject(new AttachmentError('transfer-failed', 'upload connection failed'));
    xhr.ontimeout = () => reject(new AttachmentError('transfer-failed', 'upload timed out'));
    xhr.send(body);
  });
  const uploaded = parseAttachmentResponse(json);
  if (uploaded.size !== last.file.size) throw new AttachmentError('transfer-failed', 'the relay stored another size');
  onProgress(1);
  return attachmentRef(last.file, uploaded, { contentType: file.type === '' ? 'application/octet-stream' : file.type, filename: file.name });
}

/**
 * Downloads, decrypts and checks an attachment; returns the plaintext as a Blob of its
 * content type. Nothing is returned unless every chunk, the size and the hash check out.
 * @throws AttachmentError: 'transfer-failed', and every decryption code of format.ts
 */
export async function downloadFile(provider: CryptoProvider, baseUrl: string, token: Uint8Array, ref: AttachmentRef, onProgress: ProgressListener): Promise<Blob> {
  const { idHex, file } = openReference(ref);
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/v1/attachments/${idHex}`, { headers: { authorization: bearer(token) }, cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(TRANSFER_TIMEOUT_MS) });
  } catch {
    throw new AttachmentError('transfer-failed', 'download connection failed');
  }
  if (response.status !== 200 || response.body === null) {
    await response.body?.cancel();
    throw new AttachmentError('transfer-failed', `download: HTTP ${response.status}`);
  }
  const decryptor = new AttachmentDecryptor(provider, file);
  const plaintext: Uint8Array[] = [];
  const reader = response.body.getReader();
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
      plaintext.push(...decryptor.push(value)); // throws past the size the reference names
      onProgress(received / file.size);
    }
    plaintext.push(decryptor.finish());
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof AttachmentError) throw error;
    throw new AttachmentError('transfer-failed', 'download interrupted');
  }
  return new Blob(plaintext as BlobPart[], { type: ref.contentType });
}
