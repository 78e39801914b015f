import QRCode from 'qrcode';

/** A QR code of `text` as an SVG document (error correction M, two modules of margin), for showing or printing. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}
