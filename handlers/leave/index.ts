import type { Feature } from '../../src/plugin.ts';
import leaveAdd from './leave-add.ts';
import leaveList from './leave-list.ts';

export default { name: 'leave', commands: [leaveAdd, leaveList] } satisfies Feature;
