// The browser tests' world: a real `cunwu serve` over a fresh demo township, and one
// headless Debian Chromium shared by the whole suite. Screenshots go to
// CUNWU_SCREENSHOTS (default build/screenshots) and are kept as test output.
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHmac } from 'node:crypto';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../../..');
export const PASSWORD = 'Browser-pass-123';
const CHEAP_ARGON = ['--set', 'auth.argon2_memory_kib=8192', '--set', 'auth.argon2_ops=1'];

export const shotDir = resolve(root, process.env.CUNWU_SCREENSHOTS || 'build/screenshots');

// The database: a SQLite file in dir, or with pg (CUNWU_TEST_PG, a throw-away cluster's
// URL) a fresh PostgreSQL database; the key file and media beside it in dir either way.
function dbArgs(dir, pg) {
	return ['--db', pg ? `${pg}/cunwu_browser` : join(dir, 'browser.db'),
		'--set', `key_file=${join(dir, 'cunwu.key')}`, '--set', `media.dir=${join(dir, 'media')}`];
}

function psql(pg, sql) {
	const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', `${pg}/postgres`, '-c', sql],
		{ encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`psql ${sql}: ${r.stderr}`);
}

function cunwu(bin, dir, pg, args, input) {
	const r = spawnSync(bin, [...dbArgs(dir, pg), ...CHEAP_ARGON, ...args], {
		cwd: dir,
		input,
		encoding: 'utf8',
	});
	if (r.status !== 0)
		throw new Error(`cunwu ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
	return r.stdout;
}

// The demo township (微子镇) with known passwords (PASSWORD) for the accounts the tests
// use: admin and security, and those named in logins (such as the village secretaries
// sj204, sj205); on PostgreSQL when pg is a cluster URL; settings: ['name=value', ...] for
// the server (--set).
export async function startServer({ pg, logins = [], settings = [] } = {}) {
	const bin = resolve(root, process.env.CUNWU_BIN || 'build/cunwu');
	if (!existsSync(bin)) throw new Error(`${bin} is missing: run make first`);
	const dir = mkdtempSync(join(tmpdir(), 'cunwu-browser-'));
	if (pg) {
		psql(pg, 'DROP DATABASE IF EXISTS cunwu_browser');
		psql(pg, "CREATE DATABASE cunwu_browser TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' ENCODING 'UTF8'");
	}
	cunwu(bin, dir, pg, ['demo', '--force']);
	for (const login of new Set(['admin', 'security', ...logins]))
		cunwu(bin, dir, pg, ['user', 'passwd', login, '--password-stdin'], PASSWORD + '\n');
	const ready = join(dir, 'ready');
	const child = spawn(
		bin,
		[...dbArgs(dir, pg), ...CHEAP_ARGON, '--set', 'http.stop_after=900',
			...settings.flatMap((x) => ['--set', x]), 'serve', '--listen', '127.0.0.1:0', '--ready-file', ready],
		{ cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
	);
	let log = '';
	child.stderr.on('data', (d) => { log += d; });
	for (let i = 0; i < 200 && !existsSync(ready); i++) {
		if (child.exitCode !== null) throw new Error(`cunwu serve exited: ${log}`);
		await sleep(50);
	}
	if (!existsSync(ready)) throw new Error(`cunwu serve did not start: ${log}`);
	const addr = readFileSync(ready, 'utf8').trim();
	// the administrators sign in with a second factor: admin and security enrol over the API
	for (const login of ['admin', 'security']) await enrol(`http://${addr}`, login);
	return {
		dir,
		url: `http://${addr}`,
		cli: (args, input) => cunwu(bin, dir, pg, args, input),
		log: () => log,
		async stop() {
			child.kill('SIGTERM');
			for (let i = 0; i < 100 && child.exitCode === null; i++) await sleep(50);
			if (child.exitCode === null) child.kill('SIGKILL');
			if (!process.env.CUNWU_KEEP) rmSync(dir, { recursive: true, force: true });
			if (pg) psql(pg, 'DROP DATABASE IF EXISTS cunwu_browser');
			return child.exitCode;
		},
	};
}

// A describe block's server (startServer(options)), browser and one desktop page, made in
// its before hook and closed in its after hook (the server must stop cleanly); set gets
// { server, browser, s } once they are made.
export function desktopHooks(options, set) {
	const x = {};
	before(async () => {
		x.server = await startServer(options);
		x.browser = await startBrowser();
		x.s = await newPage(x.browser, 'desktop');
		set(x);
	});
	after(async () => {
		if (x.s) await x.s.context.close();
		if (x.browser) await x.browser.close();
		if (x.server) assert.equal(await x.server.stop(), 0, 'cunwu serve stops cleanly');
	});
}

// ---- the second factor (TOTP, RFC 6238) of the administrators ----
// Each enrols when the server starts, as a person would (a session that may only enrol, a
// secret, confirmed with a code); the harness keeps the secret and the last step used, so
// that it never sends a code twice (the server refuses a replay) and waits for the next
// step when the three it accepts (one of skew either way) are used.
const totpSecrets = new Map(); // login -> { key, last }

function base32(s) {
	const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0, acc = 0;
	const out = [];
	for (const c of s.replace(/[\s=]/g, '').toUpperCase()) {
		acc = (acc << 5) | abc.indexOf(c);
		bits += 5;
		if (bits >= 8) {
			out.push((acc >> (bits - 8)) & 255);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

function hotp(key, step) {
	const msg = Buffer.alloc(8);
	msg.writeBigUInt64BE(BigInt(step));
	const mac = createHmac('sha1', key).update(msg).digest();
	const off = mac[19] & 15;
	return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/* login's next code (its step marked used); null if login has no second factor here */
export async function totpCode(login) {
	const t = totpSecrets.get(login);
	if (!t) return null;
	for (;;) {
		const now = Math.floor(Date.now() / 30000);
		const step = Math.max(t.last + 1, now - 1);
		if (step <= now + 1) {
			t.last = step;
			return hotp(t.key, step);
		}
		await sleep(200);
	}
}

/* the harness knows secret for login (a test enrolled it through the console) */
export function totpKnow(login, secret) {
	totpSecrets.set(login, { key: base32(secret), last: 0 });
}

async function enrol(url, login) {
	const call = async (method, path, body, cookie, csrf) => {
		const r = await fetch(url + path, {
			method,
			headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie, 'X-CSRF-Token': csrf } : {}) },
			body: body ? JSON.stringify(body) : undefined,
		});
		const text = await r.text();
		if (!r.ok) throw new Error(`enrol ${login}: ${method} ${path}: ${r.status} ${text}`);
		return { r, json: text ? JSON.parse(text) : null };
	};
	const { r, json } = await call('POST', '/api/v1/session', { login, password: PASSWORD });
	const cookie = r.headers.get('set-cookie').split(';')[0];
	const { json: t } = await call('POST', '/api/v1/me/totp', {}, cookie, json.csrf_token);
	totpKnow(login, t.secret);
	await call('POST', '/api/v1/me/totp/confirm', { code: await totpCode(login) }, cookie, json.csrf_token);
}

/* after the login form was sent: the code of login's second factor, when the page asks */
export async function answerCode(page, login, labels) {
	if (!totpSecrets.has(login)) return;
	const field = page.getByLabel(labels['login.code']);
	await field.waitFor();
	await field.fill(await totpCode(login));
	await page.getByRole('button', { name: labels['login.submit'] }).click();
}

export async function startBrowser() {
	const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
	return chromium.launch({
		executablePath,
		headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
			'--disable-component-update', '--no-first-run', '--disable-sync',
			'--disable-quic', '--disable-dev-shm-usage'],
	});
}

export const VIEWPORTS = {
	desktop: { width: 1280, height: 800 },
	phone: { width: 375, height: 812, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
	phone390: { width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

export async function newPage(browser, kind, locale = 'zh-CN') {
	const v = VIEWPORTS[kind];
	const context = await browser.newContext({
		viewport: { width: v.width, height: v.height },
		isMobile: !!v.isMobile,
		hasTouch: !!v.hasTouch,
		deviceScaleFactor: v.deviceScaleFactor || 1,
		locale,
		timezoneId: 'Asia/Shanghai',
	});
	const page = await context.newPage();
	const problems = [];
	page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/status of 4\d\d/.test(m.text()))
			problems.push(`console: ${m.text()}`);
	});
	const requests = [];
	const responses = [];
	page.on('request', (r) => requests.push(r.url()));
	page.on('response', (r) => responses.push(r));
	return { context, page, problems, requests, responses };
}

export async function shot(page, name) {
	mkdirSync(shotDir, { recursive: true });
	await page.evaluate(() => window.scrollTo(0, 0)); // a sticky header stays on top
	await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: true });
}

