// 报送: /报送 in chat (the CLI's `report` and the console's 导出 page build the same documents).
import type { Feature } from '../../src/plugin.ts';
import reportCommand from './report.ts';
import { reportsHttp } from './http.ts';

export default { name: 'reports', commands: [reportCommand], http: reportsHttp } satisfies Feature;
