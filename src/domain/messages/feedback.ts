// Feedback's wording: what a code, a state or a wrong 查询码 refuses. `ref` is the item's YJ-/NM- code.
export const feedbackMessages = {
  'feedback.bad_ref': (p: { text: string }) => `意见编号「${p.text}」格式不对，应像 YJ-0012 或 NM-K7Q2M9 这样。`,
  'feedback.not_found': (p: { ref: string }) => `没有编号为 ${p.ref} 的意见。`,
  'feedback.closed_no_forward': (p: { ref: string }) => `${p.ref} 已办结，不能转交。`,
  'feedback.closed_no_answer': (p: { ref: string }) => `${p.ref} 已办结，不能再答复。`,
  'feedback.already_closed': (p: { ref: string }) => `${p.ref} 已经办结了。`,
  'feedback.close_needs_reason': (p: { ref: string }) => `${p.ref} 还没有答复，办结要写明原因，提交人会看到。`,
  // The same wording for "no such item" and "wrong code": nothing is revealed without the code.
  'feedback.query_refused': () => '编号或查询码不对，查不到内容。请核对提交时收到的编号和查询码。',
};
