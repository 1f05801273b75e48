// 名单与绑定: binding, binding approvals, transfers, who is still unbound.
import type { Feature } from '../../src/plugin.ts';
import bind from './bind.ts';
import { bindAdminCommands } from './bind-admin.ts';
import memberTransfer from './member-transfer.ts';
import rosterUnbound from './roster-unbound.ts';

export default { name: 'roster', commands: [bind, memberTransfer, rosterUnbound, ...bindAdminCommands] } satisfies Feature;
