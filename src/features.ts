// The composition root's install lists: every platform and feature this service runs. The only file under
// src/ that imports handlers/ or jobs/ (the entry points pass FEATURES to createApp); a new
// feature is one folder and one line here.
import type { Feature, PlatformPlugin } from './plugin.ts';
import { wecomPlatform } from './platforms/wecom/plugin.ts';
import { dingtalkPlatform } from './platforms/dingtalk/plugin.ts';
import help from '../handlers/help/index.ts';
import roster from '../handlers/roster/index.ts';
import checkin from '../handlers/checkin/index.ts';
import campaign from '../handlers/campaign/index.ts';
import progress from '../handlers/progress/index.ts';
import leave from '../handlers/leave/index.ts';
import feedback from '../handlers/feedback/index.ts';
import ledger from '../handlers/ledger/index.ts';
import groups from '../handlers/groups/index.ts';
import calendar from '../handlers/calendar/index.ts';
import reminders from '../handlers/reminders/index.ts';
import circular from '../handlers/circular/index.ts';
import inspection from '../handlers/inspection/index.ts';
import delivery from '../handlers/delivery/index.ts';
import exportsFeature from '../handlers/exports/index.ts';
import reports from '../handlers/reports/index.ts';
import cases from '../handlers/cases/index.ts';
import survey from '../handlers/survey/index.ts';
import review from '../handlers/review/index.ts';
import consoleFeature from '../handlers/console/index.ts';
import jobs from '../jobs/index.ts';

/** In help order. */
export const FEATURES: Feature[] = [
  help, roster, checkin, campaign, review, progress, leave, feedback, ledger, inspection, cases, survey, groups, calendar, reminders, circular, delivery, exportsFeature, reports, consoleFeature, jobs,
];

/** In sender-preference order: a platform is its folder plus one line here. */
export const PLATFORMS: PlatformPlugin[] = [wecomPlatform, dingtalkPlatform];
