// 活动与阶段: campaigns, phases, their tasks and required readings, and submissions to tasks;
// the console's 活动与阶段 page's API (http.ts).
import type { Feature } from '../../src/plugin.ts';
import submit from './submit.ts';
import phaseList from './phase-list.ts';
import campaignNew from './campaign-new.ts';
import campaignSet from './campaign-set.ts';
import campaignEnd from './campaign-end.ts';
import phaseOpen from './phase-open.ts';
import phaseEnd from './phase-end.ts';
import phaseAdjust from './phase-adjust.ts';
import phaseTaskAdd from './phase-task-add.ts';
import phaseReadingAdd from './phase-reading-add.ts';
import { campaignHttp } from './http.ts';

export default {
  name: 'campaign',
  commands: [submit, phaseList, campaignNew, campaignSet, campaignEnd, phaseOpen, phaseEnd, phaseAdjust, phaseTaskAdd, phaseReadingAdd],
  http: campaignHttp,
} satisfies Feature;
