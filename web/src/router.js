// router.js - history-mode routes: /login, the signed-in layout with every module's pages
// (modules.js), and a not-found page. The guard loads the session and the current place.
import { createRouter, createWebHistory } from 'vue-router';
import { moduleRoutes } from './modules.js';
import { loadSession, session } from './session.js';
import { initPlace, place } from './place.js';
import { publicPages } from './publicroutes.js';

export const routes = [
	{
		path: '/login',
		name: 'login',
		component: () => import('./pages/LoginPage.vue'),
		meta: { public: true, title: 'login.title' },
	},
	// the second factor: enrol or see it; outside the layout, whose calls an administrator's
	// session that may only enrol would be refused (403 auth.totp_enrol)
	{
		path: '/account/totp',
		name: 'totp',
		component: () => import('./pages/TotpPage.vue'),
		meta: { title: 'totp.title' },
	},
	{
		path: '/',
		component: () => import('./components/AppLayout.vue'),
		children: moduleRoutes,
	},
	// the public form and tracking page of requests: no account, phones first
	...publicPages,
	{
		path: '/:rest(.*)*',
		name: 'not-found',
		component: () => import('./pages/NotFoundPage.vue'),
		meta: { public: true, title: 'notfound.title' },
	},
];

export const router = createRouter({
	history: createWebHistory(),
	routes,
	scrollBehavior: (to, from, saved) => saved || { top: 0 },
});

/* a `next` that stays in the console: a path, never another origin */
export function safeNext(next) {
	return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

router.beforeEach(async (to) => {
	if (to.meta.public) {
		if (to.name !== 'login') return true;
		// signed in already: on to where they were going
		const user = await loadSession().catch(() => null);
		return user ? safeNext(to.query.next) : true;
	}
	let user;
	try {
		user = await loadSession();
	} catch (_) {
		// no answer: let the layout show the failure rather than a blank login
		return true;
	}
	if (!user) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
	if (session.totpEnrol) return to.name === 'totp' ? true : { name: 'totp', query: { next: to.fullPath } };
	if (!place.ready) await initPlace().catch(() => {});
	return true;
});
