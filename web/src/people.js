// people.js - the pure rules of the people pages (no Vue: unit-tested under plain Node):
// the values the API takes (statuses, relations, kinds, tag sources), what a search text
// will be searched as, the list query sent for the URL's state, ages and dates, the lines
// of a person's history, and whether a grant covers a place.
//
// The API decides everything; these only let a page say in advance what it will do.

export const PERSON_STATUSES = ['present', 'away', 'moved_out', 'deceased'];
export const RELATIONS = ['head', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'child_in_law', 'other'];
export const SEXES = ['M', 'F'];
export const ID_KINDS = ['resident', 'resident15', 'hkmo_permit', 'tw_permit', 'foreign_pr', 'passport'];
export const HOUSEHOLD_KINDS = ['registered', 'resident'];
export const HOUSEHOLD_STATUSES = ['active', 'dissolved'];
export const ORG_KINDS = ['shop', 'enterprise', 'cooperative', 'nine_small', 'institution', 'social_org', 'individual', 'other'];
export const TAG_SOURCES = ['hand', 'import:civil_affairs', 'import:disability', 'import:police', 'import:other'];
/* the kinds of physical place a household or an organization may be at (src/people/db.c) */
export const HOME_KINDS = ['village', 'community', 'natural_village', 'group', 'compound', 'building', 'unit', 'dwelling'];
/* a move's new status: moved out, deceased, away, back (present) */
export const MOVE_STATUSES = ['moved_out', 'deceased', 'away', 'present'];
/* how long a revealed ID number or phone stays on the screen */
export const REVEAL_SECONDS = 60;

const Q_MAX_BYTES = 64;

function byteLength(s) {
	return new TextEncoder().encode(s).length;
}

/*
 * What GET /api/v1/people?q= will search a text as (src/people/http.c, search_text):
 * 'none' (empty), 'too_long' (over 64 bytes), 'id' (an identity number, exactly), 'phone'
 * (a mobile or landline, exactly), 'pinyin' (initials or the start of the full pinyin), or
 * 'name' (characters of the name).
 */
export function searchKind(q) {
	const s = String(q == null ? '' : q).trim();
	if (!s) return 'none';
	if (byteLength(s) > Q_MAX_BYTES) return 'too_long';
	if (s.length >= 7 && /^[0-9Xx\- +]+$/.test(s)) {
		const d = s.replace(/[ -]/g, '');
		const phone = (d.length === 11 && d[0] === '1') || d[0] === '0' || d[0] === '+';
		return !phone && d.length >= 15 ? 'id' : 'phone';
	}
	if (/^[A-Za-z]+$/.test(s)) return 'pinyin';
	return 'name';
}

/*
 * The query of GET /api/v1/people for a list page's state: the filters that are set, the
 * place chosen (else the current place), paging and sort. Empty values are left out.
 */
export function peopleQuery(state, currentPlaceId, pageSize = 50) {
	const q = {
		q: (state.q || '').trim(),
		tag: state.tag || '',
		status: state.status || '',
		sex: state.sex || '',
		age_min: state.age_min == null ? '' : String(state.age_min).trim(),
		age_max: state.age_max == null ? '' : String(state.age_max).trim(),
		place: state.place || currentPlaceId || '',
		sort: state.sort || 'name',
		page: state.page || 1,
		page_size: pageSize,
	};
	for (const k of Object.keys(q)) if (q[k] === '' || q[k] == null) delete q[k];
	return q;
}

/*
 * An age range's problem, as an i18n key ('' when fine): each bound a whole number 0–150,
 * the lower not above the upper.
 */
export function ageRangeError(min, max) {
	const a = String(min == null ? '' : min).trim();
	const b = String(max == null ? '' : max).trim();
	for (const v of [a, b]) if (v !== '' && !(/^\d{1,3}$/.test(v) && Number(v) <= 150)) return 'people.age';
	if (a !== '' && b !== '' && Number(a) > Number(b)) return 'persons.age_order';
	return '';
}

/* Today's civil date in Asia/Shanghai ("YYYY-MM-DD"), as the API counts ages and dates. */
export function todayShanghai(now = Date.now()) {
	return new Date(now + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

/*
 * The i18n key of a tag's source: 'hand' -> 'tag.source.hand',
 * 'import:civil_affairs' -> 'tag.source.import_civil_affairs'.
 */
export function tagSourceKey(source) {
	return 'tag.source.' + String(source || '').replace(/[^a-z0-9_]/gi, '_');
}

/*
 * The lines of a person's history (GET /api/v1/people/:id, `history`, newest first): each
 * { key, date, reason, at, from, to, fromStatus, toStatus, moved, statusChanged } where key
 * is the i18n key of the line: 'history.moved' (to another household), 'history.moved_status'
 * (both), 'history.status' (a change of status only), 'history.recorded' (neither).
 */
export function historyLines(history) {
	return (history || []).map((h) => {
		const moved = !!(h.to_household_id && h.from_household_id && h.to_household_id !== h.from_household_id);
		const statusChanged = !!(h.to_status && h.from_status !== h.to_status);
		const key = moved && statusChanged ? 'history.moved_status' : moved ? 'history.moved' : statusChanged ? 'history.status' : 'history.recorded';
		return {
			key,
			date: h.on_date,
			reason: h.reason || '',
			at: h.created_at,
			from: h.from_household_id || null,
			to: h.to_household_id || null,
			fromStatus: h.from_status || null,
			toStatus: h.to_status || null,
			moved,
			statusChanged,
		};
	});
}

/* The household ids a history names (to show their addresses), each once. */
export function historyHouseholds(history) {
	const ids = new Set();
	for (const h of history || []) {
		if (h.from_household_id) ids.add(h.from_household_id);
		if (h.to_household_id) ids.add(h.to_household_id);
	}
	return [...ids];
}

/*
 * Whether some grant carries perm over the place at path: grants are GET /api/v1/me's
 * ({ place_id, perms }), pathOf(place_id) gives a grant's place path ('/14…/…/'). The
 * server still decides; this only hides what would be refused.
 */
export function grantsCover(grants, perm, path, pathOf) {
	if (!path) return false;
	return (grants || []).some((g) => {
		if (!(g.perms || []).includes(perm)) return false;
		const gp = pathOf(g.place_id);
		return !!gp && path.startsWith(gp);
	});
}

/* Seconds left until `until` (ms), never below 0. */
export function secondsLeft(until, now = Date.now()) {
	return Math.max(0, Math.ceil((until - now) / 1000));
}

/*
 * The tags that may be added to a row: those of the catalogue (GET /api/v1/tags) for this
 * kind of row ('person' or 'household'), not derived by a rule, not set already.
 */
export function addableTags(catalogue, appliesTo, current) {
	const have = new Set((current || []).map((x) => x.id));
	return (catalogue || []).filter((x) => x.applies_to === appliesTo && !x.derived && !have.has(x.id));
}

/*
 * The changed fields of a form against the row, for a PATCH: strings trimmed, '' sent as
 * null for the nullable ones, secrets (id_no, phone) only when typed.
 */
export function changedFields(form, row, { nullable = [], secret = [] } = {}) {
	const out = {};
	for (const [k, raw] of Object.entries(form)) {
		const v = typeof raw === 'string' ? raw.trim() : raw;
		if (secret.includes(k)) {
			if (v) out[k] = v;
			continue;
		}
		const cur = row[k] == null ? '' : row[k];
		if (v === cur) continue;
		out[k] = v === '' && nullable.includes(k) ? null : v;
	}
	return out;
}
