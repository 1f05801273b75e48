// 测评 in the console's API (/console/api/surveys): the office sees every unit with its public
// links, a 分管领导 their units, a head their own unit without links, staff nothing; someone not
// signed in 401; an unknown code 404, a malformed one 400.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testBot, type TestBot } from '../support/test-bot.ts';
import { consoleApi, type ConsoleApi } from '../support/console-api.ts';

let bot: TestBot;
let api: ConsoleApi;
beforeAll(async () => {
  bot = await testBot({ publicBaseUrl: 'https://dj.example.cn' });
  await bot.say('王主任', '/测评 新建 群众满意度测评 对象：县人民医院、县中医院、城关镇卫生院 类型：满意度 截止：12月31日');
  expect(await bot.say('王主任', '确认')).toContain('S-01');
  await bot.say('王主任', '/测评 开始 S-01');
  await bot.say('王主任', '确认');
  expect(await bot.say('张三', '测评 S-01 满意 满意 满意 基本满意 满意 满意 意见：很好')).toContain('已收到');
  api = await consoleApi(bot);
});
afterAll(async () => { await api.close(); await bot.close(); });

it('the list and one survey, scoped as chat\'s /测评 结果', async () => {
  expect((await api.http('GET', '/surveys')).status).toBe(401);
  const office = await api.get('王主任', '/surveys');
  expect(office.status).toBe(200);
  expect(office.body.surveys[0]).toMatchObject({ code: 'S-01', kindCn: '满意度测评', statusCn: '进行中' });
  expect(office.body.surveys[0].units.map((u: { name: string }) => u.name)).toEqual(['县人民医院', '县中医院', '城关镇卫生院']);

  const one = await api.get('王主任', '/surveys/S-01');
  expect(one.status).toBe(200);
  const zy = one.body.units.find((u: { unitName: string }) => u.unitName === '县人民医院');
  expect(zy).toMatchObject({ ballots: 1, rate: 91.7, comments: ['很好'] });
  expect(zy.links[0]).toMatchObject({ group: '服务对象' });
  expect(zy.links[0].url).toMatch(/^https:\/\/dj\.example\.cn\/s\/\d+-\d+-0$/);
  expect(one.body.formula).toContain('0.5×基本满意');

  const leader = await api.get('刘局长', '/surveys/S-01');
  expect(leader.body.units.map((u: { unitName: string }) => u.unitName)).toEqual(['县人民医院', '县中医院']);
  const head = await api.get('赵院长', '/surveys/S-01');
  expect(head.body.units.map((u: { unitName: string }) => u.unitName)).toEqual(['县人民医院']);
  expect(head.body.units[0].links).toEqual([]);
  const staff = await api.get('张三', '/surveys/S-01');
  expect([staff.status, staff.body.message]).toEqual([403, '您没有可以查看的测评单位。测评结果由局办公室、分管领导和本单位负责人查看。']);
  expect((await api.get('张三', '/surveys')).body.surveys).toEqual([]);
  expect((await api.get('王主任', '/surveys/S-09')).status).toBe(404);
  expect((await api.get('王主任', '/surveys/xx')).status).toBe(400);
});
