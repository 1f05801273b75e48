// The printable poster of a unit and group (a QR code to the public page, A5-ish PNG) and a sheet of
// one-time ballot codes: SVG rendered with resvg and the Noto CJK font; nothing fetched from outside.
import { existsSync } from 'node:fs';
import QRCode from 'qrcode';
import { Resvg } from '@resvg/resvg-js';

const FONT_CANDIDATES = [
  process.env.CJK_FONT_FILE,
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
].filter((x): x is string => !!x);

/** The CJK font file, or null (resvg then draws no Chinese: the poster still has its QR code). */
export function cjkFont(): string | null {
  return FONT_CANDIDATES.find((f) => existsSync(f)) ?? null;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A QR code as an SVG <path> of its dark modules, at (x, y), `size` px square. */
export function qrPath(text: string, x: number, y: number, size: number): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  let d = '';
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    if (qr.modules.data[r * n + c]) d += `M${(x + c * cell).toFixed(2)} ${(y + r * cell).toFixed(2)}h${cell.toFixed(2)}v${cell.toFixed(2)}h-${cell.toFixed(2)}z`;
  }
  return `<path d="${d}" fill="#000"/>`;
}

/** A QR code alone as an SVG document (the console shows it). */
export function qrSvg(text: string, size = 240): string {
  const pad = 12;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size + 2 * pad}" height="${size + 2 * pad}" viewBox="0 0 ${size + 2 * pad} ${size + 2 * pad}"><rect width="100%" height="100%" fill="#fff"/>${qrPath(text, pad, pad, size)}</svg>`;
}

function render(svg: string, width: number): Buffer {
  const font = cjkFont();
  const r = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    font: { fontFiles: font ? [font] : [], loadSystemFonts: false, defaultFontFamily: 'Noto Sans CJK SC' },
  });
  return Buffer.from(r.render().asPng());
}

export interface PosterWords { title: string; name: string; unit: string; group: string; scan: string; note: string; url: string }

/** 1240×1754 (A5 at 300 dpi-ish proportions of A4): the title, the unit and group, the QR code, the link. */
export function posterPng(w: PosterWords): Buffer {
  const W = 1240, H = 1754;
  const t = (y: number, size: number, text: string, o: { weight?: number; fill?: string } = {}) =>
    `<text x="${W / 2}" y="${y}" font-size="${size}" text-anchor="middle" font-family="Noto Sans CJK SC" font-weight="${o.weight ?? 400}" fill="${o.fill ?? '#222'}">${esc(text)}</text>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
<rect width="100%" height="100%" fill="#fff"/><rect x="0" y="0" width="${W}" height="260" fill="#c0262d"/>
${t(150, 96, w.title, { weight: 700, fill: '#fff' })}${t(225, 44, w.name, { fill: '#fff' })}
${t(380, 56, w.unit, { weight: 700 })}${t(460, 44, w.group)}
<rect x="270" y="520" width="700" height="700" fill="#fff" stroke="#c0262d" stroke-width="6"/>${qrPath(w.url, 300, 550, 640)}
${t(1320, 52, w.scan, { weight: 700, fill: '#c0262d' })}${t(1400, 36, w.note, { fill: '#555' })}
${t(1600, 28, w.url, { fill: '#777' })}</svg>`;
  return render(svg, W);
}

/** A sheet of ballot codes to cut apart, 4 a row, the page's link printed at the top (a poster of the same page carries its QR code). */
export function codesPng(o: { title: string; hint: string; url: string; codes: string[] }): Buffer {
  const cols = 4, cw = 300, ch = 150, top = 150;
  const rows = Math.ceil(o.codes.length / cols);
  const W = cols * cw, H = top + rows * ch + 40;
  const cells = o.codes.map((c, i) => {
    const x = (i % cols) * cw, y = top + Math.floor(i / cols) * ch;
    return `<rect x="${x + 6}" y="${y + 6}" width="${cw - 12}" height="${ch - 12}" fill="none" stroke="#999" stroke-dasharray="6 4"/>`
      + `<text x="${x + cw / 2}" y="${y + 80}" font-size="40" text-anchor="middle" font-family="DejaVu Sans Mono, Noto Sans CJK SC" letter-spacing="4">${esc(c.slice(0, 4))} ${esc(c.slice(4))}</text>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}"><rect width="100%" height="100%" fill="#fff"/>
<text x="20" y="55" font-size="36" font-family="Noto Sans CJK SC" font-weight="700">${esc(o.title)}</text>
<text x="20" y="105" font-size="24" font-family="Noto Sans CJK SC" fill="#555">${esc(o.hint)}：${esc(o.url)}</text>${cells}</svg>`;
  return render(svg, W);
}
