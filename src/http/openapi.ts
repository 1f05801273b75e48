// The OpenAPI description of the read-only REST API, served at /api/v1/openapi.json.
// Ids are PostgreSQL integers: a value outside 1..2147483647 is a 400, as is a date outside 1900..2999.
const idSchema = { type: 'integer', minimum: 1, maximum: 2147483647 };
const page = [
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
  { name: 'cursor', in: 'query', schema: { type: 'string', pattern: '^[0-9]{1,10}$' }, description: '上一页返回的 nextCursor' },
];
const idParam = (name: string) => ({ name, in: 'query', schema: idSchema });
const dateParam = (name: string) => ({ name, in: 'query', schema: { type: 'string', format: 'date' }, description: 'YYYY-MM-DD，1900-01-01 至 2999-12-31' });
const paged = (item: object) => ({
  type: 'object', required: ['items', 'nextCursor'],
  properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
});
const ok = (schema: object) => ({
  200: { description: 'OK', content: { 'application/json': { schema } } },
  400: { description: '参数无效（error 与 filter 指出哪个参数）' },
  401: { description: '缺少或错误的 Bearer 令牌' },
  429: { description: '同一地址登录失败过多（10 分钟内 10 次），Retry-After 秒后再试' },
});
const str = { type: 'string' };
const int = { type: 'integer' };
const nullable = (t: string) => ({ type: [t, 'null'] });

export const openApiDocument = {
  openapi: '3.1.0',
  info: { title: 'campaign-bot 学习整改助手 API', version: '1', description: '只读接口。认证：Authorization: Bearer ADMIN_API_TOKEN。' },
  servers: [{ url: '/api/v1' }],
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
  security: [{ bearer: [] }],
  paths: {
    '/campaigns': { get: { summary: '活动列表', parameters: page, responses: ok(paged({ type: 'object', properties: {
      id: int, name: str, startDate: { type: 'string', format: 'date' }, endDate: { type: 'string', format: 'date' }, status: str,
      targetMinutes: nullable('integer'), targetUnit: str, xueshiMinutes: int, makeupDays: int, createdAt: { type: 'string', format: 'date-time' } } })) } },
    '/campaigns/{id}/progress': { get: { summary: '各单位进度', parameters: [{ name: 'id', in: 'path', required: true, schema: idSchema }, ...page],
      responses: ok(paged({ type: 'object', properties: { unitId: int, unitName: str, members: int, participants: int, participationRate: { type: 'number' }, minutes: int, averageMinutes: int, checkins: int } })) } },
    '/members': { get: { summary: '名单', parameters: [...page, idParam('unitId')],
      responses: ok(paged({ type: 'object', properties: { id: int, name: str, role: { enum: ['staff', 'head', 'leader', 'admin'] }, unitId: int, unitName: str, active: { type: 'boolean' } } })) } },
    '/checkins': { get: { summary: '打卡记录（有效的）', parameters: [...page, idParam('campaignId'), idParam('unitId'), idParam('memberId'), dateParam('from'), dateParam('to')],
      responses: ok(paged({ type: 'object', properties: {
        id: int, memberId: int, memberName: str, unitId: int, unitName: str, date: { type: 'string', format: 'date' },
        minutes: nullable('integer'), material: nullable('string'), reflection: nullable('string'), kind: str, platform: str,
        createdAt: { type: 'string', format: 'date-time' },
        attachments: { type: 'array', description: '读书笔记照片或文件；内容用 GET /attachments/{id} 下载', items: { type: 'object', properties: {
          id: int, type: { enum: ['image', 'file'] }, mime: str, size: { type: 'integer', description: '字节' } } } } } })) } },
    '/attachments/{id}': { get: { summary: '下载一张照片或一个文件（按收到时识别的类型返回原始字节）',
      parameters: [{ name: 'id', in: 'path', required: true, schema: idSchema }],
      responses: {
        200: { description: '文件内容', content: { 'image/*': { schema: { type: 'string', format: 'binary' } }, 'application/*': { schema: { type: 'string', format: 'binary' } } } },
        401: { description: '缺少或错误的 Bearer 令牌' },
        404: { description: '没有这个附件' },
      } } },
    '/submissions': { get: { summary: '任务提交', parameters: [...page, idParam('taskId'), idParam('unitId'), idParam('memberId')],
      responses: ok(paged({ type: 'object', properties: { id: int, taskId: int, taskName: str, memberId: int, memberName: str, unitId: int, unitName: str, chars: int, content: str, createdAt: { type: 'string', format: 'date-time' } } })) } },
    '/deliveries': { get: { summary: '推送记录（outbox）', parameters: [...page, { name: 'status', in: 'query', schema: { enum: ['queued', 'sent', 'failed'] } }],
      responses: ok(paged({ type: 'object', properties: {
        id: int, key: str, targetKind: { enum: ['member', 'group'] }, memberId: nullable('integer'), groupId: nullable('integer'), text: str,
        status: { enum: ['queued', 'sent', 'failed'] }, attempts: int, lastError: nullable('string'), via: nullable('string'),
        createdAt: { type: 'string', format: 'date-time' }, sentAt: { type: ['string', 'null'], format: 'date-time' } } })) } },
    '/feedback': { get: { summary: '意见建议（匿名的 memberId、memberName 为 null，createdAt 只有日期）',
      parameters: [...page, idParam('unitId'), { name: 'status', in: 'query', schema: { enum: ['open', 'forwarded', 'answered', 'closed'] } }, { name: 'anonymous', in: 'query', schema: { enum: ['true', 'false'] } }],
      responses: ok(paged({ type: 'object', properties: {
        id: int, code: str, kind: { enum: ['意见', '建议', '反馈'] }, anonymous: { type: 'boolean' }, memberId: nullable('integer'), memberName: nullable('string'),
        unitId: nullable('integer'), content: str, status: { enum: ['open', 'forwarded', 'answered', 'closed'] }, answer: nullable('string'),
        createdAt: { type: 'string', description: '署名的为时间戳；匿名的只有日期 YYYY-MM-DD' } } })) } },
    '/rectifications': { get: { summary: '整改台账（五落实、状态、是否逾期、变更历史）',
      parameters: [...page, idParam('unitId'), idParam('campaignId'), { name: 'status', in: 'query', schema: { enum: ['not_started', 'in_progress', 'pending', 'closed'] } }, { name: 'overdue', in: 'query', schema: { enum: ['true', 'false'] } }],
      responses: ok(paged({ type: 'object', properties: {
        id: int, code: str, kind: { enum: ['item', 'commitment'] }, campaignId: nullable('integer'), problem: str, measures: str, leaderName: str,
        leaderMemberId: nullable('integer'), unitId: int, unitName: str, deadline: { type: 'string', format: 'date' }, category: nullable('string'),
        term: nullable('string'), status: { enum: ['not_started', 'in_progress', 'pending', 'closed'] }, overdue: { type: 'boolean' },
        ownerMemberId: nullable('integer'), createdAt: { type: 'string', format: 'date-time' }, closedAt: { type: ['string', 'null'], format: 'date-time' },
        history: { type: 'array', items: { type: 'object', properties: { at: str, actor: str, action: str, field: nullable('string'), before: nullable('string'), after: nullable('string'), note: nullable('string') } } } } })) } },
  },
};
