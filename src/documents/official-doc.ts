// Word documents in the layout of 党政机关公文格式 (GB/T 9704-2012), which every office upstream
// expects: A4, top margin 37 mm, left 28 mm, a 156 × 225 mm text block of 22 lines × 28
// characters; title 2号 小标宋, body 3号 仿宋, 一、 in 黑体, （一） in 楷体; page numbers
// "— 1 —" in 4号 宋体, odd pages right and even pages left; the sender and 成文日期 at the end.
// The fonts are named as the office's Word knows them (方正小标宋简体, 仿宋_GB2312 …); where one is
// missing Word and LibreOffice substitute another CJK face of the same kind.
import {
  AlignmentType, BorderStyle, Document, DocumentGridType, Footer, HeadingLevel, ImageRun, LineRuleType, Packer,
  PageBreak, PageNumber, PageOrientation, Paragraph, Table, TableCell, TableOfContents, TableRow, TextRun,
  VerticalAlign, WidthType,
} from 'docx';

export const FONTS = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  pageNumber: '宋体',
  latin: 'Times New Roman',
} as const;

/** Font sizes in half-points (docx's unit): 2号 22 pt, 3号 16 pt, 4号 14 pt, 小4 12 pt, 5号 10.5 pt. */
export const SIZES = { hao2: 44, hao3: 32, hao4: 28, xiao4: 24, hao5: 21 } as const;

/** Millimetres in twips, rounded (docx's own helper truncates: A4 came out 11905 × 16837, not Word's 11906 × 16838). */
const mm = (n: number) => Math.round((n * 1440) / 25.4);
/** 225 mm / 22 lines: the exact line pitch of the body text. */
export const LINE_PITCH = Math.floor(mm(225) / 22);
/**
 * 156 mm / 28 characters = 15.8 pt per character against the 16 pt body font: each character is
 * set 0.2 pt tighter (w:spacing, in twips). A character grid would say the same, but Word and
 * LibreOffice read its pitch against different base fonts; a run's spacing means one thing to both.
 */
export const CHAR_SPACING = Math.floor(mm(156) / 28) - 320;

export type Block =
  | { kind: 'heading1'; text: string }
  | { kind: 'heading2'; text: string }
  | { kind: 'heading3'; text: string }
  | { kind: 'paragraph'; text: string; noIndent?: boolean; placeholder?: boolean }
  | { kind: 'table'; header: string[]; rows: (string | number)[][]; widths?: number[]; caption?: string; total?: boolean }
  | { kind: 'image'; png: Uint8Array; widthMm: number; heightMm: number; caption?: string }
  /** A table of contents of the 一、 and （一） headings, under its own title (目录). */
  | { kind: 'toc'; title: string }
  | { kind: 'pageBreak' };

export interface OfficialDocInput {
  title: string;
  /** Lines under the title in 楷体 (e.g. 2026年第2期, or the period). */
  subtitle?: string;
  blocks: Block[];
  /** 发文机关署名 and 成文日期 (2026年12月7日) at the end; omitted when absent. */
  sender?: string;
  date?: string;
  landscape?: boolean;
}

const run = (text: string, font: string, size: number, extra: { bold?: boolean; highlight?: 'yellow'; snapToGrid?: boolean } = {}) =>
  new TextRun({
    text, size, color: '000000', font: { eastAsia: font, ascii: FONTS.latin, hAnsi: FONTS.latin },
    characterSpacing: size === SIZES.hao3 ? CHAR_SPACING : undefined, ...extra,
  });

