import type { Feature } from '../../src/plugin.ts';
import help from './help.ts';

export default { name: 'help', commands: [help] } satisfies Feature;
