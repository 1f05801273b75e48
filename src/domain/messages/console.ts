// What the web console's pages are told that chat words differently or not at all: a page with no
// campaign running, a unit not in the list, who may use a page. (A request the page could not have
// built — a query or body of the wrong shape — is refused with its route's own schema message.)
export const consoleMessages = {
  noCampaign: () => '当前没有进行中的活动。管理员可在私聊中发送「/活动 新建 名称 开始日期 结束日期 40学时」创建活动。',
  /** 活动与阶段, for an admin about to add a phase or task. */
  noCampaignToAdd: () => '当前没有进行中的活动，请先新建活动。',
  /** 我的. */
  noCampaignMine: () => '当前没有进行中的活动，活动开始后这里会显示你的学习记录。',
  /** A person's page. */
  noCampaignPerson: () => '当前没有进行中的活动。',
  noCampaignExport: () => '当前没有进行中的活动，没有可导出的人员名单。',
  unitNotFound: () => '没有这个单位，请从列表中选择。',

  // Signing in and staying signed in.
  linkInvalid: () => '登录链接无效、已过期或已经用过（每个链接只能用一次，10 分钟内有效）。请在私聊中给机器人重新发送「登录」。',
  notSignedIn: () => '请先登录：在私聊中给机器人发送「登录」，打开回复里的链接。',
  csrf: () => '页面已过期或请求来源不明（缺少安全校验码），没有执行。请刷新页面后再试。',

  // Who sees whom: as chat's 本单位 and 未打卡 decide it (src/domain/visibility.ts).
  staffOwnRecordOnly: () => '职工只能查看自己的学习记录，请打开「我的」。',
  noUnitsLed: () => '名单中没有登记你分管的单位，请联系管理员核对名单的「分管单位」。',
  unitPeopleNotVisible: (p: { role: string; ownUnit: string }) =>
    (p.role === 'head' ? `你只能查看本单位（${p.ownUnit}）的人员。` : '你不分管这个单位，只能查看分管单位的人员。'),
  personNotVisible: (p: { role: string; ownUnit: string }) =>
    (p.role === 'head' ? `你只能查看本单位（${p.ownUnit}）的人员。` : '你不分管这个人所在的单位，只能查看分管单位的人员。'),
  nudgeRoles: () => '催办仅限负责人、分管领导、管理员使用。',
  campaignPageStaff: () => '「活动与阶段」页面仅限负责人、分管领导、管理员查看。各阶段的安排可在聊天中发「阶段」查看，自己的学习记录在「我的」。',
  badQuery: (p: { detail: string }) => `参数不对：${p.detail}`,
  badRequest: (p: { detail: string }) => `请求不对：${p.detail}`,
};