const bodyParagraph = (text: string, opts: { indent?: boolean; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; font?: string; placeholder?: boolean } = {}) =>
  new Paragraph({
    alignment: opts.align ?? AlignmentType.JUSTIFIED,
    // 首行缩进两字 (2 × 3号).
    indent: opts.indent === false ? undefined : { firstLine: 640 },
    spacing: { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
    children: [run(text, opts.font ?? FONTS.body, SIZES.hao3, opts.placeholder ? { highlight: 'yellow' } : {})],
  });

const cellBorders = {
  top: { style: BorderStyle.SINGLE, size: 4, color: '000000' },
  bottom: { style: BorderStyle.SINGLE, size: 4, color: '000000' },
  left: { style: BorderStyle.SINGLE, size: 4, color: '000000' },
  right: { style: BorderStyle.SINGLE, size: 4, color: '000000' },
};

function tableOf(b: Extract<Block, { kind: 'table' }>, textWidth: number): (Paragraph | Table)[] {
  // Tables in 仿宋 5号-小4: a 3号 table of ten columns does not fit 156 mm.
  const size = b.header.length > 6 ? SIZES.hao5 : SIZES.xiao4;
  const weights = b.widths ?? b.header.map(() => 1);
  const sum = weights.reduce((a, w) => a + w, 0);
  const cols = weights.map((w) => Math.floor((textWidth * w) / sum));
  const cell = (text: string | number, header: boolean, i: number) => new TableCell({
    width: { size: cols[i], type: WidthType.DXA },
    verticalAlign: VerticalAlign.CENTER,
    borders: cellBorders,
    children: String(text).split('\n').map((line) => new Paragraph({
      alignment: header || typeof text === 'number' ? AlignmentType.CENTER : AlignmentType.LEFT,
      // Table text keeps single spacing: the body's 22-line grid would double every wrapped line.
      spacing: { line: 240, lineRule: LineRuleType.AUTO, before: 0, after: 0 },
      children: [run(line, header ? FONTS.heading1 : FONTS.body, size, { snapToGrid: false })],
    })),
  });
  const rows = [
    new TableRow({ tableHeader: true, children: b.header.map((h, i) => cell(h, true, i)) }),
    ...b.rows.map((r, ri) => new TableRow({
      children: r.map((v, i) => {
        const c = cell(v, b.total === true && ri === b.rows.length - 1, i);
        return c;
      }),
    })),
  ];
  const out: (Paragraph | Table)[] = [];
  if (b.caption) out.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [run(b.caption, FONTS.heading1, SIZES.xiao4)] }));
  out.push(new Table({ width: { size: textWidth, type: WidthType.DXA }, columnWidths: cols, rows, margins: { top: 40, bottom: 40, left: 60, right: 60 } }));
  out.push(bodyParagraph('', { indent: false }));
  return out;
}

function blockToDocx(b: Block, textWidth: number): (Paragraph | Table | TableOfContents)[] {
  switch (b.kind) {
    case 'heading1':
      return [new Paragraph({
        heading: HeadingLevel.HEADING_1, indent: { firstLine: 640 },
        spacing: { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
        children: [run(b.text, FONTS.heading1, SIZES.hao3)],
      })];
    case 'heading2':
      return [new Paragraph({
        heading: HeadingLevel.HEADING_2, indent: { firstLine: 640 },
        spacing: { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
        children: [run(b.text, FONTS.heading2, SIZES.hao3)],
      })];
    case 'heading3':
      return [new Paragraph({
        heading: HeadingLevel.HEADING_3, indent: { firstLine: 640 },
        spacing: { line: LINE_PITCH, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
        children: [run(b.text, FONTS.body, SIZES.hao3, { bold: true })],
      })];
    case 'paragraph':
      return [bodyParagraph(b.text, { indent: !b.noIndent, placeholder: b.placeholder })];
    case 'table':
      return tableOf(b, textWidth);
    case 'image': {
      const widthPx = Math.round((b.widthMm / 25.4) * 96);
      const heightPx = Math.round((b.heightMm / 25.4) * 96);
      const out: Paragraph[] = [new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new ImageRun({ type: 'png', data: b.png, transformation: { width: widthPx, height: heightPx } })],
      })];
      if (b.caption) out.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [run(b.caption, FONTS.heading2, SIZES.xiao4)] }));
      return out;
    }
    case 'toc':
      return [
        new Paragraph({ alignment: AlignmentType.CENTER, children: [run(b.title, FONTS.heading1, SIZES.hao3)] }),
        new TableOfContents(b.title, { hyperlink: true, headingStyleRange: '1-2' }),
      ];
    case 'pageBreak':
      return [new Paragraph({ children: [new PageBreak()] })];
  }
}

