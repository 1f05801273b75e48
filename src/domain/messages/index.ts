// Every feature's catalogue in one map: an error code names its feature ('rect.…', 'checkin.…').
import { campaignMessages } from './campaigns.ts';
import { checkinMessages } from './checkins.ts';
import { directoryMessages } from './directory.ts';
import { exportMessages } from './exports.ts';
import { feedbackMessages } from './feedback.ts';
import { holidayMessages } from './holidays.ts';
import { ledgerImportMessages } from './ledger-import.ts';
import { planImportMessages } from './plan-import.ts';
import { progressMessages } from './progress.ts';
import { rectificationMessages } from './rectification.ts';
import { submissionMessages } from './submissions.ts';

export const catalogue = {
  ...campaignMessages,
  ...checkinMessages,
  ...directoryMessages,
  ...exportMessages,
  ...feedbackMessages,
  ...holidayMessages,
  ...ledgerImportMessages,
  ...planImportMessages,
  ...progressMessages,
  ...rectificationMessages,
  ...submissionMessages,
};
export type Catalogue = typeof catalogue;
