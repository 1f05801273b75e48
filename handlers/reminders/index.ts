import type { Feature } from '../../src/plugin.ts';
import reminderList from './reminder-list.ts';
import reminderSet from './reminder-set.ts';

export default { name: 'reminders', commands: [reminderList, reminderSet] } satisfies Feature;
