// session.js - who is signed in (GET /api/v1/me), what they may do, and their language.
//
// One reactive object shared by every page. `can(perm)` answers from the grants' permissions
// (the server still decides over each place); the CSRF token goes to the API client.
import { reactive } from 'vue';
import { api } from './api.js';
import { locale, setLocale } from './i18n/index.js';

export const session = reactive({
	user: null, // the row of GET /api/v1/me
	grants: [], // { id, role_id, role_name, place_id, place_name, perms }
	loaded: false,
	totp: 'off', // the second factor: 'off', 'pending' or 'active'
	totpEnrol: false, // an administrator without one: this session may only enrol (/account/totp)
});

let pending = null;

function take(me) {
	session.user = me.user;
	session.grants = me.grants || [];
	session.loaded = true;
	session.totp = me.totp || 'off';
	session.totpEnrol = !!me.totp_enrol;
	if (me.csrf_token) api.setCsrf(me.csrf_token);
	const lang = me.user && me.user.lang;
	if (lang && lang !== locale.value) setLocale(lang);
}

/* Load /api/v1/me once (again with force); resolves to the user or null when signed out. */
export function loadSession(force = false) {
	if (session.loaded && !force) return Promise.resolve(session.user);
	if (pending && !force) return pending;
	// anonymous: a 401 here answers "signed out", it is not a session lost on a page
	pending = api
		.get('/api/v1/me', { anonymous: true })
		.then((me) => {
			take(me);
			return session.user;
		})
		.catch((err) => {
			if (err.status === 401) {
				clear();
				session.loaded = true;
				return null;
			}
			throw err;
		})
		.finally(() => {
			pending = null;
		});
	return pending;
}

export function clear() {
	session.user = null;
	session.grants = [];
	session.loaded = false;
	session.totp = 'off';
	session.totpEnrol = false;
	api.setCsrf(null);
}

/* POST /api/v1/session, then /me for the grants. Throws ApiError (auth.login_failed, 429,
 * auth.totp_required: ask for the code of the second factor and call again with it...). */
export async function signIn(login, password, code) {
	const body = code ? { login, password, code } : { login, password };
	const r = await api.post('/api/v1/session', body, { anonymous: true });
	if (r && r.csrf_token) api.setCsrf(r.csrf_token);
	await loadSession(true);
	// the server knows no language for this user yet: keep the one chosen on the login page
	if (session.user && !session.user.lang && locale.value !== 'zh-CN') saveLang(locale.value, true);
}

export async function signOut() {
	try {
		await api.del('/api/v1/session');
	} finally {
		clear();
	}
}

/* Any grant carries perm */
export function can(perm) {
	return session.grants.some((g) => (g.perms || []).includes(perm));
}

/*
 * The language of this user: applied now, kept in this browser, and stored on the server
 * (PATCH /api/v1/me {lang}). A server without that route (404, 405) or without the field
 * (400 json.unknown_field) is tolerated: localStorage is the fallback.
 */
export async function saveLang(l, quiet = false) {
	setLocale(l);
	if (!session.user) return;
	try {
		const me = await api.patch('/api/v1/me', { lang: l });
		const user = me && me.user ? me.user : me;
		if (user && user.id === session.user.id) session.user = { ...session.user, ...user, lang: l };
		else session.user.lang = l;
	} catch (err) {
		if (quiet || [400, 404, 405, 501].includes(err.status)) return;
		throw err;
	}
}
