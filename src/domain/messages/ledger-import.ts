// The 整改台账 import's wording: its headers, an empty file, every bad row, and what it imported.
import { dateCn } from './format.ts';
import { rowLines, type BadRow, type ProblemOf } from './rows.ts';

export const ledgerRowProblems = {
  unit_missing: () => '缺少责任单位',
  unit_ambiguous: (p: { name: string; candidates: string[] }) => `责任单位「${p.name}」可能是：${p.candidates.join('、')}，请写全称`,
  unit_unknown: (p: { name: string }) => `责任单位「${p.name}」不在名单中`,
  problem_missing: () => '缺少整改项目',
  measures_missing: () => '缺少整改措施',
  leader_missing: () => '缺少分管领导',
  deadline_missing: () => '缺少完成时限',
  deadline_unreadable: (p: { text: string }) => `完成时限「${p.text}」看不懂（可写 2027-03-31、2027年3月31日 等）`,
  deadline_past: (p: { deadline: string; today: string }) => `完成时限 ${dateCn(p.deadline, p.today)} 已经过去了`,
  category_unknown: (p: { category: string; categories: string[] }) => `类别「${p.category}」不在本活动的类别中（${p.categories.join('、')}）`,
  term_unknown: (p: { term: string; terms: string[] }) => `期限「${p.term}」只能是 ${p.terms.join('、')} 之一`,
  problem_too_long: () => '整改项目超过 1000 字',
  measures_too_long: () => '整改措施超过 2000 字',
  duplicate_row: (p: { line: number }) => `与第 ${p.line} 行重复（同一单位、同一整改项目）`,
  already_in_ledger: (p: { ref: string }) => `台账中已有同一单位的同一整改项目（${p.ref}）`,
};
export type LedgerRowProblem = ProblemOf<typeof ledgerRowProblems>;

/** The headers a file may have, each with its other names: 责任单位（或单位）、整改项目（或问题/项目）… */
export function ledgerHeaderList(headers: [string, string[]][]): string {
  return headers.map(([h, alt]) => (alt.length ? `${h}（或${alt.join('/')}）` : h)).join('、');
}

/** A 整改台账 file without some required headers (`headers`: all of them, with their other names). */
export const ledgerMissingHeaders = (p: { missing: string[]; headers: [string, string[]][] }) =>
  `表头缺少：${p.missing.join('、')}。需要的表头：${ledgerHeaderList(p.headers)}（类别、期限可空）。`;

/** How many items each unit has. */
interface PerUnit { unitName: string; items: number }
const perUnitCn = (list: PerUnit[]) => list.map((u) => `${u.unitName} ${u.items} 项`).join('、');

/** What an import created: the items' codes in order (`contiguous`: without a gap), per unit. */
export interface LedgerImported { codes: string[]; contiguous: boolean; perUnit: PerUnit[] }
/** What a dry run found it would import. */
export interface LedgerChecked { items: number; perUnit: PerUnit[] }

/** "已导入整改事项 ZG-0003 … ZG-0010 共 8 项：县人民医院 5 项、县中医院 3 项。" */
export function ledgerImported(r: LedgerImported): string {
  const c = r.codes;
  const codes = c.length === 1 ? c[0] : r.contiguous ? `${c[0]} … ${c[c.length - 1]}` : c.join('、');
  return `已导入整改事项 ${codes} 共 ${c.length} 项：${perUnitCn(r.perUnit)}。`;
}

export const ledgerDryRun = (r: LedgerChecked) => `（试运行，未保存）检查通过，可导入 ${r.items} 项：${perUnitCn(r.perUnit)}。`;

export const ledgerImportMessages = {
  'ledger.empty': () => '文件里没有整改事项（除表头外没有内容）。',
  'ledger.rows_invalid': (p: { rows: BadRow<LedgerRowProblem>[] }) =>
    `整改台账有 ${p.rows.length} 行有误，未导入任何数据：\n${rowLines(ledgerRowProblems, p.rows)}`,
};
