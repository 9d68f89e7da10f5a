'use strict';
/*
 * check.js - before anything is timed, the peer must answer what cunwu answers.
 *
 *   node bench/peer/check.js --scenarios FILE --cunwu http://127.0.0.1:P1 --peer http://127.0.0.1:P2
 *
 * Each side signs in as each scenario's account (POST /api/v1/session, its cookie). For every
 * path of every GET scenario the two statuses and parsed JSON bodies must be equal; for a
 * POST scenario the first body is sent once to each side and the statuses, and the answers'
 * keys and the types of their values, must be equal (a tracking code is random: only its
 * form, [0-9A-Z]{10}, is compared). The POST scenarios run after every GET, since each side
 * then lists its own new request. Prints the first difference with its JSON path; exit 0
 * only if every comparison holds. One figure ages with the clock: the cockpit's overdue
 * requests, counted by each side at its own moment (a county's first cockpit takes a second
 * or more), may differ by a few deadlines passed in between (OVERDUE_SLACK). A cockpit that
 * gives a figure late (counted again off the request after a write, docs/internals/http.md)
 * is asked again until it gives none.
 */
const fs = require('node:fs');

function args(argv) {
	const o = {};
	for (let i = 0; i < argv.length; i += 2) {
		const k = argv[i], v = argv[i + 1];
		if (!['--scenarios', '--cunwu', '--peer'].includes(k) || v === undefined) usage();
		o[k.slice(2)] = v.replace(/\/+$/, '');
	}
	if (!o.scenarios || !o.cunwu || !o.peer) usage();
	return o;
}

function usage() {
	process.stderr.write('usage: check.js --scenarios FILE --cunwu http://HOST:PORT --peer http://HOST:PORT\n');
	process.exit(2);
}

/* the first difference of a and b as "path: what", or null */
function diff(a, b, path) {
	const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
	if (kind(a) !== kind(b)) return `${path}: cunwu has ${kind(a)} ${short(a)}, the peer ${kind(b)} ${short(b)}`;
	if (kind(a) === 'array') {
		for (let i = 0; i < Math.min(a.length, b.length); i++) {
			const d = diff(a[i], b[i], `${path}[${i}]`);
			if (d) return d;
		}
		return a.length === b.length ? null : `${path}: cunwu has ${a.length} items, the peer ${b.length}`;
	}
	if (kind(a) === 'object') {
		for (const k of Object.keys(a)) {
			if (!(k in b)) return `${path}.${k}: only cunwu has it (${short(a[k])})`;
			const d = diff(a[k], b[k], `${path}.${k}`);
			if (d) return d;
		}
		for (const k of Object.keys(b)) if (!(k in a)) return `${path}.${k}: only the peer has it (${short(b[k])})`;
		return null;
	}
	return a === b ? null : `${path}: cunwu has ${short(a)}, the peer ${short(b)}`;
}

const OVERDUE_SLACK = 10;

/* b's overdue figures made a's where they differ by deadlines passed between the answers */
function clockTolerant(a, b) {
	const tiles = (x) => (x && Array.isArray(x.tiles) ? x.tiles : []);
	const near = (x, y) => typeof x === 'number' && typeof y === 'number' && Math.abs(x - y) <= OVERDUE_SLACK;
	for (const ta of tiles(a)) {
		const tb = tiles(b).find((t) => t.key === ta.key);
		if (ta.key !== 'requests.overdue' || !tb) continue;
		if (near(ta.value, tb.value)) tb.value = ta.value;
		for (const ca of ta.children || []) {
			const cb = (tb.children || []).find((c) => c.place_id === ca.place_id);
			if (cb && near(ca.value, cb.value)) cb.value = ca.value;
		}
	}
}

function late(x) {
	return !!(x && Array.isArray(x.tiles) && x.tiles.some((t) => t && t.late));
}

/* the same keys with values of the same types (a POST's answer: ids and codes differ) */
function shape(a, b, path) {
	const kind = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
	if (kind(a) !== kind(b)) return `${path}: cunwu has ${kind(a)}, the peer ${kind(b)}`;
	if (kind(a) !== 'object') return null;
	for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
		if (!(k in a) || !(k in b)) return `${path}.${k}: only ${k in a ? 'cunwu' : 'the peer'} has it`;
		const d = shape(a[k], b[k], `${path}.${k}`);
		if (d) return d;
	}
	return null;
}

