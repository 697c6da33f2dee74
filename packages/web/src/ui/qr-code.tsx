/**
 * A QR code drawn as one SVG path (no inline markup strings, so the strict CSP holds and
 * nothing is parsed as HTML). `label` is what a screen reader announces; the encoded text
 * should also be shown beside it for people who cannot scan.
 */
import qrcode from 'qrcode-generator';

/** Longest text encoded: QR version 40 at level M holds 2331 bytes; our payloads are far shorter. */
export const MAX_QR_TEXT = 2331;

export function QrCode({ text, label, size = 220 }: { text: string; label: string; size?: number }) {
  if (text.length > MAX_QR_TEXT) throw new RangeError('QR text too long');
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const count = qr.getModuleCount();
  const margin = 4;
  let path = '';
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) if (qr.isDark(row, col)) path += `M${col + margin} ${row + margin}h1v1h-1z`;
  }
  const side = count + margin * 2;
  return (
    <svg class="qr" role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${side} ${side}`} shape-rendering="crispEdges">
      <rect width={side} height={side} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
