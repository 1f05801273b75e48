// The console's pages. A page is one file here and one entry below: its path under /console/,
// its title in the menu, who sees it (roles; the API checks again), and whether it is in the menu
// (a page reached only by links, e.g. one unit's people, is not). Pages still to come are listed
// as `planned`: numbers link to them, and they say where the same list is in chat meanwhile.
import type { Component } from 'vue';
import { DataAnalysis, OfficeBuilding, User, ChatDotRound, Tickets } from '@element-plus/icons-vue';
import { Document } from '@element-plus/icons-vue';
import { Postcard, Promotion } from '@element-plus/icons-vue';
import { Flag, Download } from '@element-plus/icons-vue';
import { Search, Trophy } from '@element-plus/icons-vue';
import { Histogram } from '@element-plus/icons-vue';

export type Role = 'staff' | 'head' | 'leader' | 'admin';

export interface ConsolePage {
  path: string;
  name: string;
  title: string;
  icon?: Component;
  roles: Role[];
  menu: boolean;
  component: () => Promise<unknown>;
  /** A page not built yet: what to do in chat meanwhile. */
  planned?: string;
  /** For a page outside the menu: the menu entry it belongs under (staff's differs: their 我的). */
  parent?: string;
  staffParent?: string;
  /** Also open to a unit's 联络员, whatever their role (their unit's reporting: the ledger). */
  liaison?: boolean;
}

/** Whether this person may open the page: by role, or as their unit's 联络员 where the page says so. */
export const mayOpen = (p: ConsolePage, m: { role: Role; liaison?: boolean }) => p.roles.includes(m.role) || (!!p.liaison && !!m.liaison);

const OFFICE: Role[] = ['head', 'leader', 'admin'];
const ALL: Role[] = ['staff', 'head', 'leader', 'admin'];
const planned = () => import('./Planned.vue');

export const PAGES: ConsolePage[] = [
  { path: '', name: 'overview', title: '总览', icon: DataAnalysis, roles: OFFICE, menu: true, component: () => import('./Overview.vue') },
  { path: 'units', name: 'units', title: '单位 / 人员', icon: OfficeBuilding, roles: OFFICE, menu: true, component: () => import('./Units.vue') },
  { path: 'units/:id', name: 'unit', title: '单位人员', roles: OFFICE, menu: false, parent: 'units', component: () => import('./UnitPeople.vue') },
  { path: 'people/:id', name: 'person', title: '人员', roles: ALL, menu: false, parent: 'units', staffParent: 'my', component: () => import('./Person.vue') },
  { path: 'tasks', name: 'tasks', title: '任务与提交', icon: Document, roles: ALL, menu: true, component: () => import('./Tasks.vue') },
  { path: 'my', name: 'my', title: '我的', icon: User, roles: ALL, menu: true, component: () => import('./My.vue') },
  { path: 'feedback', name: 'feedback', title: '意见', icon: ChatDotRound, roles: OFFICE, menu: true, component: () => import('./Feedback.vue') },
  { path: 'ledger', name: 'ledger', title: '整改台账', icon: Tickets, roles: OFFICE, liaison: true, menu: true, component: () => import('./Ledger.vue') },
  { path: 'inspections', name: 'inspections', title: '督查', icon: Search, roles: OFFICE, menu: true, component: () => import('./Inspections.vue') },
  { path: 'surveys', name: 'surveys', title: '测评', icon: Histogram, roles: OFFICE, menu: true, component: () => import('./Surveys.vue') },
  { path: 'cases', name: 'cases', title: '案例与制度', icon: Trophy, roles: ALL, menu: true, component: () => import('./Cases.vue') },
  { path: 'circulars', name: 'circulars', title: '通报', icon: Promotion, roles: OFFICE, menu: true, component: () => import('./Circulars.vue') },
  { path: 'campaigns', name: 'campaigns', title: '活动与阶段', icon: Flag, roles: OFFICE, menu: true, component: () => import('./Campaigns.vue') },
  { path: 'roster', name: 'roster', title: '名单', icon: Postcard, roles: ['admin'], menu: true, component: () => import('./Roster.vue') },
  { path: 'exports', name: 'exports', title: '导出', icon: Download, roles: OFFICE, menu: true, component: () => import('./Exports.vue') },
];

/** The first page a person lands on: 总览 for the office, 我的 for staff. */
export const homeFor = (role: Role) => (role === 'staff' ? 'my' : 'overview');
