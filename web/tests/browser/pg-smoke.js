// The console on PostgreSQL: the same binary over a real PostgreSQL 15 (CUNWU_TEST_PG, the
// throw-away cluster scripts/test starts), signed in, home, places, accounts, language,
// sign out. The full browser suite runs on SQLite; this proves the pages need nothing
// the SQLite backend alone gives. Run by `scripts/test browser-pg`.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zh from '../../src/i18n/zh-CN.js';
import en from '../../src/i18n/en.js';
import { startServer, startBrowser, newPage, shot, PASSWORD, answerCode } from './harness.js';

describe('console on PostgreSQL', { skip: !process.env.CUNWU_TEST_PG && 'CUNWU_TEST_PG is not set' }, () => {
	let server, browser, s;
	before(async () => {
		server = await startServer({ pg: process.env.CUNWU_TEST_PG });
		browser = await startBrowser();
		s = await newPage(browser, 'desktop');
	});
	after(async () => {
		if (browser) await browser.close();
		if (server) assert.equal(await server.stop(), 0, 'cunwu serve stops cleanly');
	});

	it('serves the console from PostgreSQL', async () => {
		const version = await (await fetch(server.url + '/api/v1/version')).json();
		assert.equal(version.backend, 'postgresql');

		await s.page.goto(server.url + '/');
		await s.page.waitForURL(/\/login/);
		await s.page.getByLabel(zh['login.login']).fill('admin');
		await s.page.getByLabel(zh['login.password']).fill(PASSWORD);
		await s.page.getByRole('button', { name: zh['login.submit'] }).click();
		await answerCode(s.page, 'admin', zh);
		const crumbs = s.page.getByRole('navigation', { name: zh['place.breadcrumb'] });
		await crumbs.waitFor();
		assert.match(await crumbs.textContent(), /微子镇/);
		await s.page.locator('canvas').first().waitFor(); // the cockpit's figures, charted
		await shot(s.page, 'pg-home');

		await s.page.goto(server.url + '/places');
		await s.page.getByText('秦家山村').first().waitFor();
		await s.page.goto(server.url + '/users');
		await s.page.getByLabel(zh['users.search']).fill('sj');
		await s.page.getByRole('link', { name: /^sj/ }).first().waitFor();
		await shot(s.page, 'pg-users');

		// each switch is saved (PATCH /api/v1/me); the page settles after the answer, so
		// the user menu is opened only then (a re-render could close it)
		const saved = () => s.page.waitForResponse((r) => r.url().endsWith('/api/v1/me') && r.request().method() === 'PATCH');
		let answer = saved();
		await s.page.getByLabel(zh['lang.switch']).selectOption('en');
		await answer;
		await s.page.getByRole('navigation', { name: en['place.breadcrumb'] }).waitFor();
		answer = saved();
		await s.page.getByLabel(en['lang.switch']).selectOption('zh-CN');
		await answer;
		await s.page.getByRole('navigation', { name: zh['place.breadcrumb'] }).waitFor();
		// and the pages' own reloads after the switch (a re-render closed the menu once)
		await s.page.waitForLoadState('networkidle');

		await s.page.getByRole('button', { name: zh['user.menu'] }).click();
		await s.page.getByRole('button', { name: zh['user.logout'] }).click();
		await s.page.waitForURL(/\/login/);
		assert.deepEqual(s.problems, []);
	});
});
