/**
 * Read a directory (roster) table from .csv or .xlsx into header names + rows of strings.
 *
 * CSV: encoding is detected (UTF-8 with/without BOM, UTF-16 with BOM, otherwise GB18030 — what
 * Excel on Chinese Windows saves as "CSV"); the delimiter is detected from the header line
 * (comma, tab, semicolon; full-width comma only if none of those appear); quoted multi-line cells
 * are supported and `line` is the physical line where the record starts.
 * XLSX: the first visible worksheet; the header row is its first non-empty row; `line` is the sheet
 * row number. Cell values become strings: integers without ".0" (phone numbers stored as numbers
 * come out as plain digits), rich text joined, formulas → their cached result, dates → YYYY-MM-DD
 * (with " HH:mm" / " HH:mm:ss" only if the cell has a time of day).
 *
 * Both: header names are trimmed with all full-width spaces (U+3000) and zero-width characters
 * removed; columns without a header are ignored; a repeated header gets a suffix "_2", "_3", …;
 * cells are trimmed; rows whose cells are all empty are skipped; every row has a key for every
 * header ('' when the row is short).
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';

export interface TableRow {
  /** CSV: physical line where the record starts (1-based). XLSX: sheet row number. */
  line: number;
  cells: Record<string, string>;
}

export interface TableFile {
  headers: string[];
  rows: TableRow[];
}

export const UNSUPPORTED_EXTENSION_MESSAGE = '只支持 .csv 和 .xlsx 文件';

/** Why a file of this name cannot be read as a table (its extension), or null. */
function unsupported(name: string): string | null {
  const ext = extname(name).toLowerCase();
  if (ext === '.csv' || ext === '.xlsx') return null;
  const hint =
    ext === '.xls' || ext === '.et' || ext === '.numbers'
      ? '；请在表格软件中“另存为” .xlsx 或 .csv'
      : '';
  return `${UNSUPPORTED_EXTENSION_MESSAGE}（收到：${ext || '无扩展名'}）${hint}`;
}

export async function readTableFile(path: string): Promise<TableFile> {
  const why = unsupported(path);
  if (why) throw new Error(why);
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? '文件不存在' : code === 'EACCES' || code === 'EPERM' ? '没有读取权限' : code === 'EISDIR' ? '这是一个目录' : (err as Error).message;
    throw new Error(`无法读取文件 ${path}：${why}`, { cause: err });
  }
  return readTableData(data, path);
}

/**
 * The same, from the bytes of a file (an upload to the web console); `name` (the file's name)
 * chooses CSV or XLSX by its extension and names the file in error messages.
 */
export async function readTableData(data: Buffer, name: string): Promise<TableFile> {
  const why = unsupported(name);
  if (why) throw new Error(why);
  return extname(name).toLowerCase() === '.csv' ? parseCsv(data, name) : parseXlsx(data, name);
}

/** One worksheet of a workbook, read as a table (as readTableData reads the first). */
export interface SheetTable extends TableFile { name: string }

/**
 * Every visible worksheet of an .xlsx workbook (a plan: 阶段, 任务, 必读), each read as
 * readTableData reads one: header row first, `line` the sheet's row number. The sheet names are
 * trimmed. Only .xlsx: a CSV holds one table.
 */
export async function readWorkbookData(data: Buffer, name: string): Promise<SheetTable[]> {
  if (extname(name).toLowerCase() !== '.xlsx') {
    const ext = extname(name).toLowerCase();
    throw new Error(`工作安排只支持 .xlsx 文件（收到：${ext || '无扩展名'}）${ext === '.xls' || ext === '.et' ? '；请在表格软件中“另存为” .xlsx' : ''}`);
  }
  const workbook = await loadWorkbook(data, name);
  return workbook.worksheets.filter((s) => s.state === 'visible' || s.state === undefined).map((sheet) => ({ name: cleanHeader(sheet.name), ...sheetTable(sheet) }));
}

/** The same, from a file on disk (the CLI). */
export async function readWorkbookFile(path: string): Promise<SheetTable[]> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`无法读取文件 ${path}：${code === 'ENOENT' ? '文件不存在' : code === 'EACCES' || code === 'EPERM' ? '没有读取权限' : (err as Error).message}`, { cause: err });
  }
  return readWorkbookData(data, path);
}

// ---------------------------------------------------------------------------------------------
// CSV

export function decodeCsvBytes(data: Buffer): string {
  if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
    return new TextDecoder('utf-8').decode(data.subarray(3));
  }
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(data.subarray(2));
  }
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(data.subarray(2));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return iconv.decode(data, 'gb18030');
  }
}

