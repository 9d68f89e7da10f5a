// api.test.js - the console's API client (src/api.js) against a fake fetch: headers (CSRF
// on unsafe methods only, If-Match, Idempotency-Key), JSON in and out, error decoding,
// Retry-After, the 401 listener, network failures and retries.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, createClient, parseEtag, parseRetryAfter } from '../../src/api.js';

/* A fake fetch answering from a list of handlers, recording every call. */
function fake(...answers) {
	const calls = [];
	const fetch = async (url, init) => {
		calls.push({ url, ...init, headers: { ...init.headers } });
		const a = answers.length > 1 ? answers.shift() : answers[0];
		if (typeof a === 'function') return a(url, init);
		return a;
	};
	return { fetch, calls };
}

function json(status, body, headers = {}) {
	const h = new Map(Object.entries({ 'content-type': 'application/json; charset=utf-8', ...headers }).map(([k, v]) => [k.toLowerCase(), v]));
	return {
		status,
		ok: status >= 200 && status < 300,
		headers: { get: (k) => (h.has(k.toLowerCase()) ? h.get(k.toLowerCase()) : null) },
		text: async () => (body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
	};
}

const apiError = (status, code, field = null, headers = {}) =>
	json(status, { error: { code, message: `server says ${code}`, field } }, headers);

test('GET sends JSON accept, same-origin credentials, the query without empty values', async () => {
	const f = fake(json(200, { items: [], total: 0 }));
	const c = createClient({ fetch: f.fetch, base: 'http://x' });
	const r = await c.get('/api/v1/users', { query: { q: '张 三', page: 2, sort: '', parent: null } });
	assert.deepEqual(r, { items: [], total: 0 });
	assert.equal(f.calls[0].url, 'http://x/api/v1/users?q=%E5%BC%A0+%E4%B8%89&page=2');
	assert.equal(f.calls[0].method, 'GET');
	assert.equal(f.calls[0].credentials, 'same-origin');
	assert.equal(f.calls[0].headers.Accept, 'application/json');
	assert.equal(f.calls[0].body, undefined);
});

test('X-CSRF-Token goes with unsafe methods only', async () => {
	const f = fake(json(200, {}));
	const c = createClient({ fetch: f.fetch });
	c.setCsrf('tok-1');
	await c.get('/a');
	await c.post('/a', { x: 1 });
	await c.put('/a', { x: 1 });
	await c.patch('/a', { x: 1 });
	await c.del('/a');
	const sent = f.calls.map((k) => [k.method, k.headers['X-CSRF-Token']]);
	assert.deepEqual(sent, [
		['GET', undefined],
		['POST', 'tok-1'],
		['PUT', 'tok-1'],
		['PATCH', 'tok-1'],
		['DELETE', 'tok-1'],
	]);
	assert.equal(c.csrf, 'tok-1');
	c.setCsrf(null);
	await c.post('/a', {});
	assert.equal(f.calls[5].headers['X-CSRF-Token'], undefined);
});

test('a body is JSON with its Content-Type', async () => {
	const f = fake(json(201, { id: 'u1' }));
	const c = createClient({ fetch: f.fetch });
	await c.post('/api/v1/users', { login: 'li', name: '李' });
	assert.equal(f.calls[0].headers['Content-Type'], 'application/json');
	assert.deepEqual(JSON.parse(f.calls[0].body), { login: 'li', name: '李' });
});

test('an upload is multipart: the FormData as the body, no JSON Content-Type, the CSRF token', async () => {
	const f = fake(json(201, { id: 'x' }, { ETag: '"1"' }));
	const c = createClient({ fetch: f.fetch });
	c.setCsrf('tok-1');
	const form = new FormData();
	form.append('file', new Blob(['a,b\n']), 'a.csv');
	const r = await c.upload('/api/v1/imports', form, { query: { place: 'P1' } });
	assert.deepEqual(r, { id: 'x', version: 1 });
	assert.equal(f.calls[0].url, '/api/v1/imports?place=P1');
	assert.equal(f.calls[0].method, 'POST');
	assert.equal(f.calls[0].body, form);
	assert.equal(f.calls[0].headers['Content-Type'], undefined);
	assert.equal(f.calls[0].headers['X-CSRF-Token'], 'tok-1');
});

test('patch with a version sends If-Match "N"; the answer takes the ETag version', async () => {
	const f = fake(json(200, { id: 'u1', name: 'n', version: 3 }, { ETag: '"4"' }));
	const c = createClient({ fetch: f.fetch });
	const u = await c.patch('/api/v1/users/u1', { name: 'n' }, { version: 3 });
	assert.equal(f.calls[0].headers['If-Match'], '"3"');
	assert.equal(u.version, 4);
	await c.patch('/api/v1/users/u1', { name: 'n' });
	assert.equal(f.calls[1].headers['If-Match'], undefined);
});

test('request() gives status, data and the ETag version', async () => {
	const f = fake(json(200, { id: 'p' }, { ETag: '"7"' }));
	const c = createClient({ fetch: f.fetch });
	const r = await c.request('GET', '/api/v1/places/p');
	assert.equal(r.status, 200);
	assert.equal(r.version, 7);
	assert.deepEqual(r.data, { id: 'p' });
});

test('Idempotency-Key only when asked: a given one, or a fresh one per call', async () => {
	const f = fake(json(201, {}));
	const c = createClient({ fetch: f.fetch });
	await c.post('/a', {});
	await c.post('/a', {}, { idempotencyKey: 'key-12345678' });
	await c.post('/a', {}, { idempotencyKey: true });
	await c.post('/a', {}, { idempotencyKey: true });
	assert.equal(f.calls[0].headers['Idempotency-Key'], undefined);
	assert.equal(f.calls[1].headers['Idempotency-Key'], 'key-12345678');
	const k3 = f.calls[2].headers['Idempotency-Key'];
	const k4 = f.calls[3].headers['Idempotency-Key'];
	assert.match(k3, /^[A-Za-z0-9-]{8,128}$/);
	assert.notEqual(k3, k4);
});

test('204 answers null', async () => {
	const f = fake(json(204, undefined, { 'content-type': '' }));
	const c = createClient({ fetch: f.fetch });
	assert.equal(await c.del('/api/v1/grants/g'), null);
});

test("the API's error object becomes an ApiError with status, code, field, message", async () => {
	const f = fake(apiError(400, 'accounts.password_too_short', 'password'));
	const c = createClient({ fetch: f.fetch });
	await assert.rejects(c.post('/api/v1/users', {}), (e) => {
		assert.ok(e instanceof ApiError);
		assert.ok(e instanceof Error);
		assert.equal(e.status, 400);
		assert.equal(e.code, 'accounts.password_too_short');
		assert.equal(e.field, 'password');
		assert.equal(e.message, 'server says accounts.password_too_short');
		assert.equal(e.retryAfter, null);
		return true;
	});
});

test('412 and 409 keep their codes', async () => {
	const f = fake(apiError(412, 'http.precondition_failed'), apiError(409, 'accounts.separation_of_duties', 'role_id'));
	const c = createClient({ fetch: f.fetch });
	await assert.rejects(c.patch('/u', {}, { version: 1 }), { status: 412, code: 'http.precondition_failed', field: null });
	await assert.rejects(c.post('/g', {}), { status: 409, code: 'accounts.separation_of_duties', field: 'role_id' });
});

test('429 carries Retry-After in seconds', async () => {
	const f = fake(apiError(429, 'auth.throttled', null, { 'Retry-After': '840' }));
	const c = createClient({ fetch: f.fetch });
	await assert.rejects(c.post('/api/v1/session', {}, { anonymous: true }), { status: 429, code: 'auth.throttled', retryAfter: 840 });
});

test('Retry-After as an HTTP date, and unreadable values', () => {
	const now = Date.parse('2026-11-29T08:00:00Z');
	assert.equal(parseRetryAfter('Sun, 29 Nov 2026 08:02:00 GMT', now), 120);
	assert.equal(parseRetryAfter('Sun, 29 Nov 2026 07:00:00 GMT', now), 0);
	assert.equal(parseRetryAfter('soon', now), null);
	assert.equal(parseRetryAfter(null, now), null);
	assert.equal(parseRetryAfter('0', now), 0);
});

test('ETag parsing', () => {
	assert.equal(parseEtag('"12"'), 12);
	assert.equal(parseEtag('W/"3"'), 3);
	assert.equal(parseEtag('"abc"'), null);
	assert.equal(parseEtag(null), null);
});

test('a 401 tells the listeners, unless the call is anonymous (signing in)', async () => {
	const f = fake(apiError(401, 'auth.session_expired'), apiError(401, 'auth.login_failed'));
	const c = createClient({ fetch: f.fetch });
	const heard = [];
	const off = c.onUnauthorized((e) => heard.push(e.code));
	await assert.rejects(c.get('/api/v1/users'), { status: 401, code: 'auth.session_expired' });
	await assert.rejects(c.post('/api/v1/session', {}, { anonymous: true }), { status: 401, code: 'auth.login_failed' });
	assert.deepEqual(heard, ['auth.session_expired']);
	off();
	await assert.rejects(c.get('/x'), { status: 401 });
	assert.deepEqual(heard, ['auth.session_expired']);
});

test('other statuses do not tell the 401 listeners', async () => {
	const f = fake(apiError(403, 'auth.forbidden'));
	const c = createClient({ fetch: f.fetch });
	let heard = 0;
	c.onUnauthorized(() => heard++);
	await assert.rejects(c.get('/x'), { status: 403, code: 'auth.forbidden' });
	assert.equal(heard, 0);
});

test('no answer at all is net.offline; GETs are tried again first', async () => {
	let n = 0;
	const f = fake(() => {
		n++;
		throw new TypeError('Failed to fetch');
	});
	const c = createClient({ fetch: f.fetch, retries: 2, retryDelay: 1 });
	await assert.rejects(c.get('/x'), (e) => e instanceof ApiError && e.code === 'net.offline' && e.status === 0);
	assert.equal(n, 3);
});

test('a retried GET that gets through answers normally', async () => {
	const f = fake(() => {
		throw new TypeError('Failed to fetch');
	}, json(200, { ok: true }));
	const c = createClient({ fetch: f.fetch, retries: 1, retryDelay: 1 });
	assert.deepEqual(await c.get('/x'), { ok: true });
	assert.equal(f.calls.length, 2);
});

test('a POST is sent again only with its Idempotency-Key, the same one', async () => {
	const down = () => {
		throw new TypeError('Failed to fetch');
	};
	const f = fake(down, down, json(201, { id: 'x' }));
	const c = createClient({ fetch: f.fetch, retries: 1, retryDelay: 1 });
	await assert.rejects(c.post('/a', {}), { code: 'net.offline' });
	assert.equal(f.calls.length, 1);
	assert.deepEqual(await c.post('/a', {}, { idempotencyKey: true }), { id: 'x' });
	assert.equal(f.calls.length, 3);
	assert.equal(f.calls[1].headers['Idempotency-Key'], f.calls[2].headers['Idempotency-Key']);
});

test('an aborted call is net.aborted and not retried', async () => {
	const f = fake(() => {
		const e = new Error('aborted');
		e.name = 'AbortError';
		throw e;
	});
	const c = createClient({ fetch: f.fetch, retries: 3, retryDelay: 1 });
	await assert.rejects(c.get('/x'), { code: 'net.aborted' });
	assert.equal(f.calls.length, 1);
});

test('answers that are not the API JSON are http.bad_answer', async () => {
	const html = json(200, '<!doctype html><p>hi', { 'content-type': 'text/html' });
	const proxy = json(502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' });
	const broken = json(200, '{"items": [', {});
	const noError = json(500, { oops: 1 });
	const f = fake(html, proxy, broken, noError);
	const c = createClient({ fetch: f.fetch });
	await assert.rejects(c.get('/a'), { status: 200, code: 'http.bad_answer' });
	await assert.rejects(c.get('/a'), { status: 502, code: 'http.bad_answer' });
	await assert.rejects(c.get('/a'), { status: 200, code: 'http.bad_answer' });
	await assert.rejects(c.get('/a'), { status: 500, code: 'http.bad_answer' });
});

test('503 carries Retry-After too', async () => {
	const f = fake(apiError(503, 'db.unavailable', null, { 'Retry-After': '5' }));
	const c = createClient({ fetch: f.fetch });
	await assert.rejects(c.get('/a'), { status: 503, code: 'db.unavailable', retryAfter: 5 });
});

test('403 auth.csrf: the token is fetched again from /me and the call repeated once', async () => {
	const f = fake(apiError(403, 'auth.csrf'), json(200, { user: {}, csrf_token: 'fresh' }), json(200, { ok: 1 }));
	const c = createClient({ fetch: f.fetch });
	c.setCsrf('stale');
	assert.deepEqual(await c.post('/a', { x: 1 }), { ok: 1 });
	assert.deepEqual(
		f.calls.map((k) => [k.method, k.url, k.headers['X-CSRF-Token']]),
		[
			['POST', '/a', 'stale'],
			['GET', '/api/v1/me', undefined],
			['POST', '/a', 'fresh'],
		],
	);
	assert.equal(c.csrf, 'fresh');
});

test('403 auth.csrf twice is thrown, not looped', async () => {
	const f = fake(apiError(403, 'auth.csrf'), json(200, { csrf_token: 'x' }), apiError(403, 'auth.csrf'));
	const c = createClient({ fetch: f.fetch });
	await assert.rejects(c.del('/a'), { status: 403, code: 'auth.csrf' });
	assert.equal(f.calls.length, 3);
});
