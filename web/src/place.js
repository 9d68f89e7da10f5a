// place.js - the current place (镇, 村 …) every page works on, and the breadcrumb to it.
//
// The places a user may see are the subtrees of their grants: `roots` are the grants'
// places (one inside another is dropped). The current place is remembered per user in
// localStorage and defaults to the highest root.
import { reactive } from 'vue';
import { api } from './api.js';
import { session } from './session.js';
import { grantsCover } from './people.js';

export const place = reactive({
	current: null, // a row of GET /api/v1/places/:id
	trail: [], // rows from the root the current place lies in down to it
	roots: [], // rows of the grants' places
	ready: false,
});

const cache = new Map(); // id -> row

function storeKey() {
	return session.user ? 'cunwu.place.' + session.user.id : 'cunwu.place';
}

/* One place row (cached); null when the caller may not see it. */
export async function getPlace(id) {
	if (cache.has(id)) return cache.get(id);
	try {
		const row = await api.get('/api/v1/places/' + encodeURIComponent(id));
		cache.set(id, row);
		return row;
	} catch (err) {
		if (err.status === 403 || err.status === 404) return null;
		throw err;
	}
}

/* Remember rows seen in a list, so that the breadcrumb needs no further calls. */
export function remember(rows) {
	for (const r of rows || []) if (r && r.id && r.path) cache.set(r.id, r);
}

/* ids on a materialized path '/14…/1404…/' */
export function pathIds(path) {
	return String(path || '').split('/').filter(Boolean);
}

async function loadRoots() {
	const ids = [...new Set(session.grants.map((g) => g.place_id))];
	const rows = (await Promise.all(ids.map((id) => getPlace(id).catch(() => null)))).filter(Boolean);
	// a grant's place inside another grant's place adds nothing
	const roots = rows.filter((r) => !rows.some((o) => o !== r && r.path.startsWith(o.path)));
	roots.sort((a, b) => a.depth - b.depth || a.code.localeCompare(b.code));
	place.roots = roots;
}

function rootOf(row) {
	return place.roots.find((r) => row.path.startsWith(r.path)) || null;
}

async function trailTo(row) {
	const root = rootOf(row);
	if (!root) return [row];
	const ids = pathIds(row.path).slice(pathIds(root.path).length - 1);
	const rows = await Promise.all(ids.map((id) => getPlace(id)));
	return rows.filter(Boolean);
}

/* Make a place current (a row or an id); ignored when outside the user's places. */
export async function setPlace(p) {
	const row = typeof p === 'string' ? await getPlace(p) : p;
	if (!row || !rootOf(row)) return false;
	if (row.path) cache.set(row.id, row);
	place.trail = await trailTo(row);
	place.current = row;
	try {
		localStorage.setItem(storeKey(), row.id);
	} catch (_) {
		/* storage may be off */
	}
	return true;
}

/* After sign-in: roots, then the remembered place or the highest root. */
export async function initPlace() {
	place.ready = false;
	cache.clear();
	await loadRoots();
	let saved = null;
	try {
		saved = localStorage.getItem(storeKey());
	} catch (_) {
		/* storage may be off */
	}
	if (!(saved && (await setPlace(saved).catch(() => false)))) {
		if (place.roots.length) await setPlace(place.roots[0]);
		else {
			place.current = null;
			place.trail = [];
		}
	}
	place.ready = true;
}

export function resetPlace() {
	place.current = null;
	place.trail = [];
	place.roots = [];
	place.ready = false;
	cache.clear();
}

/*
 * Whether some grant of the user carries perm over the place placeId (inside the grant's
 * subtree). A courtesy for hiding buttons: the server decides over each place.
 */
export async function canAt(perm, placeId) {
	if (!placeId) return false;
	const target = await getPlace(placeId).catch(() => null);
	if (!target) return false;
	const ids = [...new Set(session.grants.filter((g) => (g.perms || []).includes(perm)).map((g) => g.place_id))];
	const rows = (await Promise.all(ids.map((id) => getPlace(id).catch(() => null)))).filter(Boolean);
	const paths = new Map(rows.map((r) => [r.id, r.path]));
	return grantsCover(session.grants, perm, target.path, (id) => paths.get(id));
}
