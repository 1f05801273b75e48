// 群: which group is which unit's or the campaign's, and group robots' webhooks.
import type { Feature } from '../../src/plugin.ts';
import groupSet from './group-set.ts';
import groupList from './group-list.ts';
import { groupWebhookBind, groupWebhookUnbind } from './group-webhook.ts';

export default { name: 'groups', commands: [groupSet, groupList, groupWebhookBind, groupWebhookUnbind] } satisfies Feature;
