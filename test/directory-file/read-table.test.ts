import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTableFile } from '../../src/directory-file/read-table.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-table-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, content);
  return p;
}

describe('readTableFile — CSV', () => {
  it('reads UTF-8 with BOM, cleans headers (full-width spaces) and keeps line numbers', async () => {
    const csv = '\ufeff姓　名 , 手机号,部门\n张三,13800001111,办公室\n\n 李四 ,13900002222,财务科\n';
    const t = await readTableFile(await file('bom.csv', csv));
    expect(t.headers).toEqual(['姓名', '手机号', '部门']);
    expect(t.rows).toEqual([
      { line: 2, cells: { 姓名: '张三', 手机号: '13800001111', 部门: '办公室' } },
      { line: 4, cells: { 姓名: '李四', 手机号: '13900002222', 部门: '财务科' } },
    ]);
  });

  it('reads UTF-8 without BOM with CRLF line endings', async () => {
    const t = await readTableFile(await file('plain.csv', '姓名,部门\r\n王五,党办\r\n'));
    expect(t.headers).toEqual(['姓名', '部门']);
    expect(t.rows).toEqual([{ line: 2, cells: { 姓名: '王五', 部门: '党办' } }]);
  });

  it('falls back to GB18030 when the bytes are not valid UTF-8', async () => {
    const bytes = iconv.encode('姓名,手机号,部门\n赵六,13700003333,纪检监察室\n钱七,13600004444,组织部\n', 'gb18030');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const t = await readTableFile(await file('gbk.csv', bytes));
    expect(t.headers).toEqual(['姓名', '手机号', '部门']);
    expect(t.rows).toEqual([
      { line: 2, cells: { 姓名: '赵六', 手机号: '13700003333', 部门: '纪检监察室' } },
      { line: 3, cells: { 姓名: '钱七', 手机号: '13600004444', 部门: '组织部' } },
    ]);
  });

  it('handles quoted multi-line cells: line is where the record starts', async () => {
    const csv = [
      '姓名,备注,部门', // 1
      '张三,"第一行', // 2
      '第二行",办公室', //  3
      '', // 4 (empty)
      '李四,"a, b ""quoted""",财务科', // 5
      ',,', // 6 (all empty: skipped)
      '王五,"x', // 7
      '', // 8 (inside the quoted cell)
      'y",人事科', // 9
      '赵六,短行', // 10 (short row)
    ].join('\r\n');
    const t = await readTableFile(await file('multiline.csv', csv));
    expect(t.headers).toEqual(['姓名', '备注', '部门']);
    expect(t.rows).toEqual([
      { line: 2, cells: { 姓名: '张三', 备注: '第一行\n第二行', 部门: '办公室' } },
      { line: 5, cells: { 姓名: '李四', 备注: 'a, b "quoted"', 部门: '财务科' } },
      { line: 7, cells: { 姓名: '王五', 备注: 'x\n\ny', 部门: '人事科' } },
      { line: 10, cells: { 姓名: '赵六', 备注: '短行', 部门: '' } },
    ]);
  });

  it('skips leading empty lines before the header and ignores columns without a header', async () => {
    const t = await readTableFile(await file('lead.csv', '\n\n姓名,,部门,\n张三,x,办公室,\n'));
    expect(t.headers).toEqual(['姓名', '部门']);
    expect(t.rows).toEqual([{ line: 4, cells: { 姓名: '张三', 部门: '办公室' } }]);
  });

  it('detects tab-separated files', async () => {
    const t = await readTableFile(await file('tabs.csv', '姓名\t部门\n张三\t办公室\n'));
    expect(t.rows).toEqual([{ line: 2, cells: { 姓名: '张三', 部门: '办公室' } }]);
  });
});

describe('readTableFile — XLSX', () => {
  it('reads the first sheet: numeric phone → digits, dates → YYYY-MM-DD, rich text, formulas', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.getRow(2).values = ['姓　名 ', '手机号', '入职日期', '部门', '得分'];
    ws.getRow(3).values = ['张三', 13800001111, new Date(Date.UTC(2024, 2, 5)), '办公室', 12];
    ws.getRow(4).values = [
      { richText: [{ text: '李' }, { font: { bold: true }, text: '四' }] },
      '13900002222',
      new Date(Date.UTC(2023, 11, 31, 8, 30)),
      { formula: 'CONCAT("财","务科")', result: '财务科' },
      2.5,
    ];
    ws.getRow(6).values = ['王五', 13700003333];
    ws.getCell('C3').numFmt = 'yyyy-mm-dd';
    wb.addWorksheet('另一个').getCell('A1').value = '不应读取';
    const p = join(dir, 'roster.xlsx');
    await wb.xlsx.writeFile(p);

    const t = await readTableFile(p);
    expect(t.headers).toEqual(['姓名', '手机号', '入职日期', '部门', '得分']);
    expect(t.rows).toEqual([
      { line: 3, cells: { 姓名: '张三', 手机号: '13800001111', 入职日期: '2024-03-05', 部门: '办公室', 得分: '12' } },
      {
        line: 4,
        cells: { 姓名: '李四', 手机号: '13900002222', 入职日期: '2023-12-31 08:30', 部门: '财务科', 得分: '2.5' },
      },
      { line: 6, cells: { 姓名: '王五', 手机号: '13700003333', 入职日期: '', 部门: '', 得分: '' } },
    ]);
  });

  it('gives a clear error for a file that is not really xlsx', async () => {
    const p = await file('fake.xlsx', 'not a zip');
    await expect(readTableFile(p)).rejects.toThrow(/无法读取 Excel 文件/);
  });
});

describe('readTableFile — errors', () => {
  it('rejects unsupported extensions', async () => {
    await expect(readTableFile(join(dir, 'a.xls'))).rejects.toThrow('只支持 .csv 和 .xlsx 文件');
    await expect(readTableFile(join(dir, 'a.txt'))).rejects.toThrow('只支持 .csv 和 .xlsx 文件');
  });

  it('reports missing and unreadable files', async () => {
    await expect(readTableFile(join(dir, 'missing.csv'))).rejects.toThrow(/无法读取文件 .*missing\.csv：文件不存在/);
    await mkdir(join(dir, 'folder.csv'));
    await expect(readTableFile(join(dir, 'folder.csv'))).rejects.toThrow(/无法读取文件/);
  });
});
