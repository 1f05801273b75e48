// Progress views' wording: who may see which unit.
export const progressMessages = {
  'progress.head_own_unit_only': (p: { ownUnit: string }) => `负责人只能查看本单位（${p.ownUnit}）。`,
  'progress.leader_not_in_charge': (p: { unit: string }) => `你不分管${p.unit}，只能查看分管单位。`,
  'progress.role_cannot_view': () => '只有负责人、分管领导和管理员可以查看单位情况。',
};
