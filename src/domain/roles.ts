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
