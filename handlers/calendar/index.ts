import type { Feature } from '../../src/plugin.ts';
import holidaySet from './holiday-set.ts';
import holidayList from './holiday-list.ts';

export default { name: 'calendar', commands: [holidaySet, holidayList] } satisfies Feature;
