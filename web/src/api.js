// api.js - the console's one client for /api/v1 (see docs/api.md and docs/internals/web.md).
//
// JSON in and out, the session cookie sent by the browser, X-CSRF-Token on unsafe methods,
// If-Match from a row's version, Idempotency-Key on the POSTs that ask for one. Every
// failure is thrown as an ApiError whose `code` is an i18n key. No Vue here: the unit tests
// run this file under plain Node with a fake fetch.

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/*
 * A failed call. `code` is the API's stable error code (an i18n key) or one of the
 * client's own: `net.offline` (no answer at all), `net.aborted` (the caller gave up),
 * `http.bad_answer` (an answer that is not the API's JSON). `retryAfter` is in seconds
 * (429, 503) or null.
 */
export class ApiError extends Error {
	constructor({ status = 0, code = 'internal', field = null, message = '', retryAfter = null }) {
		super(message || code);
		this.name = 'ApiError';
		this.status = status;
		this.code = code;
		this.field = field;
		this.retryAfter = retryAfter;
	}
}

/* Retry-After: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value, now = Date.now()) {
	if (value == null || value === '') return null;
	const s = String(value).trim();
	if (/^\d+$/.test(s)) return Number(s);
	const at = Date.parse(s);
	if (Number.isNaN(at)) return null;
	return Math.max(0, Math.ceil((at - now) / 1000));
}

/* ETag: "N" (or W/"N") -> N; null when there is none or it is not a version. */
export function parseEtag(value) {
	const m = /^(?:W\/)?"(\d+)"$/.exec(String(value || '').trim());
	return m ? Number(m[1]) : null;
}

function queryString(query) {
	if (!query) return '';
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(query)) {
		if (v === undefined || v === null || v === '') continue;
		p.append(k, String(v));
	}
	const s = p.toString();
	return s ? '?' + s : '';
}