function short(v) {
	const s = JSON.stringify(v);
	return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

async function call(base, method, path, cookie, body) {
	const headers = { Accept: 'application/json' };
	if (cookie) headers.Cookie = cookie;
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = { 'not JSON': text.slice(0, 200) };
	}
	return { status: res.status, json, headers: res.headers };
}

/* the session cookie of login on base */
async function signIn(base, login, password, cache) {
	const key = `${base} ${login}`;
	if (cache.has(key)) return cache.get(key);
	const r = await call(base, 'POST', '/api/v1/session', null, { login, password });
	const set = r.headers.get('set-cookie') || '';
	const m = /cunwu_session=([^;]+)/.exec(set);
	if (r.status !== 200 || !m) throw new Error(`${base}: signing in as ${login}: ${r.status} ${short(r.json)}`);
	const cookie = `cunwu_session=${m[1]}`;
	cache.set(key, cookie);
	return cookie;
}

async function main() {
	const o = args(process.argv.slice(2));
	const doc = JSON.parse(fs.readFileSync(o.scenarios, 'utf8'));
	const cookies = new Map();
	let compared = 0, failed = 0;
	const fail = (what, d) => {
		failed++;
		if (failed === 1) process.stdout.write(`FAIL ${what}\n  ${d}\n`);
	};
	/* the reads first: a write changes what each side lists next (its own new request) */
	const isGet = (s) => (s.method || 'GET') === 'GET';
	const order = [...doc.scenarios.filter(isGet), ...doc.scenarios.filter((s) => !isGet(s))];
	for (const s of order) {
		const sides = {};
		for (const [name, base] of [['cunwu', o.cunwu], ['peer', o.peer]])
			sides[name] = s.login ? await signIn(base, s.login, s.password, cookies) : null;
		if (isGet(s)) {
			for (const p of s.paths) {
				let [a, b] = await Promise.all([call(o.cunwu, 'GET', p, sides.cunwu), call(o.peer, 'GET', p, sides.peer)]);
				/* a cockpit figure given late (being counted again off the request): asked
				 * again, both sides, until cunwu's are all counted */
				for (let i = 0; i < 300 && late(a.json); i++) {
					await new Promise((done) => setTimeout(done, 200));
					[a, b] = await Promise.all([call(o.cunwu, 'GET', p, sides.cunwu), call(o.peer, 'GET', p, sides.peer)]);
				}
				compared++;
				clockTolerant(a.json, b.json);
				const d = a.status !== b.status ? `status: cunwu ${a.status}, the peer ${b.status} (${short(b.json)})`
					: diff(a.json, b.json, '$');
				if (d) fail(`${s.name} GET ${p}`, d);
				else if (a.status >= 400) process.stdout.write(`note ${s.name} GET ${p}: both ${a.status}\n`);
			}
		} else {
			const body = (s.bodies || [{}])[0];
			const p = s.paths[0];
			const a = await call(o.cunwu, s.method, p, sides.cunwu, body);
			const b = await call(o.peer, s.method, p, sides.peer, body);
			compared++;
			let d = a.status !== b.status ? `status: cunwu ${a.status} (${short(a.json)}), the peer ${b.status} (${short(b.json)})`
				: shape(a.json, b.json, '$');
			for (const [who, r] of [['cunwu', a], ['the peer', b]])
				if (!d && r.json && 'tracking_code' in r.json && !/^[0-9A-HJKMNP-TV-Z]{10}$/.test(r.json.tracking_code))
					d = `$.tracking_code: ${who} answered ${short(r.json.tracking_code)}, not 10 Crockford characters`;
			if (d) fail(`${s.name} ${s.method} ${p}`, d);
		}
	}
	process.stdout.write(`${compared - failed} passed, ${failed} failed\n`);
	process.exit(failed ? 1 : 0);
}

main().catch((err) => {
	process.stderr.write(`check.js: ${err.message}\n`);
	process.exit(1);
});