const pageNumberFooter = (align: 'right' | 'left') => new Footer({
  children: [new Paragraph({
    alignment: align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
    // 单页码居右空一字，双页码居左空一字.
    indent: align === 'right' ? { right: 280 } : { left: 280 },
    children: [
      new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], size: SIZES.hao4, font: { eastAsia: FONTS.pageNumber, ascii: FONTS.pageNumber, hAnsi: FONTS.pageNumber } }),
    ],
  })],
});

/** The .docx as bytes. */
export async function officialDocx(input: OfficialDocInput): Promise<Buffer> {
  const a4 = { width: mm(210), height: mm(297) };
  const textWidth = input.landscape ? mm(225) : mm(156);
  const children: (Paragraph | Table | TableOfContents)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      spacing: { line: LINE_PITCH, lineRule: LineRuleType.EXACT, after: 0 },
      children: [run(input.title, FONTS.title, SIZES.hao2)],
    }),
  ];
  if (input.subtitle) children.push(bodyParagraph(input.subtitle, { indent: false, align: AlignmentType.CENTER, font: FONTS.heading2 }));
  // 标题下空一行.
  children.push(bodyParagraph('', { indent: false }));
  for (const b of input.blocks) children.push(...blockToDocx(b, textWidth));
  if (input.sender || input.date) {
    children.push(bodyParagraph('', { indent: false }));
    // 成文日期右空四字; the sender is centred over the date.
    if (input.sender) children.push(bodyParagraph(input.sender, { indent: false, align: AlignmentType.RIGHT }));
    if (input.date) {
      children.push(new Paragraph({
        alignment: AlignmentType.RIGHT, indent: { right: 4 * 320 },
        spacing: { line: LINE_PITCH, lineRule: LineRuleType.EXACT },
        children: [run(input.date, FONTS.body, SIZES.hao3)],
      }));
    }
  }
  const doc = new Document({
    creator: 'campaign-bot',
    title: input.title,
    evenAndOddHeaderAndFooters: true,
    features: { updateFields: input.blocks.some((b) => b.kind === 'toc') },
    styles: {
      default: {
        document: { run: { size: SIZES.hao3, font: { eastAsia: FONTS.body, ascii: FONTS.latin, hAnsi: FONTS.latin } } },
        // Word's built-in headings are blue, larger and bold: a 公文's are black 3号 in their own face.
        heading1: { run: { size: SIZES.hao3, bold: false, color: '000000', font: { eastAsia: FONTS.heading1, ascii: FONTS.latin, hAnsi: FONTS.latin } } },
        heading2: { run: { size: SIZES.hao3, bold: false, italics: false, color: '000000', font: { eastAsia: FONTS.heading2, ascii: FONTS.latin, hAnsi: FONTS.latin } } },
        heading3: { run: { size: SIZES.hao3, bold: true, color: '000000', font: { eastAsia: FONTS.body, ascii: FONTS.latin, hAnsi: FONTS.latin } } },
      },
    },
    sections: [{
      properties: {
        page: {
          // docx turns the sheet itself for a landscape orientation: the size is given as portrait.
          size: input.landscape ? { ...a4, orientation: PageOrientation.LANDSCAPE } : a4,
          // Portrait: 37 mm top, 28 mm left, 156 × 225 mm block → right 26 mm, bottom 35 mm.
          // Landscape (台账): the same block turned: 28 mm top/bottom-ish, 37 mm left.
          margin: input.landscape
            ? { top: mm(28), bottom: mm(26), left: mm(37), right: mm(35), footer: mm(18) }
            : { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26), footer: mm(25) },
        },
        grid: input.landscape ? undefined : { type: DocumentGridType.LINES, linePitch: LINE_PITCH },
      },
      footers: { default: pageNumberFooter('right'), even: pageNumberFooter('left') },
      children,
    }],
  });
  return Packer.toBuffer(doc);
}