function parseCsv(data: Buffer, path: string): TableFile {
  // Normalise line endings first: csv-parse's line counter is off with CRLF.
  const text = decodeCsvBytes(data).replace(/\r\n?/g, '\n');
  const delimiter = detectDelimiter(text);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new Error(`无法解析 CSV 文件 ${path}${e.lines ? `（第 ${e.lines} 行附近）` : ''}：${e.message}`, {
      cause: err,
    });
  }
  const rows = records.map(({ record, info }) => {
    // info.lines is the line where the record ends; quoted cells may span several lines.
    const inner = record.reduce((n, cell) => n + countNewlines(cell), 0);
    return { line: info.lines - inner, values: record };
  });
  return buildTable(rows);
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

function detectDelimiter(text: string): string {
  // First non-empty line, ignoring anything inside quotes.
  const firstLine = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const count = (ch: string) => unquoted.split(ch).length - 1;
  const candidates = [',', '\t', ';'];
  let best = ',';
  let bestCount = 0;
  for (const c of candidates) {
    const n = count(c);
    if (n > bestCount) {
      best = c;
      bestCount = n;
    }
  }
  if (bestCount === 0 && count('，') > 0) return '，';
  return best;
}

// ---------------------------------------------------------------------------------------------
// XLSX

async function loadWorkbook(data: Buffer, path: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch (err) {
    throw new Error(`无法读取 Excel 文件 ${path}：文件已损坏或不是 .xlsx 格式（${(err as Error).message}）`, {
      cause: err,
    });
  }
  return workbook;
}

async function parseXlsx(data: Buffer, path: string): Promise<TableFile> {
  const sheets = (await loadWorkbook(data, path)).worksheets;
  const sheet = sheets.find((s) => s.state === 'visible' || s.state === undefined) ?? sheets[0];
  if (!sheet) return { headers: [], rows: [] };
  return sheetTable(sheet);
}

function sheetTable(sheet: ExcelJS.Worksheet): TableFile {
  const rows: { line: number; values: string[] }[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, colNumber) => {
      values[colNumber - 1] = cellToString(cell.value);
    });
    for (let i = 0; i < values.length; i++) values[i] ??= '';
    rows.push({ line: rowNumber, values });
  });
  return buildTable(rows);
}

/** exceljs cell value → display string. */
export function cellToString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return numberToString(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return dateToString(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return (v.richText as { text?: string }[]).map((r) => r.text ?? '').join('');
    }
    if ('formula' in v || 'sharedFormula' in v) return cellToString(v.result);
    if ('hyperlink' in v || 'text' in v) return cellToString(v.text);
    if (typeof v.error === 'string') return v.error; // '#N/A', '#REF!', …
  }
  return String(value);
}

function numberToString(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
  // Drop binary floating point noise (0.30000000000000004 → 0.3) the way Excel shows it.
  return String(Number.parseFloat(n.toPrecision(15)));
}

function dateToString(value: Date): string {
  if (Number.isNaN(value.getTime())) return '';
  // exceljs returns dates as UTC instants of the wall-clock value in the sheet. Excel stores times
  // as fractions of a day, so round to the nearest second to drop float noise.
  const d = new Date(Math.round(value.getTime() / 1000) * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}`;
  const [hh, mm, ss] = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
  if (hh === 0 && mm === 0 && ss === 0) return date;
  return `${date} ${p(hh)}:${p(mm)}${ss ? `:${p(ss)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Shared

function cleanHeader(s: string): string {
  return s.replace(/[\u3000\u200b\u200c\u200d\u2060\ufeff]/g, '').trim();
}

function cleanCell(s: string): string {
  return s.replace(/^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$/g, '');
}

function buildTable(raw: { line: number; values: string[] }[]): TableFile {
  const nonEmpty = raw.filter((r) => r.values.some((v) => cleanCell(v) !== ''));
  const headerRow = nonEmpty[0];
  if (!headerRow) return { headers: [], rows: [] };

  const headers: string[] = [];
  const columns: { index: number; name: string }[] = [];
  const seen = new Map<string, number>();
  headerRow.values.forEach((v, index) => {
    const base = cleanHeader(v);
    if (!base) return;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    const name = n === 1 ? base : `${base}_${n}`;
    headers.push(name);
    columns.push({ index, name });
  });

  const rows: TableRow[] = [];
  for (const r of nonEmpty.slice(1)) {
    const cells: Record<string, string> = {};
    let any = false;
    for (const { index, name } of columns) {
      const v = cleanCell(r.values[index] ?? '');
      cells[name] = v;
      if (v !== '') any = true;
    }
    if (any) rows.push({ line: r.line, cells });
  }
  return { headers, rows };
}
