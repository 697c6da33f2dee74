/**
 * QR modules of a safety number payload, for the CLI (text blocks) and the web client
 * (canvas or SVG) to draw as they like. Rendering is qrcode-generator's (pinned 2.0.4);
 * the payload uses only QR alphanumeric characters (0-9, A-Z, ':'), the densest mode for it.
 */
import qrcode from 'qrcode-generator';

export interface QrMatrix {
  /** Modules per side. */
  readonly size: number;
  /** Row-major: `dark[row * size + col]`. */
  readonly dark: readonly boolean[];
}

/** Error correction M (15%): survives a smudged screen; the payload fits in version 7-8. */
const ERROR_CORRECTION = 'M';

/** @throws RangeError when `payload` has characters outside the QR alphanumeric set */
export function qrMatrix(payload: string): QrMatrix {
  if (!/^[0-9A-Z $%*+\-./:]*$/.test(payload)) throw new RangeError('payload is not QR alphanumeric');
  const qr = qrcode(0, ERROR_CORRECTION);
  qr.addData(payload, 'Alphanumeric');
  qr.make();
  const size = qr.getModuleCount();
  const dark: boolean[] = [];
  for (let row = 0; row < size; row++) for (let col = 0; col < size; col++) dark.push(qr.isDark(row, col));
  return { size, dark };
}

/** The matrix as terminal text: two rows per line with half blocks, a quiet zone of `margin` modules. */
export function qrText(matrix: QrMatrix, margin = 2): string {
  const at = (r: number, c: number) => r >= 0 && c >= 0 && r < matrix.size && c < matrix.size && matrix.dark[r * matrix.size + c] === true;
  const lines: string[] = [];
  for (let r = -margin; r < matrix.size + margin; r += 2) {
    let line = '';
    for (let c = -margin; c < matrix.size + margin; c++) {
      const top = at(r, c);
      const bottom = at(r + 1, c);
      line += top && bottom ? '\u2588' : top ? '\u2580' : bottom ? '\u2584' : ' ';
    }
    lines.push(line);
  }
  return lines.join('\n');
}
