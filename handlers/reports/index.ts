// 报送: /报送 in chat (the CLI's `report` and the console's 导出 page build the same documents).
import type { Feature } from '../../src/plugin.ts';
import reportCommand from './report.ts';

export default { name: 'reports', commands: [reportCommand] } satisfies Feature;
