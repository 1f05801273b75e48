// The scheduled jobs, as one feature: src/features.ts installs it. Their order is the order of
// /提醒 列表.
import type { Feature } from '../src/plugin.ts';
import overdueAlerts from './overdue-alerts.ts';
import circular from './circular.ts';
import phaseSchedule from './phase-schedule.ts';
import phaseReminders from './phase-reminders.ts';
import nudges from './nudges.ts';
import calendarWarning from './calendar-warning.ts';

export default { name: 'jobs', jobs: [overdueAlerts, circular, phaseSchedule, phaseReminders, nudges, calendarWarning] } satisfies Feature;
