import QRCode from 'qrcode';

/** How payment URIs become QR codes; the browser tests encode with the same options to compare. */
export const QR_OPTIONS = {
  type: 'svg',
  errorCorrectionLevel: 'M',
  margin: 2,
  color: { dark: '#000000ff', light: '#ffffffff' },
} as const;

/**
 * The QR code of `text` as SVG markup, hidden from screen readers (the figure around it carries
 * the label). Black on white whatever the page's colour scheme: scanners need the contrast.
 */
export async function qrSvg(text: string): Promise<string> {
  const svg = await QRCode.toString(text, QR_OPTIONS);
  return svg.replace('<svg ', '<svg class="qr-code" aria-hidden="true" focusable="false" ');
}
