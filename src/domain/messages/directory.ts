// The directory's wording: finding a unit or a person by name, and a 名单 file's bad rows.
import { ROLE_CN } from '../roles.ts';
import { rowLines, type BadRow, type ProblemOf } from './rows.ts';

const directoryRowProblems = {
  unit_missing: () => '缺少单位',
  name_missing: () => '缺少姓名',
  role_unknown: (p: { role: string }) => `角色「${p.role}」无法识别（可填：${Object.values(ROLE_CN).join('、')}）`,
  phone_invalid: (p: { phone: string }) => `手机号「${p.phone}」不是 11 位手机号`,
  duplicate: (p: { line: number; byPhone: boolean }) => `与第 ${p.line} 行重复（${p.byPhone ? '手机号' : '单位+姓名'}相同）`,
  /** `column`: the file's account column (企业微信账号). */
  account_duplicate: (p: { column: string; account: string; line: number }) =>
    `${p.column}「${p.account}」与第 ${p.line} 行重复`,
};
export type DirectoryRowProblem = ProblemOf<typeof directoryRowProblems>;

export const directoryMessages = {
  'directory.unit_ambiguous': (p: { name: string; candidates: string[] }) => `「${p.name}」可能是：${p.candidates.join('、')}。请写全称。`,
  'directory.unit_not_found': (p: { name: string }) => `没有名为「${p.name}」的单位。管理员可用 npm run cli -- directory import 导入名单。`,
  'directory.member_not_in_unit': (p: { unit: string; name: string }) => `${p.unit}没有名叫「${p.name}」的人。`,
  'directory.member_ambiguous_in_unit': (p: { unit: string; name: string; count: number }) =>
    `${p.unit}有 ${p.count} 位「${p.name}」，请用手机号区分后联系管理员核对名单。`,
  'directory.member_not_found': (p: { name: string }) => `名单里没有「${p.name}」。请检查姓名，或写成 单位/姓名。`,
  'directory.member_ambiguous': (p: { name: string; candidates: { unit: string; name: string }[] }) =>
    `有 ${p.candidates.length} 位「${p.name}」：${p.candidates.map((m) => `${m.unit}/${m.name}`).join('、')}。`
    + `请写成 单位/姓名，例如「${p.candidates[0].unit}/${p.name}」。`,
  'directory.rows_invalid': (p: { rows: BadRow<DirectoryRowProblem>[] }) =>
    `名单有 ${p.rows.length} 行有误，未导入任何数据：\n${rowLines(directoryRowProblems, p.rows)}`,
};