function randomKey() {
	const c = globalThis.crypto;
	const bytes = new Uint8Array(16);
	if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
	else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
	return 'cw-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/*
 * createClient({ fetch, base, retries, retryDelay }) -> client
 *
 * fetch:      the fetch to use (tests pass a fake); default the browser's
 * base:       prefix of every path ('' in the browser: same origin)
 * retries:    how often a call that got no answer at all is sent again - only GETs and
 *             POSTs carrying an Idempotency-Key, which the server does at most once
 */
export function createClient({ fetch: fetchImpl, base = '', retries = 1, retryDelay = 400 } = {}) {
	const doFetch = fetchImpl || ((...a) => globalThis.fetch(...a));
	let csrf = null;
	const unauthorized = new Set();

	async function send(method, path, opts) {
		const headers = { Accept: 'application/json' };
		const init = { method, headers, credentials: 'same-origin' };
		if (opts.body !== undefined) {
			headers['Content-Type'] = 'application/json';
			init.body = JSON.stringify(opts.body);
		} else if (opts.form !== undefined) {
			init.body = opts.form; // FormData: the browser writes the multipart Content-Type
		}
		if (UNSAFE.has(method) && csrf) headers['X-CSRF-Token'] = csrf;
		if (opts.version != null) headers['If-Match'] = `"${opts.version}"`;
		if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
		if (opts.signal) init.signal = opts.signal;
		Object.assign(headers, opts.headers || {});
		let res;
		try {
			res = await doFetch(base + path + queryString(opts.query), init);
		} catch (err) {
			if (err && err.name === 'AbortError')
				throw new ApiError({ code: 'net.aborted', message: 'the request was cancelled' });
			throw new ApiError({ code: 'net.offline', message: 'no answer from the server' });
		}
		return res;
	}

	async function decode(res) {
		if (res.status === 204 || res.status === 205) return { data: null, ok: true };
		const text = await res.text().catch(() => null);
		if (text === null) return { data: undefined, ok: false };
		if (text === '') return { data: null, ok: true };
		const type = (res.headers.get('Content-Type') || '').toLowerCase();
		if (!type.includes('json')) return { data: undefined, ok: false };
		try {
			return { data: JSON.parse(text), ok: true };
		} catch (_) {
			return { data: undefined, ok: false };
		}
	}

	/*
	 * request(method, path, opts) -> { status, data, version, headers }
	 *
	 * opts: query (object; empty values left out), body (JSON) or form (a FormData sent as
	 * multipart/form-data), version (If-Match),
	 * idempotencyKey (true for a fresh one, or a string), headers, signal, anonymous (a
	 * 401 is this call's answer - signing in - not a lost session). Throws ApiError.
	 */
	async function request(method, path, opts = {}) {
		method = method.toUpperCase();
		const o = { ...opts };
		if (o.idempotencyKey === true) o.idempotencyKey = randomKey();
		const canRetry = method === 'GET' || (method === 'POST' && o.idempotencyKey);
		let res;
		for (let attempt = 0; ; attempt++) {
			try {
				res = await send(method, path, o);
				break;
			} catch (err) {
				if (err.code !== 'net.offline' || !canRetry || attempt >= retries) throw err;
				await sleep(retryDelay * (attempt + 1));
			}
		}
		const { data, ok } = await decode(res);
		if (res.ok) {
			if (!ok)
				throw new ApiError({
					status: res.status,
					code: 'http.bad_answer',
					message: `unreadable answer (HTTP ${res.status})`,
				});
			return { status: res.status, data, version: parseEtag(res.headers.get('ETag')), headers: res.headers };
		}
		const e = data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : null;
		const err = new ApiError({
			status: res.status,
			code: e && typeof e.code === 'string' ? e.code : 'http.bad_answer',
			field: e && typeof e.field === 'string' ? e.field : null,
			message: e && typeof e.message === 'string' ? e.message : `HTTP ${res.status}`,
			retryAfter: parseRetryAfter(res.headers.get('Retry-After')),
		});
		// a lost CSRF token (another tab signed in again): fetch the current one, try once more
		if (res.status === 403 && err.code === 'auth.csrf' && !o.csrfRetried && UNSAFE.has(method)) {
			try {
				const me = await request('GET', '/api/v1/me');
				if (me.data && me.data.csrf_token) csrf = me.data.csrf_token;
			} catch (_) {
				throw err;
			}
			return request(method, path, { ...o, csrfRetried: true });
		}
		if (res.status === 401 && !o.anonymous) for (const fn of unauthorized) fn(err);
		throw err;
	}

	// A single row's answer carries its version also from the ETag header.
	function body(r) {
		const d = r.data;
		if (r.version != null && d && typeof d === 'object' && !Array.isArray(d) && !('items' in d))
			d.version = r.version;
		return d;
	}

	return {
		request,
		/* get(path, { query, signal }) -> the decoded JSON */
		get: (path, opts = {}) => request('GET', path, opts).then(body),
		/* post(path, body, { idempotencyKey, anonymous }) */
		post: (path, data, opts = {}) => request('POST', path, { ...opts, body: data }).then(body),
		/* patch(path, body, { version }) sends If-Match: "version" */
		patch: (path, data, opts = {}) => request('PATCH', path, { ...opts, body: data }).then(body),
		put: (path, data, opts = {}) => request('PUT', path, { ...opts, body: data }).then(body),
		del: (path, opts = {}) => request('DELETE', path, opts).then(body),
		/* upload(path, formData, { query }): a POST of files as multipart/form-data */
		upload: (path, form, opts = {}) => request('POST', path, { ...opts, form }).then(body),
		/* the token from POST /api/v1/session or GET /api/v1/me (csrf_token) */
		setCsrf(token) {
			csrf = token || null;
		},
		get csrf() {
			return csrf;
		},
		/* fn(ApiError) on every 401 of a call that is not anonymous; returns the remover */
		onUnauthorized(fn) {
			unauthorized.add(fn);
			return () => unauthorized.delete(fn);
		},
	};
}

// The console's client: same origin.
export const api = createClient();
export default api;
