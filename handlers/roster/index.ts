// 名单与绑定: binding, binding approvals, transfers, who is still unbound, each unit's 联络员; the console's 名单 page (http.ts).
import type { Feature } from '../../src/plugin.ts';
import bind from './bind.ts';
import { bindAdminCommands } from './bind-admin.ts';
import memberTransfer from './member-transfer.ts';
import rosterUnbound from './roster-unbound.ts';
import rosterLiaison from './roster-liaison.ts';
import { rosterHttp } from './http.ts';

export default { name: 'roster', commands: [bind, memberTransfer, rosterUnbound, rosterLiaison, ...bindAdminCommands], http: rosterHttp } satisfies Feature;
