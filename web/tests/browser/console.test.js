// The console in a real Chromium against a real `cunwu serve` over the demo township:
// sign in (a wrong password, throttling), switch language, create an account and grant it
// a village, sign in as it and see only that village, sign out — at desktop size and at
// 375×812. Every page is screenshotted (build/screenshots/), checked with axe-core, and
// on the phone checked for sideways scrolling and small touch targets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zh from '../../src/i18n/zh-CN.js';
import en from '../../src/i18n/en.js';
import {
	startServer, startBrowser, newPage, shot, axeViolations, phoneProblems, PASSWORD, answerCode,
} from './harness.js';

// A translated text with its {params} as a pattern: 'login.throttled' → /登录失败次数过多，请 .+后再试。/
function pattern(text) {
	const parts = text.split(/\{[a-z_]+\}/);
	return new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+'));
}

describe('console', () => {
	let server, browser;
	before(async () => {
		server = await startServer();
		browser = await startBrowser();
	});
	after(async () => {
		if (browser) await browser.close();
		if (server) assert.equal(await server.stop(), 0, 'cunwu serve stops cleanly');
	});

	for (const kind of ['desktop', 'phone']) {
		describe(kind, () => {
			let s; // the page and what it saw
			const login = `bt-${kind}`;
			const userPassword = 'Village-pass-456';
			const phone = kind === 'phone';

			// every page: a screenshot, no axe violations, phone rules, no script errors
			async function check(name) {
				await s.page.waitForLoadState('networkidle');
				await shot(s.page, `${kind}-${name}`);
				assert.deepEqual(await axeViolations(s.page), [], `axe on ${name}`);
				if (phone) assert.deepEqual(await phoneProblems(s.page), [], `phone rules on ${name}`);
				assert.deepEqual(s.problems, [], `no script errors on ${name}`);
			}

			async function signIn(user, password) {
				await s.page.goto(server.url + '/login');
				await s.page.getByLabel(zh['login.login']).fill(user);
				await s.page.getByLabel(zh['login.password']).fill(password);
				await s.page.getByRole('button', { name: zh['login.submit'] }).click();
				if (password === PASSWORD) await answerCode(s.page, user, zh);
			}

			async function signOut(texts = zh) {
				await s.page.getByRole('button', { name: texts['user.menu'] }).click();
				await s.page.getByRole('button', { name: texts['user.logout'] }).click();
				await s.page.waitForURL(/\/login/);
			}

			// choose a place in the picker a PlaceField (or the header) opened
			async function pick(name) {
				const dialog = s.page.getByRole('dialog');
				await dialog.getByLabel(zh['place.search']).fill(name);
				await dialog.getByRole('button', { name: new RegExp('^' + name) }).first().click();
				await dialog.waitFor({ state: 'hidden' });
			}

			before(async () => {
				s = await newPage(browser, kind);
			});
			after(async () => {
				await s.context.close();
			});

			it('sends a signed-out visitor to the login page, which says what went wrong', async () => {
				await s.page.goto(server.url + '/');
				await s.page.waitForURL(/\/login/);
				assert.equal(await s.page.getAttribute('html', 'lang'), 'zh-CN');
				await check('login');

				await signIn('admin', 'not-the-password');
				const alert = s.page.getByRole('alert');
				await alert.waitFor();
				assert.match(await alert.textContent(), pattern(zh['auth.login_failed']));
				assert.match(s.page.url(), /\/login/);
				await check('login-wrong-password');
			});

			it('shows the API throttling after too many failed logins', async () => {
				const victim = phone ? 'bc2' : 'bc1';
				for (let i = 0; i < 5; i++) {
					await signIn(victim, 'wrong-password-' + i);
					await s.page.getByRole('alert').waitFor();
				}
				await signIn(victim, 'wrong-password-again');
				const alert = s.page.getByRole('alert');
				await s.page.waitForFunction(
					(re) => new RegExp(re).test(document.querySelector('[role=alert]')?.textContent || ''),
					pattern(zh['login.throttled']).source,
				);
				assert.match(await alert.textContent(), pattern(zh['login.throttled']));
				s.problems.length = 0; // 429s are logged by the browser, and expected
			});

			it('signs the administrator in to the home page of the town', async () => {
				const before = s.requests.length;
				await signIn('admin', PASSWORD);
				await s.page.waitForURL(server.url + '/');
				const crumbs = s.page.getByRole('navigation', { name: zh['place.breadcrumb'] });
				await crumbs.waitFor();
				assert.match(await crumbs.textContent(), /微子镇/);
				await s.page.getByRole('heading', { level: 1 }).first().waitFor();
				await s.page.waitForLoadState('networkidle');
				// the cockpit: charts on a desk, never downloaded on a phone
				const scripts = s.responses.slice(before).filter((r) => /\.js$/.test(r.url()));
				let echarts = false;
				for (const r of scripts) if ((await r.text()).includes('zrender')) echarts = true;
				if (phone) {
					assert.equal(echarts, false, 'a phone does not load ECharts');
					assert.equal(await s.page.locator('canvas').count(), 0);
				} else {
					assert.equal(echarts, true, 'the desktop cockpit loads ECharts');
					await s.page.locator('canvas').first().waitFor();
				}
				await check('home');
			});

			it('switches to English, remembered for the user on the server', async () => {
				await s.page.getByLabel(zh['lang.switch']).selectOption('en');
				await s.page.getByRole('navigation', { name: en['place.breadcrumb'] }).waitFor();
				assert.equal(await s.page.getAttribute('html', 'lang'), 'en');
				await check('home-en');
				// a new browser (no local storage) signing in as the same user gets English
				const other = await newPage(browser, kind);
				try {
					await other.page.goto(server.url + '/login');
					await other.page.getByLabel(zh['login.login']).fill('admin');
					await other.page.getByLabel(zh['login.password']).fill(PASSWORD);
					await other.page.getByRole('button', { name: zh['login.submit'] }).click();
					await answerCode(other.page, 'admin', zh);
					await other.page.getByRole('navigation', { name: en['place.breadcrumb'] }).waitFor();
					assert.equal(await other.page.getAttribute('html', 'lang'), 'en');
				} finally {
					await other.context.close();
				}
				await s.page.getByLabel(en['lang.switch']).selectOption('zh-CN');
				await s.page.getByRole('navigation', { name: zh['place.breadcrumb'] }).waitFor();
				assert.equal(await s.page.getAttribute('html', 'lang'), 'zh-CN');
			});

			it('opens the module menu', async () => {
				if (phone) {
					await s.page.getByRole('button', { name: zh['nav.open'] }).click();
				}
				const nav = s.page.getByRole('navigation', { name: zh['nav.label'] });
				await nav.getByRole('link', { name: zh['nav.users'] }).click();
				await s.page.waitForURL(/\/users$/);
				await s.page.getByLabel(zh['users.search']).fill('sj');
				await s.page.getByRole('link', { name: /^sj/ }).first().waitFor();
				await check('users');
			});

			it('lets the administrator create an account in a village', async () => {
				await s.page.getByRole('link', { name: zh['users.new'] }).click();
				await s.page.waitForURL(/\/users\/new$/);
				await check('user-new');
				// the API's field errors show beside the field
				await s.page.getByRole('button', { name: zh['users.create'] }).click();
				await s.page.locator('[aria-invalid=true]').first().waitFor();

				await s.page.getByLabel(zh['user.login']).fill(login);
				await s.page.getByLabel(zh['user.name']).fill(phone ? '冯小明' : '冯大明');
				await s.page.getByLabel(zh['user.place']).click();
				await pick('冯村');
				await s.page.getByLabel(zh['user.password']).fill(userPassword);
				await s.page.getByRole('button', { name: zh['users.create'] }).click();
				await s.page.waitForURL(/\/users\/[0-9A-Z]{26}/);
				const status = s.page.getByRole('status').filter({ hasText: login });
				await status.waitFor();
				await check('user');
				await signOut();
			});

			it('lets the security administrator grant the account its village', async () => {
				await signIn('security', PASSWORD);
				await s.page.waitForURL(server.url + '/');
				await s.page.goto(server.url + '/users');
				await s.page.getByLabel(zh['users.search']).fill(login);
				await s.page.getByRole('link', { name: login, exact: true }).click();
				await s.page.waitForURL(/\/users\/[0-9A-Z]{26}/);
				await s.page.getByLabel(zh['grant.role']).selectOption('branch_secretary');
				await s.page.getByLabel(zh['grant.place']).click();
				await pick('冯村');
				await s.page.getByRole('button', { name: zh['grant.add'], exact: true }).click();
				await s.page.getByRole('status').filter({ hasText: '冯村' }).waitFor();
				await check('user-grants');
				await signOut();
			});

			it('signs the new account in to its village only', async () => {
				await signIn(login, userPassword);
				await s.page.waitForURL(server.url + '/');
				const crumbs = s.page.getByRole('navigation', { name: zh['place.breadcrumb'] });
				await crumbs.waitFor();
				assert.match(await crumbs.textContent(), /冯村/);
				await check('village-home');

				// another village cannot even be found
				await s.page.getByRole('button', { name: zh['place.pick'] }).click();
				const dialog = s.page.getByRole('dialog');
				await dialog.getByLabel(zh['place.search']).fill('秦家山');
				await dialog.getByText(zh['place.none_found']).waitFor();
				await check('village-picker');
				await s.page.keyboard.press('Escape');
				await dialog.waitFor({ state: 'hidden' });

				// the places it sees are its village and what lies under it
				await s.page.goto(server.url + '/places');
				await s.page.getByRole('heading', { level: 1 }).first().waitFor();
				await s.page.waitForLoadState('networkidle');
				const text = await s.page.locator('main').textContent();
				assert.match(text, /冯村/);
				assert.doesNotMatch(text, /秦家山村/);
				await check('village-places');

				// nor is account administration offered
				if (phone) await s.page.getByRole('button', { name: zh['nav.open'] }).click();
				const nav = s.page.getByRole('navigation', { name: zh['nav.label'] });
				assert.equal(await nav.getByRole('link', { name: zh['nav.users'] }).count(), 0);
				if (phone) await s.page.keyboard.press('Escape');
			});

			it('signs out, and the console asks to sign in again', async () => {
				await signOut();
				await s.page.goto(server.url + '/users');
				await s.page.waitForURL(/\/login/);
			});

			it('loads everything from cunwu itself, with the right caching', async () => {
				const foreign = s.requests.filter((u) => !u.startsWith(server.url) && !/^(data|blob):/.test(u));
				assert.deepEqual(foreign, [], 'no request leaves the server');
				const assets = s.responses.filter((r) => new URL(r.url()).pathname.startsWith('/assets/'));
				assert.ok(assets.length > 0);
				for (const r of assets) {
					const h = await r.allHeaders();
					if (r.status() !== 200) continue;
					assert.match(h['cache-control'], /immutable/, r.url());
					assert.match(h['content-security-policy'], /script-src 'self'/, r.url());
				}
				const page = s.responses.find((r) => new URL(r.url()).pathname === '/login');
				assert.ok(page, 'the login page was loaded');
				assert.equal((await page.allHeaders())['cache-control'], 'no-cache');
			});
		});
	}
});
