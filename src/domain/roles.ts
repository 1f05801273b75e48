export type Role = 'staff' | 'head' | 'leader' | 'admin';
export const ROLES: Role[] = ['staff', 'head', 'leader', 'admin'];
export const ROLE_CN: Record<Role, string> = { staff: '职工', head: '负责人', leader: '分管领导', admin: '管理员' };

const FROM_CN: Record<string, Role> = {
  职工: 'staff', 员工: 'staff', 干部职工: 'staff', 党员: 'staff', 普通职工: 'staff', staff: 'staff', '': 'staff',
  负责人: 'head', 单位负责人: 'head', 一把手: 'head', 主要负责人: 'head', 科室负责人: 'head', head: 'head',
  分管领导: 'leader', 联系领导: 'leader', 局领导: 'leader', 领导: 'leader', leader: 'leader',
  管理员: 'admin', 领导小组办公室: 'admin', admin: 'admin',
};

export function roleFromCn(s: string): Role | null {
  return FROM_CN[s.trim()] ?? null;
}

/**
 * Who a command is for: a role, or the unit's 联络员 (members.liaison, beside the role). The
 * 联络员 does for the unit what a head does for reporting — 集中学习, 请假 for others, unit
 * submissions, 整改 进展/完成 — and is never given approving (审阅) or closing (销号): those
 * commands do not list 'liaison'.
 */
export type Duty = Role | 'liaison';
export const DUTY_CN: Record<Duty, string> = { ...ROLE_CN, liaison: '联络员' };

/** Someone as the duty checks see them: their role and whether they are their unit's 联络员. */
export interface DutyHolder { role: string; liaison?: boolean | null }

/** Whether someone holds one of these duties (admins hold every one). */
export function holdsDuty(who: DutyHolder, duties: readonly string[]): boolean {
  if (who.role === 'admin') return true;
  return duties.includes(who.role) || (!!who.liaison && duties.includes('liaison'));
}

/** Whether someone reports for their own unit (a head or the unit's 联络员): unit submissions, and the unit's own records only. */
export function reportsForUnit(who: DutyHolder): boolean {
  return who.role === 'head' || !!who.liaison;
}
