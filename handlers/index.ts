// Every chat command, one file each. The registry generates help from these declarations.
import help from './help.ts';
import bind from './bind.ts';
import { bindAdminCommands } from './bind-admin.ts';
import checkin from './checkin.ts';
import makeup from './makeup.ts';
import undo from './undo.ts';
import submit from './submit.ts';
import me from './me.ts';
import unit from './unit-report.ts';
import notCheckedIn from './not-checked-in.ts';
import groupStudy from './group-study.ts';
import phaseList from './phase-list.ts';
import checkinVoid from './checkin-void.ts';
import campaignNew from './campaign-new.ts';
import campaignSet from './campaign-set.ts';
import campaignEnd from './campaign-end.ts';
import phaseOpen from './phase-open.ts';
import phaseEnd from './phase-end.ts';
import phaseTaskAdd from './phase-task-add.ts';
import phaseReadingAdd from './phase-reading-add.ts';
import memberTransfer from './member-transfer.ts';
import rosterUnbound from './roster-unbound.ts';
import groupSet from './group-set.ts';
import groupList from './group-list.ts';
import { groupWebhookBind, groupWebhookUnbind } from './group-webhook.ts';
import feedback from './feedback.ts';
import feedbackAnonymous from './feedback-anonymous.ts';
import feedbackQuery from './feedback-query.ts';
import feedbackList from './feedback-list.ts';
import feedbackForward from './feedback-forward.ts';
import feedbackAnswer from './feedback-answer.ts';
import feedbackClose from './feedback-close.ts';
import deliveryStatus from './delivery-status.ts';
import { ledgerCommands } from './ledger.ts';
import circularPreview from './circular-preview.ts';
import circularSend from './circular-send.ts';
import circularHistory from './circular-history.ts';
import circularWeights from './circular-weights.ts';
import holidaySet from './holiday-set.ts';
import holidayList from './holiday-list.ts';
import leaveAdd from './leave-add.ts';
import leaveList from './leave-list.ts';
import reminderList from './reminder-list.ts';
import reminderSet from './reminder-set.ts';
import exportCommand from './export.ts';
import type { CommandDef } from '../src/commands/registry.ts';

export const allCommands: CommandDef<any>[] = [
  help, bind, checkin, makeup, undo, submit, me, phaseList, unit, notCheckedIn, groupStudy,
  campaignNew, campaignSet, campaignEnd, phaseOpen, phaseEnd, phaseTaskAdd, phaseReadingAdd,
  checkinVoid, memberTransfer, rosterUnbound, ...bindAdminCommands, groupSet, groupList, groupWebhookBind, groupWebhookUnbind,
  feedback, feedbackAnonymous, feedbackQuery, feedbackList, feedbackForward, feedbackAnswer, feedbackClose,
  deliveryStatus, ...ledgerCommands, holidaySet, holidayList, leaveAdd, leaveList, reminderList, reminderSet,
  circularPreview, circularSend, circularHistory, circularWeights,
  exportCommand,
];
