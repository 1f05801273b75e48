// 进度: my record, my unit's, who has not checked in.
import type { Feature } from '../../src/plugin.ts';
import me from './me.ts';
import unit from './unit-report.ts';
import notCheckedIn from './not-checked-in.ts';

export default { name: 'progress', commands: [me, unit, notCheckedIn] } satisfies Feature;
