// 控制台: the web console's sign-in (登录 in a private chat answers a one-time link) and its API
// (/console/api: 总览, 单位 / 人员, 我的, 催办). The pages themselves are web/ (built into dist/web).
import type { Feature } from '../../src/plugin.ts';
import login from './login.ts';
import { consoleRoutes } from './routes.ts';

export default { name: 'console', commands: [login], http: consoleRoutes } satisfies Feature;