// A call of the API as the page's signed-in user (what another tab or a colleague does):
// { status, body }.
export async function apiCall(page, method, path, body) {
	return page.evaluate(
		async ([method, path, body]) => {
			const me = await (await fetch('/api/v1/me')).json();
			const r = await fetch(path, {
				method,
				headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
				body: body ? JSON.stringify(body) : undefined,
			});
			return { status: r.status, body: r.status === 204 ? null : await r.json() };
		},
		[method, path, body],
	);
}

// axe-core in the page: serious and critical violations are failures.
const axeSource = readFileSync(resolve(root, 'web/node_modules/axe-core/axe.min.js'), 'utf8');
export async function axeViolations(page) {
	await page.evaluate(axeSource);
	const res = await page.evaluate(async () => {
		// eslint-disable-next-line no-undef
		const r = await axe.run(document, { resultTypes: ['violations'] });
		return r.violations.map((v) => ({
			id: v.id,
			impact: v.impact,
			help: v.help,
			nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
		}));
	});
	return res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

// Phone rules: nothing wider than the screen, every target at least 44 by 44 CSS pixels.
export async function phoneProblems(page) {
	return page.evaluate(() => {
		const out = [];
		const w = document.documentElement.clientWidth;
		if (document.documentElement.scrollWidth > w)
			out.push(`page scrolls sideways: ${document.documentElement.scrollWidth} > ${w}`);
		const sel = 'a[href], button, input:not([type=hidden]), select, textarea, [role=button], [tabindex="0"]';
		for (const el of document.querySelectorAll(sel)) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 && r.height === 0) continue; // not shown
			const st = getComputedStyle(el);
			if (st.visibility === 'hidden' || st.display === 'none') continue;
			// a checkbox or radio counts with its label
			let box = r;
			if ((el.type === 'checkbox' || el.type === 'radio') && el.closest('label'))
				box = el.closest('label').getBoundingClientRect();
			if (box.width < 44 - 0.5 || box.height < 44 - 0.5)
				out.push(`small target ${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 30)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
		}
		return out;
	});
}

/* s (newPage's) settled: screenshotted as name, no axe violations, at a phone no sideways
 * scrolling or small targets, no script errors */
export async function checkPage(s, name, phone = false) {
	await s.page.waitForLoadState('networkidle');
	await shot(s.page, name);
	assert.deepEqual(await axeViolations(s.page), [], `axe on ${name}`);
	if (phone) assert.deepEqual(await phoneProblems(s.page), [], `phone rules on ${name}`);
	assert.deepEqual(s.problems, [], `no script errors on ${name}`);
}

/* sign s in as login through the login page (labels in zh-CN) */
export async function signInAs(server, s, login, labels) {
	await s.page.goto(server.url + '/login');
	await s.page.getByLabel(labels['login.login']).fill(login);
	await s.page.getByLabel(labels['login.password']).fill(PASSWORD);
	await s.page.getByRole('button', { name: labels['login.submit'] }).click();
	await answerCode(s.page, login, labels);
	await s.page.waitForURL(server.url + '/');
}

/* the public request form (/r, in zh-CN) filled for 秦家山村's first place: category wires */
export async function fillReportForm(main, zh, description, phone) {
	await main.getByLabel(zh['report.category']).selectOption('wires');
	const picks = main.locator('.public-place select');
	await picks.nth(0).selectOption({ label: '微子镇' });
	await picks.nth(1).selectOption({ label: '秦家山村' });
	await picks.nth(2).selectOption({ index: 1 });
	await main.getByLabel(zh['report.description']).fill(description);
	await main.getByLabel(zh['report.phone']).fill(phone);
}
