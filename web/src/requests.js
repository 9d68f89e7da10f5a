// requests.js - pure helpers of the request pages (issue 8, 民有所呼、我有所应): the
// statuses, what each action asks for, the category tree's leaves, the attribute inputs,
// the clock ("due in", "overdue"), the public place picker's path and the rates' figures.
// No Vue: unit-tested in tests/unit/requests.test.js.

export const STATUSES = ['submitted', 'signed_for', 'in_progress', 'sent_back', 'resolved', 'followed_up', 'closed', 'merged'];
export const OPEN_STATUSES = ['submitted', 'signed_for', 'in_progress', 'sent_back'];
export const STAFF_SOURCES = ['staff_phone', 'staff_visit'];

/* what each action asks for (the API's request_action needs), in the order of the form */
export const ACTION_INPUTS = {
	sign: [],
	start: [],
	resolve: ['reply'],
	follow_up: ['satisfaction', 'comment'],
	close: [],
	send_back: ['reason'],
	reroute: ['note'],
	assign: ['assignee_id'],
	request_extension: ['reason', 'hours'],
	approve_extension: [],
	supervise: ['note'],
	rate: ['satisfaction', 'comment'],
	reopen: ['reason'],
	classify: ['reasonable'],
	merge: ['target_id'],
	comment: ['note'],
};
/* the inputs a form must have before it is sent (the API says so too) */
export const REQUIRED_INPUTS = ['reply', 'reason', 'note', 'satisfaction', 'hours', 'reasonable', 'target_id', 'assignee_id'];

export function actionInputs(action) {
	return ACTION_INPUTS[action] || [];
}

/* the body of POST …/actions from a form's values: only what the action takes */
export function actionBody(action, values) {
	const body = { action };
	for (const k of actionInputs(action)) {
		let v = values[k];
		if (v === undefined || v === null || v === '') continue;
		if (k === 'satisfaction' || k === 'hours') v = Number(v);
		else if (k === 'reasonable') v = v === true || v === 'true';
		else v = String(v).trim();
		if (v === '') continue;
		body[k] = v;
	}
	return body;
}

/* the leaves of the category tree, each with its parent's name: [{ id, name, group, category }] */
export function categoryLeaves(tree) {
	const out = [];
	const walk = (nodes, group) => {
		for (const c of nodes || []) {
			if (c.children && c.children.length) walk(c.children, group ? group + ' › ' + c.name : c.name);
			else out.push({ id: c.id, name: c.name, group: group || '', category: c });
		}
	};
	walk(tree, '');
	return out;
}

/* the leaves grouped for a <select>'s optgroups: [{ group, items }] (top-level leaves in a group of '') */
export function categoryGroups(tree) {
	const groups = [];
	for (const leaf of categoryLeaves(tree)) {
		let g = groups.find((x) => x.group === leaf.group);
		if (!g) groups.push((g = { group: leaf.group, items: [] }));
		g.items.push(leaf);
	}
	return groups;
}

/* the input an attribute of type type takes */
export function attributeControl(type) {
	return (
		{ string: 'text', number: 'number', datetime: 'datetime-local', text: 'textarea', single: 'select', multi: 'checkboxes' }[type] ||
		'text'
	);
}

/* a blank value per attribute (multi: an array) */
export function attributeDefaults(spec) {
	const v = {};
	for (const a of spec || []) v[a.key] = a.type === 'multi' ? [] : '';
	return v;
}

/* the attributes object the API takes: empty ones left out, numbers as numbers, a
 * datetime-local (Beijing time, as typed) as an ISO instant */
export function attributesBody(spec, values) {
	const out = {};
	for (const a of spec || []) {
		const v = values[a.key];
		if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
		if (a.type === 'number') out[a.key] = Number(v);
		else if (a.type === 'datetime') out[a.key] = /[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : new Date(v + (v.length === 16 ? ':00' : '') + '+08:00').toISOString();
		else out[a.key] = v;
	}
	return out;
}

/* minutes from now until iso (negative: past) */
export function minutesUntil(iso, now = Date.now()) {
	return Math.round((Date.parse(iso) - now) / 60000);
}

/* {key, n} for a span of minutes: the i18n key ('request.in_minutes' / _hours / _days) and its number */
export function spanParts(minutes) {
	const m = Math.abs(minutes);
	if (m < 60) return { unit: 'minutes', n: m };
	if (m < 48 * 60) return { unit: 'hours', n: Math.floor(m / 60) };
	return { unit: 'days', n: Math.floor(m / 1440) };
}

/* the deadline that matters now: the response one while not signed for, else the resolution one */
export function currentDeadline(r) {
	if (!OPEN_STATUSES.includes(r.status)) return null;
	if (r.status === 'submitted' && !r.signed_at) return { kind: 'response', at: r.response_due_at };
	return { kind: 'resolution', at: r.resolution_due_at };
}

/* a per mille figure as a per cent text ("93.5%"), or '' for null */
export function permilleText(v) {
	return v === null || v === undefined ? '' : (v / 10).toFixed(1).replace(/\.0$/, '') + '%';
}

/* minutes as hours with one decimal, or '' for null */
export function hoursText(min) {
	return min === null || min === undefined ? '' : (min / 60).toFixed(1);
}

/* the public picker's chosen place: the deepest chosen level */
export function chosenPlace(levels) {
	for (let i = levels.length - 1; i >= 0; i--) if (levels[i].value) return levels[i].items.find((x) => x.id === levels[i].value) || null;
	return null;
}

/* a tracking code as a resident may write it: groups of five (ABCDE-12345) */
export function codeText(code) {
	const c = String(code || '');
	return c.length === 10 ? c.slice(0, 5) + '-' + c.slice(5) : c;
}

/* ---- category admin (CategoriesPage) ---- */

/* the tree as rows in order, each with its depth (0 at the top): [{ depth, category }] */
export function categoryRows(tree, depth = 0, out = []) {
	for (const c of tree || []) {
		out.push({ depth, category: c });
		categoryRows(c.children, depth + 1, out);
	}
	return out;
}

/* a category's attribute spec as editor rows: choices as one text, one per line */
export function specRows(spec) {
	return (spec || []).map((a) => ({
		key: a.key || '',
		label: a.label || '',
		type: a.type || 'string',
		required: !!a.required,
		choices: (a.choices || []).join('\n'),
	}));
}

/* editor rows as the spec the API checks: choices only for single and multi, from the
 * text's non-empty lines (also split on 、 and commas) */
export function specBody(rows) {
	return rows.map((r) => {
		const a = { key: r.key.trim(), label: r.label.trim(), type: r.type, required: !!r.required };
		if (r.type === 'single' || r.type === 'multi')
			a.choices = r.choices
				.split(/[\n,，、]/)
				.map((s) => s.trim())
				.filter(Boolean);
		return a;
	});
}
