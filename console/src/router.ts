import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { session } from './session';

type Role = 'platform_admin' | 'auditor' | 'dept_admin' | 'dept_operator';
const DEPT: Role[] = ['dept_admin', 'dept_operator'];
const ADMIN: Role[] = ['platform_admin'];

// Every page is loaded when first visited (its own chunk): the first load carries only the
// shell, the sign-in page and what they share.
const pages: (RouteRecordRaw & { meta: { roles: Role[]; title: string; menu?: string } })[] = [
  { path: 'resources', name: 'my-resources', component: () => import('./views/MyResourcesView.vue'), meta: { roles: DEPT, title: '本部门资源目录', menu: '目录编制' } },
  { path: 'resources/new', name: 'resource-new', component: () => import('./views/ResourceEditView.vue'), meta: { roles: DEPT, title: '编制资源' } },
  { path: 'resources/:id/edit', name: 'resource-edit', component: () => import('./views/ResourceEditView.vue'), meta: { roles: DEPT, title: '编辑资源' } },
  { path: 'catalog', name: 'catalog', component: () => import('./views/CatalogView.vue'), meta: { roles: [...DEPT, 'platform_admin', 'auditor'], title: '资源目录', menu: '共享申请' } },
  { path: 'catalog/:id/apply', name: 'apply', component: () => import('./views/ApplyView.vue'), meta: { roles: DEPT, title: '申请使用资源' } },
  { path: 'applications', name: 'applications', component: () => import('./views/ApplicationsView.vue'), meta: { roles: [...DEPT, 'platform_admin', 'auditor'], title: '我的申请', menu: '共享申请' } },
  { path: 'applications/:id', name: 'application', component: () => import('./views/ApplicationView.vue'), meta: { roles: [...DEPT, 'platform_admin', 'auditor'], title: '申请详情' } },
  { path: 'inbox', name: 'inbox', component: () => import('./views/InboxView.vue'), meta: { roles: DEPT, title: '待我审批', menu: '共享申请' } },
  { path: 'systems', name: 'systems', component: () => import('./views/SystemsView.vue'), meta: { roles: DEPT, title: '应用系统与密钥', menu: '系统与数据' } },
  { path: 'records', name: 'records', component: () => import('./views/RecordsLoadView.vue'), meta: { roles: DEPT, title: '数据装载', menu: '系统与数据' } },
  { path: 'review/applications', name: 'review-applications', component: () => import('./views/ReviewQueueView.vue'), meta: { roles: ADMIN, title: '申请审核队列', menu: '审核' } },
  { path: 'review/resources', name: 'review-resources', component: () => import('./views/CatalogReviewView.vue'), meta: { roles: ADMIN, title: '目录审核', menu: '审核' } },
  { path: 'departments', name: 'departments', component: () => import('./views/DepartmentsView.vue'), meta: { roles: ['platform_admin', 'auditor'], title: '部门管理', menu: '平台管理' } },
  { path: 'users', name: 'users', component: () => import('./views/UsersView.vue'), meta: { roles: ['platform_admin', 'dept_admin', 'auditor'], title: '用户管理', menu: '平台管理' } },
  { path: 'calendar', name: 'calendar', component: () => import('./views/CalendarView.vue'), meta: { roles: ADMIN, title: '节假日日历', menu: '平台管理' } },
  { path: 'dead-letters', name: 'dead-letters', component: () => import('./views/DeadLettersView.vue'), meta: { roles: ['platform_admin', 'auditor'], title: '死信与重投', menu: '平台管理' } },
  { path: 'objections', name: 'objections', component: () => import('./views/ObjectionsView.vue'), meta: { roles: [...DEPT, 'platform_admin', 'auditor'], title: '数据纠错', menu: '数据质量' } },
  { path: 'discrepancies', name: 'discrepancies', component: () => import('./views/DiscrepanciesView.vue'), meta: { roles: [...DEPT, 'platform_admin', 'auditor'], title: '一数一源校核', menu: '数据质量' } },
  { path: 'audit/events', name: 'audit-events', component: () => import('./views/AuditEventsView.vue'), meta: { roles: ['auditor', 'platform_admin'], title: '审计日志查询', menu: '审计监督' } },
  { path: 'audit/tree', name: 'audit-tree', component: () => import('./views/AuditTreeView.vue'), meta: { roles: ['auditor', 'platform_admin'], title: '日志树头与校验', menu: '审计监督' } },
  { path: 'supervision', name: 'supervision', component: () => import('./views/SupervisionView.vue'), meta: { roles: ['auditor', 'platform_admin'], title: '效能监督', menu: '审计监督' } },
  { path: 'supervision/cases', name: 'supervision-cases', component: () => import('./views/SupervisionCasesView.vue'), meta: { roles: ['platform_admin', 'auditor'], title: '督办案件', menu: '审计监督' } },
];

export const menuPages = pages.filter((p) => p.meta.menu);

/** Where a role lands after signing in. */
export function homeOf(role: string | undefined): string {
  if (role === 'platform_admin') return '/review/applications';
  if (role === 'auditor') return '/applications';
  return '/applications';
}

export const router = createRouter({
  history: createWebHistory('/console/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { title: '登录' } },
    // Citizens and companies (data subjects), signed in at the identity provider: outside the
    // department console's layout and menus.
    { path: '/citizen/login', name: 'citizen-login', component: () => import('./views/CitizenLoginView.vue'), meta: { title: '个人/企业登录', public: true } },
    { path: '/citizen/callback', name: 'citizen-callback', component: () => import('./views/CitizenLoginView.vue'), meta: { title: '个人/企业登录', public: true } },
    { path: '/citizen/access-log', name: 'citizen-access-log', component: () => import('./views/AccessLogView.vue'), meta: { title: '谁查询了我的数据', subject: true } },
    { path: '/', component: () => import('./layouts/ConsoleLayout.vue'), children: [{ path: '', redirect: () => homeOf(session.current?.me.role) }, ...pages] },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
});

router.beforeEach((to) => {
  if (to.name === 'login' || to.meta.public) return true;
  if (to.meta.subject) return session.subject ? true : { name: 'citizen-login' };
  if (!session.current) return { name: 'login', query: { redirect: to.fullPath } };
  const roles = (to.meta as { roles?: string[] }).roles;
  if (roles && !roles.includes(session.current.me.role)) return homeOf(session.current.me.role);
  return true;
});

router.afterEach((to) => {
  document.title = `${(to.meta as { title?: string }).title ?? '管理门户'} · 政务数据共享交换平台`;
});
