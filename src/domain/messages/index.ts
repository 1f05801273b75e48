// Every feature's catalogue in one map: an error code names its feature ('rect.…', 'checkin.…').
import { campaignMessages } from './campaigns.ts';
import { caseMessages } from './cases.ts';
import { checkinMessages } from './checkins.ts';
import { directoryMessages } from './directory.ts';
import { exportMessages } from './exports.ts';
import { feedbackMessages } from './feedback.ts';
import { holidayMessages } from './holidays.ts';
import { inspectionMessages } from './inspections.ts';
import { ledgerImportMessages } from './ledger-import.ts';
import { problemListMessages } from './problem-lists.ts';
import { planImportMessages } from './plan-import.ts';
import { progressMessages } from './progress.ts';
import { rectificationMessages } from './rectification.ts';
import { reportMessages } from './reports.ts';
import { submissionMessages } from './submissions.ts';
import { surveyMessages } from './surveys.ts';

export const catalogue = {
  ...campaignMessages,
  ...caseMessages,
  ...checkinMessages,
  ...directoryMessages,
  ...exportMessages,
  ...feedbackMessages,
  ...holidayMessages,
  ...inspectionMessages,
  ...ledgerImportMessages,
  ...problemListMessages,
  ...planImportMessages,
  ...progressMessages,
  ...rectificationMessages,
  ...reportMessages,
  ...submissionMessages,
  ...surveyMessages,
};
export type Catalogue = typeof catalogue;
