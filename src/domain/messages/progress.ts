// Progress views' wording: who may see which unit, and what the 进度 commands say.
export const progressMessages = {
  'progress.head_own_unit_only': (p: { ownUnit: string }) => `负责人只能查看本单位（${p.ownUnit}）。`,
  'progress.leader_not_in_charge': (p: { unit: string }) => `你不分管${p.unit}，只能查看分管单位。`,
  'progress.role_cannot_view': () => '只有负责人、分管领导和管理员可以查看单位情况。',
};

// What the 进度 commands say beyond the reports the domain words (myProgress, unitReport, notCheckedIn).
export const progressReplies = {
  noUnitsInCharge: () => '名单中没有登记你分管的单位，请联系管理员。',
  periodTwice: () => '「今天」和「本周」只能选一个，例如：未打卡 本周。',
  /** 未打卡 named two words that are not a period: only one may be a unit. */
  twoUnits: (p: { first: string; second: string }) => `「${p.first}」和「${p.second}」只能有一个是单位名。用法：未打卡 [单位] [今天|本周]`,
};
