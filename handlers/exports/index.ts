// 导出: /导出 in chat, and the console's 导出 page and its lists' 导出 buttons (http.ts).
import type { Feature } from '../../src/plugin.ts';
import exportCommand from './export.ts';
import { exportsHttp } from './http.ts';

export default { name: 'exports', commands: [exportCommand], http: exportsHttp } satisfies Feature;
