'use strict';
/*
 * server.js - issue 9's peer: the six benchmark scenarios (S1-S6) and the login they need,
 * written as a Node team would write them: fastify 5, better-sqlite3 12, node:cluster with
 * two workers, every statement prepared once and kept, JSON by JSON.stringify. It reads and
 * writes cunwu's own SQLite file with cunwu's PRAGMAs, and answers what cunwu answers (the
 * same status, the same JSON once parsed); bench/peer/check.js compares the two.
 *
 *   node bench/peer/server.js --db FILE --listen 127.0.0.1:PORT [--workers 2] [--ready-file F]
 *        [--set requests.public_per_hour=N]
 *
 * The C it follows, handler by handler: src/core/auth.c and src/accounts/http.c (sessions,
 * grants, scope), src/people/http.c (the people list and name search), src/system/http.c and
 * every module's tile (the cockpit), src/people/diagram.c (a building), src/requests/http.c
 * and db.c (the public list and form), src/core/audit.c (the hash chain).
 */
const cluster = require('node:cluster');
const crypto = require('node:crypto');
const fs = require('node:fs');

/* ---- the command line ---- */

function parseArgs(argv) {
	const o = { workers: 2, set: {} };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i], v = () => {
			if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
			return argv[++i];
		};
		if (a === '--db') o.db = v();
		else if (a === '--listen') o.listen = v();
		else if (a === '--workers') o.workers = parseInt(v(), 10);
		else if (a === '--ready-file') o.ready = v();
		else if (a === '--set') {
			const kv = v(), eq = kv.indexOf('=');
			if (eq < 1) throw new Error(`--set NAME=VALUE, not '${kv}'`);
			o.set[kv.slice(0, eq)] = kv.slice(eq + 1);
		} else throw new Error(`unknown argument '${a}'`);
	}
	if (!o.db || !o.listen) throw new Error('usage: server.js --db FILE --listen HOST:PORT [--workers N] [--ready-file F]');
	if (!(o.workers >= 1)) throw new Error('--workers must be 1 or more');
	return o;
}

let opts;
try {
	opts = parseArgs(process.argv.slice(2));
} catch (err) {
	process.stderr.write(`server.js: ${err.message}\n`);
	process.exit(2);
}

/* cunwu's settings this peer uses: --set, else the environment, else cunwu's default */
function setting(name, env, def) {
	if (opts.set[name] !== undefined) return opts.set[name];
	if (process.env[env] !== undefined) return process.env[env];
	return def;
}
const CFG = {
	idleMinutes: Number(setting('session.idle_minutes', 'CUNWU_SESSION_IDLE_MINUTES', '120')),
	absoluteHours: Number(setting('session.absolute_hours', 'CUNWU_SESSION_ABSOLUTE_HOURS', '12')),
	secureCookie: setting('session.secure_cookie', 'CUNWU_SESSION_SECURE_COOKIE', 'false') === 'true',
	publicPerHour: Number(setting('requests.public_per_hour', 'CUNWU_REQUESTS_PUBLIC_PER_HOUR', '20')),
	consoleUrl: setting('notify.console_url', 'CUNWU_NOTIFY_CONSOLE_URL', ''),
};
/* cunwu's ranges (src/core/config.c): a value cunwu refuses is refused here too */
for (const [k, v, lo, hi] of [['session.idle_minutes', CFG.idleMinutes, 1, 43200],
	['session.absolute_hours', CFG.absoluteHours, 1, 2160], ['requests.public_per_hour', CFG.publicPerHour, 1, 1000000000]])
	if (!Number.isInteger(v) || v < lo || v > hi) {
		process.stderr.write(`server.js: setting '${k}' must be an integer from ${lo} to ${hi}\n`);
		process.exit(2);
	}

/* ---- the primary: forks the workers, writes the ready file when all listen ---- */

if (cluster.isPrimary) {
	const [host, port] = splitListen(opts.listen);
	let listening = 0, addr = null;
	cluster.on('message', (w, m) => {
		if (!m || m.type !== 'listening') return;
		addr = m.addr;
		if (++listening === opts.workers && opts.ready) fs.writeFileSync(opts.ready, addr);
	});
	cluster.on('exit', (w, code, sig) => {
		if (!stopping) {
			process.stderr.write(`server.js: worker ${w.process.pid} died (${sig || code})\n`);
			process.exit(1);
		}
	});
	let stopping = false;
	const stop = () => {
		stopping = true;
		for (const id in cluster.workers) cluster.workers[id].kill('SIGTERM');
		setTimeout(() => process.exit(0), 2000).unref();
		let left = Object.keys(cluster.workers).length;
		if (!left) process.exit(0);
		cluster.on('exit', () => { if (--left === 0) process.exit(0); });
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);
	/* the workers share one listening socket (port 0 too: cluster keys it by the address
	 * asked for, so every worker gets the port the first one was given) */
	for (let i = 0; i < opts.workers; i++) cluster.fork({ PEER_PORT: String(port), PEER_HOST: host });
} else {
	worker().catch((err) => {
		process.stderr.write(`server.js: ${err.stack || err}\n`);
		process.exit(1);
	});
}

function splitListen(s) {
	const i = s.lastIndexOf(':');
	if (i < 0) throw new Error(`--listen HOST:PORT, not '${s}'`);
	return [s.slice(0, i), Number(s.slice(i + 1))];
}

/* ---- the worker ---- */

