import type { Feature } from '../../src/plugin.ts';
import exportCommand from './export.ts';

export default { name: 'exports', commands: [exportCommand] } satisfies Feature;
