/**
 * An attachment in a message: name and size, a download with progress, then a save link;
 * raster images are fetched at once and previewed. Decrypted bytes live only in a blob:
 * URL of this page, revoked when the message leaves the screen.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Session } from '../host/session.ts';
import { userText } from '../host/session.ts';
import type { StoredAttachment } from '../host/views.ts';

/** Images previewed inline (raster only: an SVG is a document, not a picture). */
const PREVIEW_TYPES = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
/** Largest image fetched without asking: 10 MiB. */
const AUTO_PREVIEW_BYTES = 10 * 1024 * 1024;

export function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function Attachment({ session, attachment }: { session: Session; attachment: StoredAttachment }) {
  const [progress, setProgress] = useState<number | undefined>();
  const [url, setUrl] = useState<string | undefined>();
  const [error, setError] = useState('');
  const previewable = PREVIEW_TYPES.has(attachment.contentType);
  const load = async () => {
    setError('');
    setProgress(0);
    try {
      const blob = await session.fetchFile(attachment, setProgress);
      setUrl(URL.createObjectURL(blob));
    } catch (e) {
      setError(userText(e));
    } finally {
      setProgress(undefined);
    }
  };
  useEffect(() => {
    if (previewable && attachment.size <= AUTO_PREVIEW_BYTES) void load();
  }, []);
  useEffect(() => () => (url === undefined ? undefined : URL.revokeObjectURL(url)), [url]);
  return (
    <div class="attachment" data-attachment={attachment.filename}>
      {url !== undefined && previewable ? <img class="preview" src={url} alt={`Image ${attachment.filename}`} /> : null}
      <span class="file-name">📎 {attachment.filename}</span> <span class="hint">{sizeText(attachment.size)}</span>
      {progress === undefined ? null : <progress max={1} value={progress} aria-label={`Downloading ${attachment.filename}`} />}
      {url === undefined ? (
        progress === undefined ? <button type="button" class="link" onClick={() => void load()}>Download</button> : null
      ) : (
        <a href={url} download={attachment.filename} class="link-inline">Save</a>
      )}
      {error === '' ? null : <p role="alert" class="error">{error}</p>}
    </div>
  );
}