async function worker() {
	const Database = require('better-sqlite3');
	const sodium = require('libsodium-wrappers-sumo');
	await sodium.ready;
	const fastify = require('fastify')({ logger: false, trustProxy: false, bodyLimit: 1 << 20 });

	if (!fs.existsSync(opts.db)) throw new Error(`no database at '${opts.db}'`);
	const db = new Database(opts.db, { fileMustExist: true, timeout: 5000 });
	/* the same as src/core/db_sqlite.c */
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = FULL');
	db.pragma('foreign_keys = ON');
	db.pragma('temp_store = MEMORY');
	db.pragma('cache_size = -16000');
	/* cunwu's db.mmap_mb, from the environment both servers are started with */
	db.pragma(`mmap_size = ${(Number(process.env.CUNWU_DB_MMAP_MB) || 0) * 1048576}`);
	db.pragma('wal_autocheckpoint = 16000');

	/* Statements: the fixed ones prepared here, the few whose text depends on the caller's
	 * scope (how many subtrees it has) prepared on first use and kept by their text. */
	const stmts = new Map();
	const st = (sql) => {
		let s = stmts.get(sql);
		if (!s) {
			s = db.prepare(sql);
			stmts.set(sql, s);
		}
		return s;
	};

	const S = {
		session: st('SELECT s.user_id, s.csrf, s.seen_at, s.expires_at, u.login, u.disabled FROM sessions s ' +
			'JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?'),
		touch: st('UPDATE sessions SET seen_at = ? WHERE id_hash = ?'),
		sessionDelete: st('DELETE FROM sessions WHERE id_hash = ?'),
		grants: st('SELECT g.id, pl.path, rp.perm FROM grants g JOIN roles ro ON ro.id = g.role_id ' +
			'JOIN places pl ON pl.id = g.place_id LEFT JOIN role_perms rp ON rp.role_id = g.role_id ' +
			'WHERE g.user_id = ? ORDER BY g.id, rp.perm').raw(true),
		userByLogin: st('SELECT u.id, u.login, u.name, u.place_id, p.name AS place_name, u.region, u.disabled, ' +
			'u.version, u.created_at, u.updated_at, u.lang, u.pw_hash FROM users u JOIN places p ON ' +
			'p.id = u.place_id WHERE u.login = ?'),
		sessionInsert: st('INSERT INTO sessions (id_hash, user_id, csrf, created_at, seen_at, expires_at, ' +
			'address) VALUES (?, ?, ?, ?, ?, ?, ?)'),
		origin: st("SELECT value FROM deployment WHERE key = 'origin'").pluck(),
		auditHead: st('SELECT seq, hash FROM audit_heads WHERE chain = ?'),
		auditHeadNew: st('INSERT INTO audit_heads (chain, region, seq, hash) VALUES (?, ?, 0, ?) ' +
			'ON CONFLICT (chain) DO NOTHING'),
		auditHeadMove: st('UPDATE audit_heads SET seq = ?, hash = ? WHERE chain = ? AND seq = ?'),
		auditInsert: st('INSERT INTO audit_log (chain, region, seq, id, at, actor_kind, actor_id, ' +
			'actor_name, request_id, entity, entity_id, action, changes, prev_hash, hash) VALUES ' +
			'(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
		place: st('SELECT id, region, code, name, kind, parent_id, path, depth, version, created_at, ' +
			'updated_at, tree, status, retired_at, retired_code, nbs_name, gpath, is_virtual, in_zone, ' +
			'lat, lng, geojson, floor, room, area, floors, basements FROM places WHERE id = ?'),
		placePaths: st('SELECT path, gpath FROM places WHERE id = ?'),
		tagDefs: st('SELECT id, name, perm, rule FROM tags ORDER BY sort, id'),
		tagPerm: st('SELECT perm FROM tags WHERE id = ?').pluck(),
		gramExists: st('SELECT count(*) FROM (SELECT 1 FROM person_grams WHERE gram = ? LIMIT 1) c').pluck(),
		placeByPath: st('SELECT id, name, kind FROM places WHERE path = ?'),
		children: st("SELECT id, name, path FROM places WHERE parent_id = ? AND status = 'active' " +
			"AND tree = 'physical' ORDER BY code, name"),
		units: st("SELECT id, name FROM places WHERE parent_id = ? AND kind = 'unit' AND status = " +
			"'active' ORDER BY length(name), name, id"),
		category: st('SELECT name, duty_role, attributes, response_hours, resolution_hours, (SELECT ' +
			'count(*) FROM request_categories k WHERE k.parent_id = c.id AND k.active = 1), active ' +
			'FROM request_categories c WHERE c.id = ?').raw(true),
		requestInsert: st('INSERT INTO requests (id, region, tracking_code, category_id, place_id, title, ' +
			'description, attributes, status, source, external_no, reporter_user_id, contact_name, ' +
			'contact_enc, contact_hash, contact_masked, handler_duty_id, handler_user_id, handler_name, ' +
			'handler_role, handler_rung, response_due_at, resolution_due_at, created_at, updated_at) ' +
			'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
		eventInsert: st('INSERT INTO request_events (id, request_id, region, at, action, actor_kind, ' +
			'actor_id, actor_name, note, status_before, status_after, data) VALUES (?, ?, ?, ?, ?, ?, ' +
			'?, ?, ?, ?, ?, ?)'),
		noticeFacts: st('SELECT q.region, q.title, c.name AS category, p.name AS place, q.status, ' +
			'q.response_due_at, q.resolution_due_at FROM requests q JOIN request_categories c ON ' +
			'c.id = q.category_id JOIN places p ON p.id = q.place_id WHERE q.id = ?'),
		noticeInsert: st('INSERT INTO notifications (id, region, request_id, event_id, kind, channel, ' +
			'user_id, recipient_name, target, subject, body, state, next_try_at, sent_at, created_at) ' +
			'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
	};
	const dataVersion = db.prepare('PRAGMA data_version').pluck();

	/* ---- small rules (src/core/util.c, src/people/*.c) ---- */

	const iso = (ms) => new Date(ms).toISOString();
	/* today in Asia/Shanghai (UTC+8, no DST), YYYY-MM-DD */
	const today = () => iso(Date.now() + 8 * 3600 * 1000).slice(0, 10);
	const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
	let idLastMs = 0;
	const idLastRand = Buffer.alloc(10);
	/* ids as cunwu makes them (util.c id_new): 48 bits of ms, 80 counting random bits */
	function idNew() {
		let ms = Date.now();
		if (ms <= idLastMs) {
			ms = idLastMs;
			for (let i = 9; i >= 0; i--) {
				idLastRand[i] = (idLastRand[i] + 1) & 0xff;
				if (idLastRand[i] !== 0) break;
			}
		} else {
			crypto.randomFillSync(idLastRand);
			idLastRand[0] &= 0x7f;
			idLastMs = ms;
		}
		let v = BigInt(ms);
		for (const b of idLastRand) v = (v << 8n) | BigInt(b);
		let out = '';
		for (let i = 0; i < 26; i++) {
			out = CROCKFORD[Number(v & 31n)] + out;
			v >>= 5n;
		}
		return out;
	}
	/* requests_code_new: 10 Crockford characters of 50 random bits */
	function trackingCode() {
		const b = crypto.randomBytes(7);
		let v = 0n;
		for (const x of b) v = (v << 8n) | BigInt(x);
		v >>= 6n;
		let out = '';
		for (let i = 0; i < 10; i++) {
			out = CROCKFORD[Number(v & 31n)] + out;
			v >>= 5n;
		}
		return out;
	}
	function idValid(s) {
		if (typeof s !== 'string') return false;
		if (s.length === 12) return /^[0-9]{12}$/.test(s);
		return s.length === 26 && s[0] <= '7' && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(s);
	}
	function ageOn(birth, day) {
		const re = /^(\d{4})-(\d{2})-(\d{2})$/;
		const b = re.exec(birth || ''), t = re.exec(day);
		if (!b || !t || birth > day) return -1;
		let age = Number(t[1]) - Number(b[1]);
		if (Number(t[2]) < Number(b[2]) || (t[2] === b[2] && Number(t[3]) < Number(b[3]))) age--;
		return age;
	}
	const chars = (s) => Array.from(s).length;

	/* people_is_dot / people_is_space / people_fold (src/people/text.c) */
	const DOTS = new Set([0xB7, 0x30FB, 0x2022, 0x2027, 0xFF65, 0x2219, 0x22C5, 0x387, 0x2E31]);
	const isSpace = (cp) => cp === 32 || (cp >= 9 && cp <= 13) || cp === 0xA0 || cp === 0x3000 ||
		(cp >= 0x2000 && cp <= 0x200B) || cp === 0x202F || cp === 0x205F || cp === 0xFEFF;
	const isSep = (cp) => DOTS.has(cp) || isSpace(cp);
	const fold = (cp) => (cp >= 0xFF01 && cp <= 0xFF5E ? cp - 0xFEE0 : cp === 0x3000 ? 32 : cp);
	/* the compound surnames of src/people/text.c (two characters kept by mask_name) */
	const COMPOUND = new Set(('欧阳 歐陽 司马 司馬 上官 诸葛 諸葛 东方 東方 皇甫 尉迟 尉遲 公孙 公孫 慕容 长孙 ' +
		'長孫 宇文 司徒 夏侯 轩辕 軒轅 令狐 端木 独孤 獨孤 南宫 南宮 西门 西門 万俟 萬俟 闻人 聞人 澹台 澹臺 公冶 宗政 ' +
		'濮阳 濮陽 太叔 申屠 钟离 鍾離 鐘離 呼延 赫连 赫連 拓跋 拓拔 单于 單于 司空 淳于 仲孙 仲孫 左丘 东郭 東郭 百里 ' +
		'第五 羊舌 微生 梁丘 公良 乐正 樂正 漆雕 壤驷 壤駟 公西 巫马 巫馬 谷梁 穀梁 段干 东门 東門 子车 子車 颛孙 顓孫 ' +
		'亓官 司寇 公羊 鲜于 鮮于 闾丘 閭丘 范姜 张简 張簡').split(' '));

	/* mask_name (src/people/mask.c): 张*, 张*明, 欧阳*, 欧阳*明; parts between dots each */
	function maskName(name) {
		if (name == null) return '';
		const c = Array.from(name);
		const part = (from, to, keepFirst, keepLast) => {
			const n = to - from;
			if (n < 2) keepFirst = keepLast = false;
			return (keepFirst ? c[from] : '') + '*'.repeat(n - keepFirst - keepLast) + (keepLast ? c[to - 1] : '');
		};
		const single = (from, to) => {
			const n = to - from;
			if (n >= 3 && COMPOUND.has(c[from] + c[from + 1])) {
				const given = n - 2;
				return c[from] + c[from + 1] + '*'.repeat(given === 1 ? 1 : given - 1) + (given > 1 ? c[to - 1] : '');
			}
			return part(from, to, true, n >= 3);
		};
		let parts = 0, first = 0, last = 0;
		for (let i = 0; i < c.length;) {
			if (isSep(c[i].codePointAt(0))) { i++; continue; }
			let j = i;
			while (j < c.length && !isSep(c[j].codePointAt(0))) j++;
			if (!parts++) first = i;
			last = i;
			i = j;
		}
		let out = '';
		for (let i = 0; i < c.length;) {
			const cp = c[i].codePointAt(0);
			if (isSep(cp)) {
				out += DOTS.has(cp) ? '\u00B7' : c[i];
				i++;
				continue;
			}
			let j = i;
			while (j < c.length && !isSep(c[j].codePointAt(0))) j++;
			out += parts === 1 ? single(i, j) : part(i, j, i === first, i === last);
			i = j;
		}
		return out;
	}

	/* name_grams (src/people/pinyin.c): the folded characters' unigrams, then their pairs */
	function nameGrams(text) {
		const cps = [];
		for (const ch of text) {
			const cp = fold(ch.codePointAt(0));
			if (isSep(cp)) continue;
			cps.push(cp >= 65 && cp <= 90 ? cp + 32 : cp);
		}
		const seen = new Set(), out = [];
		for (let width = 1; width <= 2; width++)
			for (let i = 0; i + width <= cps.length; i++) {
				const g = String.fromCodePoint(...cps.slice(i, i + width));
				if (!seen.has(g)) {
					seen.add(g);
					out.push(g);
				}
			}
		return out;
	}

	/* ---- answers and errors ---- */

	class ApiError extends Error {
		constructor(status, code, message, field) {
			super(message);
			this.status = status;
			this.code = code;
			this.field = field || null;
		}
	}
	const invalid = (code, field, msg) => new ApiError(400, code, msg, field);
	const forbidden = (msg) => new ApiError(403, 'auth.forbidden', msg);
	const notFound = (code, msg) => new ApiError(404, code, msg);

	fastify.setErrorHandler((err, req, reply) => {
		if (err instanceof ApiError) {
			reply.code(err.status).send({ error: { code: err.code, message: err.message, field: err.field } });
			return;
		}
		if (err.statusCode && err.statusCode < 500) {
			const code = err.statusCode === 415 ? 'http.unsupported_media_type'
				: err.statusCode === 413 ? 'http.body_too_large' : 'json.invalid';
			reply.code(err.statusCode).send({ error: { code, message: err.message, field: null } });
			return;
		}
		if (err.code === 'SQLITE_BUSY') {
			reply.code(503).header('Retry-After', '1')
				.send({ error: { code: 'db.busy', message: 'database is busy; try again', field: null } });
			return;
		}
		process.stderr.write(`${req.method} ${req.url}: ${err.stack || err}\n`);
		reply.code(500).send({ error: { code: 'db.error', message: String(err.message), field: null } });
	});
	fastify.addHook('onSend', async (req, reply, payload) => {
		reply.header('Cache-Control', 'no-store');
		reply.header('X-Content-Type-Options', 'nosniff');
		return payload;
	});
	fastify.setNotFoundHandler((req, reply) => {
		reply.code(404).send({ error: { code: 'http.not_found', message: `no route for ${req.url.split('?')[0]}`, field: null } });
	});
	/* the first value of a query parameter, as cunwu's req_query */
	const qp = (req, k) => {
		const v = req.query[k];
		return Array.isArray(v) ? v[0] : v;
	};

	/* ---- the audit chain (src/core/audit.c) ---- */

	let origin = null;
	function feed(h, s) {
		if (s === null || s === undefined) {
			h.update('-:');
			return;
		}
		const b = Buffer.from(String(s), 'utf8');
		h.update(`${b.length}:`);
		if (b.length) h.update(b);
	}
	/* in a write transaction: the row hashed after the chain's head, the head moved to it */
	function auditWrite(who, region, entity, entityId, action, changes) {
		if (origin === null) origin = S.origin.get();
		if (origin === undefined || origin === null) throw new Error('the deployment has no origin');
		const chain = `${String(region).slice(0, 16)}.${origin}`;
		let head = S.auditHead.get(chain);
		if (!head) {
			S.auditHeadNew.run(chain, region, 'sha256:genesis');
			head = S.auditHead.get(chain);
		}
		const row = {
			seq: head.seq + 1, id: idNew(), at: iso(Date.now()), changes: changes || '{}',
		};
		const h = crypto.createHash('sha256');
		for (const v of ['cunwu-audit-v1', chain, region, String(row.seq), row.id, row.at, who.kind,
			who.id, who.name, who.requestId, entity, entityId, action, row.changes, head.hash])
			feed(h, v);
		const hash = `sha256:${h.digest('hex')}`;
		if (S.auditHeadMove.run(row.seq, hash, chain, head.seq).changes !== 1)
			throw new Error(`audit chain ${chain} moved under a write lock`);
		S.auditInsert.run(chain, region, row.seq, row.id, row.at, who.kind, who.id ?? null,
			who.name ?? null, who.requestId ?? null, entity, entityId, action, row.changes, head.hash, hash);
	}

	/* ---- who is asking (src/core/auth.c) ---- */

	/* A worker keeps the principals it loaded, believed while no commit happened anywhere
	 * (PRAGMA data_version, this connection's own writes counted by writeEpoch) and for at
	 * most a second, as cunwu's cache does. */
	const principals = new Map();
	let writeEpoch = 0;
	const sha256hex = (s) => crypto.createHash('sha256').update(s).digest('hex');

	function cookieOf(req) {
		const h = req.headers.cookie;
		if (!h) return null;
		for (const part of h.split(';')) {
			const eq = part.indexOf('=');
			if (eq > 0 && part.slice(0, eq).trim() === 'cunwu_session') return part.slice(eq + 1).trim();
		}
		return null;
	}

	function loadGrants(userId) {
		const grants = [];
		let g = null;
		for (const [id, path, perm] of S.grants.all(userId)) {
			if (!g || g.id !== id) {
				g = { id, path, perms: new Set() };
				grants.push(g);
			}
			if (perm) g.perms.add(perm);
		}
		return grants;
	}

	/* the principal of req's cookie, or null without one; throws 401 for a bad one */
	function identify(req) {
		const cookie = cookieOf(req);
		if (!cookie) return null;
		const now = Date.now(), idle = CFG.idleMinutes * 60000, version = dataVersion.get();
		const c = principals.get(cookie);
		if (c && c.version === version && c.epoch === writeEpoch && now - c.loaded < 1000 &&
			now < c.expires && now - c.touched < idle) {
			if (now - c.touched >= 60000) {
				S.touch.run(iso(now), c.p.hash);
				c.touched = now;
			}
			return c.p;
		}
		const hash = sha256hex(cookie);
		const s = S.session.get(hash);
		if (!s) throw new ApiError(401, 'auth.session_invalid', 'session is not valid; sign in again');
		const seen = Date.parse(s.seen_at), exp = Date.parse(s.expires_at);
		if (s.disabled || now >= exp || now - seen >= idle) {
			S.sessionDelete.run(hash);
			if (s.disabled) throw new ApiError(401, 'auth.account_disabled', 'this account is disabled');
			throw new ApiError(401, 'auth.session_expired', 'session expired; sign in again');
		}
		let touched = seen;
		if (now - seen >= 60000) {
			S.touch.run(iso(now), hash);
			touched = now;
		}
		const p = { userId: s.user_id, login: s.login, csrf: s.csrf, hash, grants: loadGrants(s.user_id) };
		if (principals.size > 1000) principals.clear();
		principals.set(cookie, { p, version: dataVersion.get(), epoch: writeEpoch, loaded: now, touched, expires: exp });
		return p;
	}

	const under = (path, prefix) => path != null && path.startsWith(prefix);
	function may(who, perm, path, gpath) {
		return !!who && who.grants.some((g) => g.perms.has(perm) && (under(path, g.path) || under(gpath, g.path)));
	}
	function authz2(who, perm, path, gpath) {
		if (!who) throw new ApiError(401, 'auth.required', 'sign in first');
		if (!may(who, perm, path, gpath)) throw forbidden(`you do not have '${perm}' over this place`);
	}
	const authzAny = (who, perm) => !!who && who.grants.some((g) => g.perms.has(perm));
	/* authz_scope: the subtrees of the grants with perm, none inside another */
	function scope(who, perm) {
		const gs = who ? who.grants.filter((g) => g.perms.has(perm)) : [];
		const out = [];
		for (const g of gs) {
			const covered = gs.some((o) => o !== g && g.path.length > o.path.length && g.path.startsWith(o.path)) ||
				out.includes(g.path);
			if (!covered) out.push(g.path);
		}
		return out;
	}
	const pathIds = (path) => path.split('/').length - 2;
	/* authz_sql2: the scope as SQL over col (and gcol below a town), with its arguments */
	function scopeSql(who, perm, col, gcol, args) {
		const parts = [];
		for (const s of scope(who, perm)) {
			const hi = `${s}~`;
			let t = `(${col} >= ? AND ${col} < ?)`;
			args.push(s, hi);
			if (gcol && pathIds(s) > 4) {
				t += ` OR (${gcol} >= ? AND ${gcol} < ?)`;
				args.push(s, hi);
			}
			parts.push(t);
		}
		return parts.length ? `(${parts.join(' OR ')})` : '(0 = 1)';
	}

	/* every authenticated GET: the caller first (outside the transaction, as cunwu), then
	 * the handler in one read transaction so a list and its total see one snapshot */
	const readTx = db.transaction((fn, who, req) => fn(who, req));
	const authed = (perm, place, fn) => async (req, reply) => {
		const who = identify(req);
		if (!who) throw new ApiError(401, 'auth.required', 'sign in first');
		return readTx((w, r) => {
			if (place) {
				const [path, gpath] = place(r);
				authz2(w, perm, path, gpath);
			} else if (!authzAny(w, perm)) throw forbidden(`you do not have '${perm}'`);
			return fn(w, r);
		}, who, req);
	};

	function placePaths(id) {
		if (!id || !idValid(id)) throw notFound('places.not_found', `no place '${id || ''}'`);
		const p = S.placePaths.get(id);
		if (!p) throw notFound('places.not_found', `no place '${id}'`);
		return [p.path, p.gpath];
	}
	function placeGet(id) {
		return id && idValid(id) ? S.place.get(id) : undefined;
	}

	/* req_page */
	function page(req, sorts, def) {
		const p = qp(req, 'page'), ps = qp(req, 'page_size');
		const int = (v, lo, hi) => (/^[0-9]+$/.test(v) && Number(v) >= lo && Number(v) <= hi ? Number(v) : null);
		const pg = { page: 1, size: 50 };
		if (p !== undefined && (pg.page = int(p, 1, 1000000)) === null)
			throw invalid('http.page', 'page', "'page' must be a whole number from 1");
		if (ps !== undefined && (pg.size = int(ps, 1, 500)) === null)
			throw invalid('http.page_size', 'page_size', "'page_size' must be a whole number from 1 to 500");
		pg.offset = (pg.page - 1) * pg.size;
		let sort = qp(req, 'sort');
		if (!sort) sort = def;
		const order = [];
		for (const s of sort.split(',')) {
			const desc = s.startsWith('-'), key = desc ? s.slice(1) : s;
			const expr = sorts[key];
			if (!key || !expr) throw invalid('http.sort', 'sort', `cannot sort by '${key}'`);
			order.push(expr + (desc ? ' DESC' : ''));
		}
		pg.order = order.join(', ');
		return pg;
	}

	/* req_list: the page of rows and its total */
	function list(cols, from, where, args, pg, row, keyed) {
		const total0 = pg.cap
			? st(`SELECT count(*) FROM (SELECT 1 FROM ${from} WHERE ${where} LIMIT ${pg.cap + 1}) c`).pluck().get(args)
			: st(`SELECT count(*) FROM ${from} WHERE ${where}`).pluck().get(args);
		const capped = pg.cap && total0 > pg.cap;
		const sql = keyed
			? `SELECT ${cols} FROM ${keyed.from} WHERE ${keyed.key} IN (SELECT ${keyed.key} FROM ${from} WHERE ` +
			  `${where} ORDER BY ${pg.order} LIMIT ? OFFSET ?) ORDER BY ${pg.order}`
			: `SELECT ${cols} FROM ${from} WHERE ${where} ORDER BY ${pg.order} LIMIT ? OFFSET ?`;
		const rows = st(sql).raw(true).all([...args, pg.size, pg.offset]);
		const out = { items: rows.map(row), page: pg.page, page_size: pg.size, total: capped ? pg.cap : total0 };
		if (capped) out.total_capped = true;
		return out;
	}

	/* ---- S1 and S6: GET /api/v1/people (src/people/http.c) ---- */

	const PERSON_KEYS = ['id', 'region', 'household_id', 'place_id', 'place_name', 'name', 'pinyin', 'relation',
		'status', 'id_kind', 'id_no', 'birth_date', 'sex', 'phone', 'ethnicity', 'note', 'version',
		'created_at', 'updated_at'];
	const PERSON_COLS = 'x.id, x.region, x.household_id, x.place_id, p.name, x.name, x.name_pinyin, x.relation, ' +
		'x.status, x.id_kind, x.id_masked, x.birth_date, x.sex, x.phone_masked, x.ethnicity, x.note, x.version, ' +
		'x.created_at, x.updated_at, p.path, p.gpath, (SELECT group_concat(t2.tag_id || \'|\' || t2.source || ' +
		'\'|\' || t2.as_of, \',\') FROM person_tags t2 WHERE t2.person_id = x.id)';
	const PERSON_FROM = 'persons x JOIN places p ON p.id = x.place_id';
	/* a gram carries its person's place (people/0008), as cunwu's search reads it */
	const FROM_GRAM = 'person_grams g CROSS JOIN places p CROSS JOIN persons x';
	const FROM_TAG = 'person_tags t CROSS JOIN persons x JOIN places p ON p.id = x.place_id';
	const PERSON_SORTS = { name: 'x.name_pinyin', birth_date: 'x.birth_date', created_at: 'x.created_at',
		place: 'p.path', status: 'x.status' };
	const STATES = ['present', 'away', 'moved_out', 'deceased'];

	function yearsBefore(ymd, n) {
		let y = Number(ymd.slice(0, 4)) - n;
		const m = ymd.slice(5, 7);
		let d = ymd.slice(8, 10);
		if (m === '02' && d === '29' && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) d = '28';
		return `${String(y).padStart(4, '0')}-${m}-${d}`;
	}
	const likeContains = (s) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

	function listPeople(who, req) {
		const day = today();
		const pg = page(req, PERSON_SORTS, 'name');
		let args = [];
		let where = scopeSql(who, 'people.read', 'p.path', 'p.gpath', args);
		/* below a town (more than four ids in the path) the places' people are fewer than
		 * a tag's: cunwu's list_start and people_query choose the same way */
		const belowTown = (path) => pathIds(path) > 4;
		const granted = scope(who, 'people.read');
		let narrow = granted.length > 0 && granted.every(belowTown);
		const place = qp(req, 'place');
		if (place !== undefined) {
			const [path] = placePaths(place);
			if (belowTown(path)) narrow = true;
			/* inside a grant the place alone narrows */
			if (scope(who, 'people.read').some((s) => path.startsWith(s))) {
				where = '1 = 1';
				args = [];
			}
			where += ' AND ((p.path >= ? AND p.path < ?) OR (p.gpath >= ? AND p.gpath < ?))';
			args.push(path, `${path}~`, path, `${path}~`);
		}
		const tag = qp(req, 'tag');
		const tagPerm = tag !== undefined ? S.tagPerm.get(tag) : null;
		if (tagPerm) where += ` AND ${scopeSql(who, tagPerm, 'p.path', 'p.gpath', args)}`;
		let from = PERSON_FROM;
		const text = qp(req, 'q');
		if (tag !== undefined && (text || narrow)) {
			where += ' AND EXISTS (SELECT 1 FROM person_tags t WHERE t.person_id = x.id AND t.tag_id = ?)';
			args.push(tag);
		} else if (tag !== undefined) {
			from = FROM_TAG;
			where += ' AND x.id = t.person_id AND t.tag_id = ?';
			args.push(tag);
		}
		let v;
		if ((v = qp(req, 'status')) !== undefined) {
			if (!STATES.includes(v)) throw invalid('people.person_status', 'status', `'${v}' is not a valid status`);
			where += ' AND x.status = ?';
			args.push(v);
		}
		if ((v = qp(req, 'sex')) !== undefined) {
			where += ' AND x.sex = ?';
			args.push(v);
		}
		if ((v = qp(req, 'household_id')) !== undefined) {
			where += ' AND x.household_id = ?';
			args.push(v);
		}
		for (const [k, op, add] of [['age_min', '<=', 0], ['age_max', '>', 1]]) {
			if ((v = qp(req, k)) === undefined) continue;
			if (!/^[0-9]+$/.test(v) || Number(v) > 150) throw invalid('people.age', k, `'${k}' must be 0 to 150`);
			where += ` AND x.birth_date ${op} ?`;
			args.push(yearsBefore(day, Number(v) + add));
		}
		if (text) {
			if (Buffer.byteLength(text) > 64) throw invalid('people.q_too_long', 'q', "'q' is over 64 bytes");
			if (/^[0-9Xx\- +]{7,}$/.test(text))
				throw new ApiError(501, 'peer.unsupported', 'the peer does not search identity numbers or phones');
			if (/^[A-Za-z]+$/.test(text)) {
				const lower = text.toLowerCase().slice(0, 64), gram = `py:${lower}`;
				const vowels = [...lower].filter((ch) => 'aeiouv'.includes(ch)).length;
				if (!vowels && lower.length <= 8) {
					from = FROM_GRAM;
					where += ' AND p.id = g.place_id AND x.id = g.person_id AND g.gram = ?';
					args.push(gram);
				} else {
					const hi = lower.slice(0, -1) + String.fromCharCode(lower.charCodeAt(lower.length - 1) + 1);
					const initials = lower.length <= 8 ? S.gramExists.get(gram) : 0;
					if (!initials) {
						where += ' AND x.name_pinyin >= ? AND x.name_pinyin < ?';
						args.push(lower, hi);
					} else {
						where += ' AND (x.id IN (SELECT person_id FROM person_grams WHERE gram = ?) OR ' +
							'(x.name_pinyin >= ? AND x.name_pinyin < ?))';
						args.push(gram, lower, hi);
					}
				}
			} else {
				const grams = nameGrams(text), n = chars(text);
				if (!grams.length) throw invalid('people.q_empty', 'q', "nothing to search for in 'q'");
				let gram = grams[0];
				if (n > 1) gram = grams.find((g) => chars(g) === 2) || gram;
				from = FROM_GRAM;
				where += ' AND p.id = g.place_id AND x.id = g.person_id AND g.gram = ?';
				args.push(gram);
				if (n > 2) {
					where += " AND x.name LIKE ? ESCAPE '\\'";
					args.push(likeContains(text));
				}
			}
			pg.cap = 100;
		}
		const gram = from === FROM_GRAM;
		if (pg.order === 'x.name_pinyin') pg.order = gram ? 'g.pinyin, g.person_id' : 'x.name_pinyin, x.id';
		else if (pg.order === 'x.name_pinyin DESC')
			pg.order = gram ? 'g.pinyin DESC, g.person_id DESC' : 'x.name_pinyin DESC, x.id DESC';
		const defs = S.tagDefs.all();
		const row = (r) => {
			const o = {};
			for (let i = 0; i < PERSON_KEYS.length; i++) o[PERSON_KEYS[i]] = r[i];
			const age = ageOn(r[11], day);
			o.age = age >= 0 ? age : null;
			const tags = [];
			const folded = r[21];
			if (folded) {
				const have = new Map();
				for (const item of folded.split(',')) {
					const [id, source, asOf] = item.split('|');
					if (asOf !== undefined && !have.has(id)) have.set(id, [source, asOf]);
				}
				for (const d of defs) {
					const h = have.get(d.id);
					if (!h || (d.perm && !may(who, d.perm, r[19], r[20]))) continue;
					tags.push({ id: d.id, name: d.name, source: h[0], as_of: h[1], derived: d.rule !== null });
				}
			}
			o.tags = tags;
			return o;
		};
		return list(PERSON_COLS, from, where, args, pg, row, gram ? null : { key: 'x.id', from: PERSON_FROM });
	}

	/* ---- S3: GET /api/v1/cockpit (src/system/http.c, every module's tile) ---- */

	const OPEN = "('submitted', 'signed_for', 'in_progress', 'sent_back')";
	const count = (sql) => {
		const s = st(sql).pluck();
		return (path) => s.get(path, `${path}~`);
	};
	const coverage = st("SELECT count(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM duties d WHERE d.role = " +
		"'grid_worker' AND d.place_id IN (g.id, g.parent_id) AND d.from_date <= ? AND (d.to_date IS NULL OR " +
		"d.to_date >= ?)) THEN 1 ELSE 0 END), 0) FROM households h JOIN places p ON p.id = h.place_id " +
		"LEFT JOIN places pp ON pp.id = p.parent_id LEFT JOIN places g ON g.path = p.gpath WHERE " +
		"h.status = 'active' AND ((p.path >= ? AND p.path < ?) OR (p.gpath >= ? AND p.gpath < ?))").raw(true);
	const coverageOf = (path) => {
		const d = today(), hi = `${path}~`;
		return coverage.get(d, d, path, hi, path, hi);
	};
	/* the subtree's places, then their open requests from requests_open, as cunwu's tiles */
	const overdue = st('SELECT count(*) FROM places p CROSS JOIN requests q WHERE p.path >= ? AND ' +
		`p.path < ? AND q.place_id = p.id AND q.status IN ${OPEN} AND (q.resolution_due_at < ? OR (q.status = 'submitted' AND ` +
		'q.response_due_at < ?))').pluck();
	const imported = st('SELECT COALESCE(SUM(i.persons_added), 0) FROM imports i JOIN places p ON p.id = ' +
		"i.place_id WHERE p.path >= ? AND p.path < ? AND i.state = 'done' AND i.finished_at >= ?").pluck();
	/* in cunwu's order of registration: accounts, places, people, duties, requests, tabular */
	const TILES = [
		['accounts.users', 'accounts.users.read', '人', count('SELECT count(*) FROM users u JOIN places p ON ' +
			'p.id = u.place_id WHERE p.path >= ? AND p.path < ? AND u.disabled = 0')],
		['places.villages', 'places.read', '个', count("SELECT count(*) FROM places WHERE path >= ? AND path < ? " +
			"AND kind IN ('village', 'community') AND status = 'active'")],
		['people.persons', 'people.read', '人', count('SELECT count(*) FROM persons x JOIN places p ON p.id = ' +
			"x.place_id WHERE p.path >= ? AND p.path < ? AND x.status IN ('present', 'away')")],
		['people.households', 'people.read', '户', count('SELECT count(*) FROM households h JOIN places p ON ' +
			"p.id = h.place_id WHERE p.path >= ? AND p.path < ? AND h.status = 'active'")],
		['people.elderly_alone', 'people.read', '人', count('SELECT count(*) FROM person_tags t JOIN persons x ' +
			'ON x.id = t.person_id JOIN places p ON p.id = x.place_id WHERE p.path >= ? AND p.path < ? AND ' +
			"t.tag_id = 'elderly_alone'")],
		['duties.coverage', 'duties.read', '%', (path) => {
			const [all, grid] = coverageOf(path);
			return all ? Math.trunc((grid * 100) / all) : 100;
		}],
		['duties.uncovered', 'duties.read', '户', (path) => {
			const [all, grid] = coverageOf(path);
			return all - grid;
		}],
		['requests.open', 'requests.read', '件', count('SELECT count(*) FROM places p CROSS JOIN requests q WHERE ' +
			`p.path >= ? AND p.path < ? AND q.place_id = p.id AND q.status IN ${OPEN}`)],
		['requests.overdue', 'requests.read', '件', (path) => {
			const now = iso(Date.now());
			return overdue.get(path, `${path}~`, now, now);
		}],
		['imports.persons_30d', 'people.read', '人', (path) =>
			imported.get(path, `${path}~`, iso(Date.now() - 30 * 86400 * 1000))],
	];

	function cockpitPath(who, req) {
		const id = qp(req, 'place');
		if (id === undefined) {
			const g = who.grants.find((x) => x.perms.has('cockpit.read'));
			if (!g) throw forbidden("you do not have 'cockpit.read'");
			return g.path;
		}
		return placePaths(id)[0];
	}

	function cockpit(who, req) {
		const path = cockpitPath(who, req);
		const place = S.placeByPath.get(path);
		if (!place) throw notFound('places.not_found', 'no such place');
		const kids = S.children.all(place.id).slice(0, 256);
		const tiles = [];
		for (const [key, perm, unit, value] of TILES) {
			if (!may(who, perm, path, null)) continue;
			tiles.push({
				key, unit, value: value(path),
				children: kids.map((c) => ({ place_id: c.id, name: c.name, value: value(c.path) })),
			});
		}
		return { place: { id: place.id, name: place.name, kind: place.kind }, tiles };
	}

	/* ---- S5: GET /api/v1/places/:id/diagram (src/people/diagram.c) ---- */

	const decimal = (v, scale) => (v === null || v === undefined ? null : v / 10 ** scale);
	function placeJson(p) {
		const has = (k) => p[k] !== null && p[k] !== undefined;
		return {
			id: p.id, code: p.code, name: p.name, nbs_name: p.nbs_name, kind: p.kind, tree: p.tree, status: p.status,
			parent_id: p.parent_id, region: p.region, path: p.path, gpath: p.gpath, depth: p.depth,
			version: p.version, virtual: !!p.is_virtual, zone: !!p.in_zone,
			lat: has('lat') && has('lng') ? decimal(p.lat, 7) : null,
			lng: has('lat') && has('lng') ? decimal(p.lng, 7) : null,
			floor: p.floor, room: p.room, area: decimal(p.area, 2), floors: p.floors, basements: p.basements,
			retired_at: p.retired_at, retired_code: p.retired_code, created_at: p.created_at,
			updated_at: p.updated_at,
		};
	}

	const dgRooms = (where) => 'SELECT d.id, d.parent_id, u.name, d.room, d.name, d.path, d.gpath, d.floor, d.area ' +
		`FROM places d JOIN places u ON u.id = d.parent_id WHERE ${where} AND d.kind = 'dwelling' AND d.status = ` +
		"'active' AND d.path >= ? AND d.path < ? ORDER BY d.floor DESC, length(d.room), d.room, d.id";
	const dgHouseholds = st('SELECT h.place_id, h.id, h.kind, (SELECT y.name FROM persons y WHERE y.id = ' +
		"h.head_id), (SELECT count(*) FROM persons y WHERE y.household_id = h.id AND y.status IN ('present', " +
		"'away')) FROM households h JOIN places p ON p.id = h.place_id WHERE p.path >= ? AND p.path < ? AND " +
		"h.status = 'active' ORDER BY h.place_id, h.created_at, h.id").raw(true);
	const dgPersonTags = st('SELECT y.place_id, x.tag_id FROM person_tags x JOIN persons y ON y.id = ' +
		'x.person_id JOIN places p ON p.id = y.place_id WHERE p.path >= ? AND p.path < ? AND y.status IN ' +
		"('present', 'away')").raw(true);
	const dgHouseholdTags = st('SELECT h.place_id, x.tag_id FROM household_tags x JOIN households h ON h.id = ' +
		"x.household_id JOIN places p ON p.id = h.place_id WHERE p.path >= ? AND p.path < ? AND h.status = 'active'").raw(true);

	function diagram(who, req) {
		const defs = S.tagDefs.all();
		const tagIndex = new Map(defs.map((d, i) => [d.id, i]));
		let filter = -1;
		const tag = qp(req, 'tag');
		if (tag) {
			filter = tagIndex.has(tag) ? tagIndex.get(tag) : -1;
			if (filter < 0 || (defs[filter].perm && !authzAny(who, defs[filter].perm)))
				throw invalid('people.tag_not_found', 'tag', `no tag '${tag}'`);
		}
		const b = placeGet(req.params.id);
		if (!b) throw notFound('places.not_found', 'no such place');
		const ids = b.path.split('/').filter((x, i, a) => i > 0 && i < a.length - 1);
		const names = [];
		for (let i = 4; i + 1 < ids.length; i++) {
			const q = placeGet(ids[i]);
			if (q) names.push(q.name);
		}
		names.push(b.name);
		const title = names.join(' ');
		if (b.kind !== 'building')
			throw invalid('people.diagram_kind', 'id', `a diagram is drawn for a building, not a ${b.kind}`);
		const hi = `${b.path}~`;
		const args = [];
		const where = scopeSql(who, 'people.read', 'd.path', 'd.gpath', args);
		const rooms = st(dgRooms(where)).raw(true).all([...args, b.path, hi]).map((r) => ({
			id: r[0], parent_id: r[1], room: r[3], name: r[4], path: r[5], gpath: r[6], floor: r[7], area: r[8],
			hh: [], people: 0, tags: new Set(), vis: new Map(),
		}));
		const byId = new Map(rooms.map((m) => [m.id, m]));
		for (const [placeId, id, kind, head, members] of dgHouseholds.all(b.path, hi)) {
			const m = byId.get(placeId);
			if (!m) continue;
			m.hh.push({ id, head_name: head !== null ? maskName(head) : null, member_count: members, kind });
			m.people += members;
		}
		const tagPeople = new Array(defs.length).fill(0), tagHouseholds = new Array(defs.length).fill(0);
		const visible = (m, t) => {
			if (!defs[t].perm) return true;
			if (!m.vis.has(t)) m.vis.set(t, may(who, defs[t].perm, m.path, m.gpath));
			return m.vis.get(t);
		};
		for (const [stmt, counts] of [[dgPersonTags, tagPeople], [dgHouseholdTags, tagHouseholds]])
			for (const [placeId, tagId] of stmt.all(b.path, hi)) {
				const m = byId.get(placeId), t = tagIndex.has(tagId) ? tagIndex.get(tagId) : -1;
				if (!m || t < 0 || !visible(m, t)) continue;
				m.tags.add(t);
				counts[t]++;
			}
		const tagRooms = new Array(defs.length).fill(0);
		for (const m of rooms) for (const t of m.tags) tagRooms[t]++;
		const units = S.units.all(b.id).slice(0, 64).map((u) => ({ id: u.id, name: u.name, building: false }));
		if (!units.length || rooms.some((m) => m.parent_id === b.id))
			units.push({ id: b.id, name: b.name, building: true });
		/* the floors: top first down to the lowest basement; 0 only when a room is on it */
		let top = b.floors !== null ? b.floors : 1, bottom = b.basements !== null ? -b.basements : 0;
		let zero = false, noFloor = false;
		for (const m of rooms) {
			if (m.floor === null) {
				noFloor = true;
				continue;
			}
			top = Math.max(top, m.floor);
			bottom = Math.min(bottom, m.floor);
			zero = zero || m.floor === 0;
		}
		const rows = [];
		for (let f = top; f >= bottom && rows.length < 219; f--) if (f || zero) rows.push(f);
		const roomJson = (m) => {
			const o = {
				place_id: m.id, room: m.room !== null ? m.room : m.name, floor: m.floor, area: decimal(m.area, 2),
				empty: m.hh.length === 0, people: m.people, households: m.hh,
				tags: defs.map((d, t) => t).filter((t) => m.tags.has(t)).map((t) => defs[t].id),
			};
			if (filter >= 0) o.match = m.tags.has(filter);
			return o;
		};
		const floorKeys = noFloor ? [...rows, null] : rows;
		const out = {
			place: placeJson(b), title, as_of: today(), floors: floorKeys,
			units: units.map((u) => ({
				id: u.id, name: u.name, building: u.building,
				floors: floorKeys.map((f) => ({
					floor: f,
					rooms: rooms.filter((m) => m.parent_id === u.id && (f === null ? m.floor === null : m.floor === f))
						.map(roomJson),
				})),
			})),
			legend: defs.map((d, t) => ({ d, t })).filter(({ t }) => tagRooms[t]).map(({ d, t }) => ({
				id: d.id, name: d.name, restricted: d.perm !== null, people: tagPeople[t],
				households: tagHouseholds[t], rooms: tagRooms[t],
			})),
			counts: {
				rooms: rooms.length, empty: rooms.filter((m) => !m.hh.length).length,
				households: rooms.reduce((n, m) => n + m.hh.length, 0), people: rooms.reduce((n, m) => n + m.people, 0),
			},
			tag: filter >= 0 ? defs[filter].id : null,
		};
		if (filter >= 0) out.counts.matching = tagRooms[filter];
		return out;
	}

	/* ---- S4: GET /api/v1/public/requests (src/requests/http.c) ---- */

	const STATUSES = ['submitted', 'signed_for', 'in_progress', 'resolved', 'followed_up', 'closed', 'sent_back', 'merged'];
	const REQ_FROM = 'requests q JOIN places p ON p.id = q.place_id JOIN request_categories c ON c.id = q.category_id';
	const PUBLIC_COLS = "q.category_id, c.name, CASE WHEN p.kind IN ('building', 'unit', 'dwelling') THEN NULL " +
		`ELSE p.name END, CASE WHEN q.status IN ${OPEN} THEN 'open' ELSE 'closed' END, q.status, q.created_at, ` +
		'q.updated_at, q.resolved_at';
	const PUBLIC_KEYS = ['service_code', 'service_name', 'place_name', 'status', 'detailed_status',
		'requested_datetime', 'updated_datetime', 'resolved_datetime'];
	const publicRead = db.transaction((req) => {
		const pg = page(req, { created: 'q.created_at', updated: 'q.updated_at' }, '-created');
		const v = qp(req, 'place');
		const p = v !== undefined ? placeGet(v) : undefined;
		if (!p || p.status !== 'active' || !['town', 'village', 'community'].includes(p.kind))
			throw invalid('requests.public_place', 'place', 'name a town, village or community');
		let where = "q.status <> 'merged'";
		const args = [];
		const status = qp(req, 'status');
		if (status !== undefined) {
			if (status === 'open' || status === 'closed') where += ` AND q.status ${status === 'open' ? '' : 'NOT '}IN ${OPEN}`;
			else if (!STATUSES.includes(status)) throw invalid('requests.status', 'status', `no status '${status}'`);
			else {
				where += ' AND q.status = ?';
				args.push(status);
			}
		}
		const cat = qp(req, 'category');
		if (cat !== undefined) {
			where += ' AND (q.category_id = ? OR c.parent_id = ?)';
			args.push(cat, cat);
		}
		const [path] = placePaths(v);
		where += ' AND ((p.path >= ? AND p.path < ?) OR (p.gpath >= ? AND p.gpath < ?))';
		args.push(path, `${path}~`, path, `${path}~`);
		/* a town, newest first: the requests read newest first, the count stopping at 1,000 */
		let from = REQ_FROM;
		if (p.kind === 'town' && pg.order === 'q.created_at DESC') {
			where += ' AND p.id = q.place_id AND c.id = q.category_id';
			pg.cap = 1000;
			from = 'requests q CROSS JOIN places p CROSS JOIN request_categories c';
		}
		return list(PUBLIC_COLS, from, where, args, pg, (r) => {
			const o = {};
			for (let i = 0; i < PUBLIC_KEYS.length; i++) o[PUBLIC_KEYS[i]] = r[i];
			return o;
		});
	});

	/* ---- S2: POST /api/v1/public/requests (src/requests/http.c and db.c) ---- */

	const LADDER = ['grid_worker', 'group_leader', 'area_leader', 'branch_secretary', 'town'];
	/* duties_holder: the holder of role over the place (its chain in both trees) on day */
	function dutyHolder(p, role, day) {
		const ids = p.path.split('/').filter(Boolean);
		if (p.gpath) ids.push(...p.gpath.split('/').filter(Boolean));
		const sql = "SELECT d.id, d.place_id, d.user_id, d.person_id, d.holder_name FROM duties d JOIN places p " +
			"ON p.id = d.place_id WHERE ((d.role <> 'party_contact' AND d.place_id IN (" +
			ids.map(() => '?').join(', ') + '))) AND d.from_date <= ? AND (d.to_date IS NULL OR d.to_date >= ?) ' +
			'AND d.role = ? ORDER BY p.depth DESC, d.from_date, d.id';
		return st(sql).get([...ids, day, day, role]);
	}
	const PUBLIC_FIELDS = {
		category_id: { min: 1, max: 40, required: true }, place_id: { min: 1, max: 40, required: true },
		title: { min: 0, max: 100 }, description: { min: 0, max: 2000 },
		contact_name: { min: 0, max: 40, nullable: true }, contact_phone: { min: 0, max: 20, nullable: true },
		photos: { strs: true, min: 64, max: 64 },
	};
	function decodePublic(body) {
		if (body === null || typeof body !== 'object' || Array.isArray(body))
			throw invalid('json.type', null, 'the body must be a JSON object');
		const out = {};
		for (const [k, v] of Object.entries(body)) {
			if (k === 'attributes') continue;
			const f = PUBLIC_FIELDS[k];
			if (!f) throw invalid('json.unknown_field', k, `unknown field '${k}'`);
			if (v === null) {
				if (!f.nullable) throw invalid('json.null', k, `'${k}' must not be null`);
				continue;
			}
			if (f.strs) {
				if (!Array.isArray(v)) throw invalid('json.type', k, `'${k}' must be an array of strings`);
				v.forEach((x, i) => {
					if (typeof x !== 'string' || chars(x) < f.min || chars(x) > f.max)
						throw invalid('json.type', k, `'${k}' item ${i} must be a string of ${f.min} to ${f.max} characters`);
				});
			} else {
				if (typeof v !== 'string') throw invalid('json.type', k, `'${k}' must be a string`);
				if (v.includes('\0')) throw invalid('json.nul', k, `'${k}' must not contain NUL`);
				if (chars(v) < f.min || chars(v) > f.max)
					throw invalid('json.length', k, `'${k}' must be ${f.min} to ${f.max} characters`);
			}
			out[k] = v;
		}
		for (const [k, f] of Object.entries(PUBLIC_FIELDS))
			if (f.required && !(k in body)) throw invalid('json.required', k, `'${k}' is required`);
		out.attributes = body.attributes === null ? undefined : body.attributes;
		return out;
	}
	/* requests_attrs_check, the part that needs no spec types: required and unknown keys */
	function attrsCheck(spec, attrs) {
		if (attrs !== undefined && (attrs === null || typeof attrs !== 'object' || Array.isArray(attrs)))
			throw invalid('requests.attribute_type', 'attributes', 'attributes must be an object');
		const a = attrs || {};
		for (const item of spec) {
			if (typeof item.key !== 'string') continue;
			const v = a[item.key];
			if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) {
				if (item.required === true)
					throw invalid('requests.attribute_required', `attributes.${item.key}`, `'${item.key}' is required`);
				continue;
			}
		}
		for (const k of Object.keys(a))
			if (!spec.some((item) => item.key === k))
				throw invalid('requests.attribute_unknown', `attributes.${k}`, `no attribute '${k}' in this category`);
	}
	/* notify_mask: runs of 7 digits or more starred (a phone or an ID number in a text) */
	function noticeMask(text) {
		let out = '';
		for (let i = 0; i < text.length;) {
			if (text[i] < '0' || text[i] > '9') {
				out += text[i++];
				continue;
			}
			let n = 0;
			while (i + n < text.length && text[i + n] >= '0' && text[i + n] <= '9') n++;
			if (n >= 14 && (text[i + n] === 'X' || text[i + n] === 'x')) n++; /* an ID's check character */
			const run = text.slice(i, i + n);
			if (n < 7) out += run;
			else {
				const head = n >= 11 ? 3 : 0, tail = n >= 11 ? 4 : 2;
				out += run.slice(0, head) + '*'.repeat(n - head - tail) + run.slice(n - tail);
			}
			i += n;
		}
		return out;
	}
	const beijing = (isoText) => {
		if (!isoText) return '';
		const s = iso(Date.parse(isoText) + 8 * 3600 * 1000);
		return `${s.slice(0, 10)} ${s.slice(11, 16)}`;
	};

	const createRequest = db.transaction((b, requestId) => {
		writeEpoch++;
		const c = S.category.get(b.category_id);
		if (!c) throw invalid('requests.category_not_found', 'category_id', `no category '${b.category_id}'`);
		const [cname, role, attributes, responseHours, resolutionHours, children, active] = c;
		if (!active) throw invalid('requests.category_retired', 'category_id', `'${cname}' is retired and takes no new requests`);
		if (children) throw invalid('requests.category_not_leaf', 'category_id', `'${cname}' groups categories; choose one of its own`);
		const p = placeGet(b.place_id);
		if (!p) throw invalid('requests.place_not_found', 'place_id', `no place '${b.place_id}'`);
		if (p.status !== 'active' || p.path.split('/').length < 6)
			throw invalid('requests.place_outside', 'place_id', `'${p.name}' is not a place in a town`);
		attrsCheck(JSON.parse(attributes), b.attributes);
		if (b.contact_phone || (b.photos && b.photos.length))
			throw new ApiError(501, 'peer.unsupported', 'the peer seals no phones and attaches no photos');
		let rung = LADDER.indexOf(role);
		if (rung < 0) rung = 4;
		const t = Date.now(), now = iso(t);
		const rdue = iso(t + responseHours * 3600000), sdue = iso(t + resolutionHours * 3600000);
		const id = idNew(), code = trackingCode(), day = today();
		const vacant = [];
		let h;
		for (; rung < 4; rung++) {
			h = dutyHolder(p, LADDER[rung], day);
			if (h) break;
			vacant.push(LADDER[rung]);
		}
		h = h || {};
		const routed = JSON.stringify({ vacant, role: LADDER[rung], duty_id: h.id ?? null, holder_name: h.holder_name ?? null });
		const title = b.title ? b.title : cname;
		S.requestInsert.run(id, p.region, code, b.category_id, p.id, title, b.description ?? '',
			b.attributes !== undefined ? JSON.stringify(b.attributes) : '{}', 'submitted', 'public', null, null,
			b.contact_name ?? null, null, null, null, h.id ?? null, h.user_id ?? null, h.holder_name ?? null,
			LADDER[rung], rung, rdue, sdue, now, now);
		let eid;
		for (const [action, before, data] of [['submit', null, '{}'], ['route', 'submitted', routed]]) {
			eid = idNew();
			S.eventInsert.run(eid, id, p.region, iso(Date.now()), action, 'public', null, null, null, before, 'submitted', data);
		}
		auditWrite({ kind: 'system', id: null, name: 'public', requestId }, p.region, 'requests', id, 'create',
			JSON.stringify({ status_before: null, status_after: 'submitted' }));
		/* the notice to the holder's inbox (notify.c; no WeCom, DingTalk or SMS configured) */
		if (h.user_id) {
			const n = S.noticeFacts.get(id);
			const due = beijing(n.status === 'submitted' ? n.response_due_at : n.resolution_due_at);
			const what = `${n.place}·${n.category}：${n.title}`;
			const subject = noticeMask(`新诉求待签收：${n.title}`);
			let body = noticeMask(`${what}。${due ? '签收时限 ' : ''}${due}${due ? '，' : ''}请签收办理。`);
			if (CFG.consoleUrl) body = `${body}\n${CFG.consoleUrl}/requests/${id}`;
			const at = iso(Date.now());
			S.noticeInsert.run(idNew(), n.region, id, eid, 'route', 'inbox', h.user_id, h.holder_name ?? null, null,
				subject, body, 'sent', null, at, at);
		}
		return code;
	});

	/* auth_rate_take: requests.public_per_hour per address, counted in this worker */
	const rate = new Map();
	function rateTake(addr) {
		const now = Date.now(), win = 3600000;
		let s = rate.get(addr);
		if (!s || now - s.since > win) {
			s = { count: 0, since: now };
			rate.set(addr, s);
		}
		if (s.count >= CFG.publicPerHour) {
			const wait = Math.ceil((s.since + win - now) / 1000);
			const e = new ApiError(429, 'requests.throttled', `too many submissions; try again in ${wait} seconds`);
			e.retryAfter = String(wait);
			throw e;
		}
		s.count++;
	}

	/* ---- POST /api/v1/session (src/accounts/http.c) ---- */

	const loginTx = db.transaction((u, ok, addr, requestId) => {
		writeEpoch++;
		let cookie = null, csrf = null;
		if (ok) {
			cookie = crypto.randomBytes(32).toString('base64url');
			csrf = crypto.randomBytes(24).toString('base64url');
			const now = Date.now();
			S.sessionInsert.run(sha256hex(cookie), u.id, csrf, iso(now), iso(now),
				iso(now + CFG.absoluteHours * 3600000), addr);
		}
		auditWrite({ kind: 'user', id: u.id, name: u.login, requestId }, u.region, 'sessions', u.id,
			ok ? 'login' : 'login_failed', JSON.stringify({ address: addr }));
		return { cookie, csrf };
	});

	fastify.post('/api/v1/session', async (req, reply) => {
		const b = req.body;
		if (b === null || typeof b !== 'object' || Array.isArray(b)) throw invalid('json.type', null, 'body must be a JSON object');
		for (const k of Object.keys(b))
			if (k !== 'login' && k !== 'password') throw invalid('json.unknown_field', k, `unknown field '${k}'`);
		for (const [k, max] of [['login', 64], ['password', 128]]) {
			if (!(k in b)) throw invalid('json.required', k, `'${k}' is required`);
			if (b[k] === null) throw invalid('json.null', k, `'${k}' must not be null`);
			if (typeof b[k] !== 'string') throw invalid('json.type', k, `'${k}' must be a string`);
			if (chars(b[k]) < 1 || chars(b[k]) > max) throw invalid('json.length', k, `'${k}' must be 1 to ${max} characters`);
		}
		const u = S.userByLogin.get(b.login);
		const ok = !!u && sodium.crypto_pwhash_str_verify(u.pw_hash, b.password);
		const requestId = idNew(), addr = req.socket.remoteAddress.replace(/^::ffff:/, '');
		if (!ok) {
			if (u) loginTx(u, false, addr, requestId);
			throw new ApiError(401, 'auth.login_failed', 'wrong login or password');
		}
		if (u.disabled) throw new ApiError(401, 'auth.account_disabled', 'this account is disabled');
		const { cookie, csrf } = loginTx(u, true, addr, requestId);
		reply.header('Set-Cookie', `cunwu_session=${cookie}; Path=/; HttpOnly; SameSite=Strict; ` +
			`Max-Age=${CFG.absoluteHours * 3600}${CFG.secureCookie ? '; Secure' : ''}`);
		return {
			user: {
				id: u.id, login: u.login, name: u.name, place_id: u.place_id, place_name: u.place_name,
				region: u.region, disabled: !!u.disabled, version: u.version, created_at: u.created_at,
				updated_at: u.updated_at, lang: u.lang,
			},
			csrf_token: csrf,
		};
	});

	/* ---- the routes ---- */

	fastify.get('/api/v1/people', authed('people.read', null, listPeople));
	fastify.get('/api/v1/cockpit', authed('cockpit.read', (req) => [cockpitPathOf(req), null], cockpit));
	fastify.get('/api/v1/places/:id/diagram', authed('people.read', (req) => placePaths(req.params.id), diagram));
	fastify.get('/api/v1/public/requests', async (req) => publicRead(req));
	fastify.post('/api/v1/public/requests', async (req, reply) => {
		const b = decodePublic(req.body);
		try {
			rateTake(req.socket.remoteAddress);
		} catch (e) {
			if (e.retryAfter) reply.header('Retry-After', e.retryAfter);
			throw e;
		}
		const code = createRequest.immediate(b, idNew());
		reply.code(201);
		return { tracking_code: code, status: 'submitted' };
	});
	const one = st('SELECT 1').pluck();
	fastify.get('/healthz', async () => {
		one.get();
		return { status: 'ok' };
	});

	/* the cockpit's place before the handler: the query's, else the caller's first cockpit place
	 * (found again in the handler, from the same principal) */
	function cockpitPathOf(req) {
		const id = qp(req, 'place');
		if (id !== undefined) return placePaths(id)[0];
		const who = identify(req);
		const g = who && who.grants.find((x) => x.perms.has('cockpit.read'));
		if (!g) throw forbidden("you do not have 'cockpit.read'");
		return g.path;
	}

	const host = process.env.PEER_HOST, port = Number(process.env.PEER_PORT);
	await fastify.listen({ host, port });
	const a = fastify.server.address();
	process.send({ type: 'listening', addr: `${host}:${a.port}`, port: a.port });
	const bye = () => fastify.close().then(() => { db.close(); process.exit(0); });
	process.on('SIGTERM', bye);
	process.on('SIGINT', () => {});
}
