// 打卡: check-ins, 补卡, 撤回, 集中学习, and the office's voiding of a check-in.
import type { Feature } from '../../src/plugin.ts';
import checkin from './checkin.ts';
import makeup from './makeup.ts';
import undo from './undo.ts';
import groupStudy from './group-study.ts';
import checkinVoid from './checkin-void.ts';

export default { name: 'checkin', commands: [checkin, makeup, undo, groupStudy, checkinVoid] } satisfies Feature;
