import { createRouter, createWebHistory } from 'vue-router';
import { PAGES, homeFor, mayOpen } from './pages/registry';
import { loadMe, session } from './api';

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./pages/Login.vue'), meta: { bare: true } },
    // Back from WeCom's or DingTalk's sign-in page, with its one-time code.
    { path: '/login/:method', name: 'login-platform', component: () => import('./pages/Login.vue'), meta: { bare: true } },
    { path: '/forbidden', name: 'forbidden', component: () => import('./pages/Forbidden.vue') },
    ...PAGES.map((p) => ({ path: `/${p.path}`, name: p.name, component: p.component, meta: { page: p } })),
    { path: '/:rest(.*)*', name: 'missing', component: () => import('./pages/Missing.vue') },
  ],
});

router.beforeEach(async (to) => {
  if (to.name === 'login' || to.name === 'login-platform') return true;
  if (!session.me && !(await loadMe())) return { name: 'login' };
  const page = PAGES.find((p) => p.name === to.name);
  const role = session.me!.member.role;
  if (page && !mayOpen(page, session.me!.member)) {
    // Staff land on 我的; anyone else sees why not.
    if (to.name === 'overview') return { name: homeFor(role) };
    return { name: 'forbidden', query: { from: to.fullPath } };
  }
  return true;
});
