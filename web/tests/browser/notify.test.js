// Notifications and assigning by hand (issue 8) in a real Chromium over the demo township:
// a town leader assigns (派单) a grid worker's fresh request to themselves from the request
// page; the header's bell counts the unread; the notifications page lists the assignment,
// links its request and marks it read (the bell follows); the same page at a phone's width.
// Screenshotted and checked with axe-core.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zh from '../../src/i18n/zh-CN.js';
import { startServer, startBrowser, newPage, apiCall, checkPage, signInAs } from './harness.js';

describe('notifications', () => {
	let server, browser;
	before(async () => {
		server = await startServer({ logins: ['leader', 'wg228-1'] });
		browser = await startBrowser();
	});
	after(async () => {
		if (browser) await browser.close();
		if (server) assert.equal(await server.stop(), 0, 'cunwu serve stops cleanly');
	});

	const check = (s, name, phone = false) => checkPage(s, name, phone);
	const signIn = (s, login) => signInAs(server, s, login, zh);

	it('a leader assigns a request and finds it in the inbox', async () => {
		// a fresh request in the grid worker's grid, routed to them
		const g = await newPage(browser, 'desktop');
		await signIn(g, 'wg228-1');
		const me = await apiCall(g.page, 'GET', '/api/v1/me');
		const cov = await apiCall(g.page, 'GET', `/api/v1/places/${me.body.grants[0].place_id}/coverage`);
		const made = await apiCall(g.page, 'POST', '/api/v1/requests', { category_id: 'wires', place_id: cov.body.items[0].id, source: 'staff_visit', title: '巷口电线垂地' });
		assert.equal(made.status, 201);
		await g.context.close();

		const s = await newPage(browser, 'desktop');
		const main = () => s.page.locator('main');
		await signIn(s, 'leader');
		await apiCall(s.page, 'POST', '/api/v1/me/notifications/read', { all: true });
		await s.page.goto(server.url + '/requests/' + made.body.id);
		await main().getByRole('heading', { level: 1, name: '巷口电线垂地' }).waitFor();
		await main().getByRole('button', { name: zh['request.action.assign'], exact: true }).click();
		const dialog = s.page.getByRole('dialog');
		const pick = dialog.getByLabel(zh['request.input.assignee_id']);
		const mine = pick.locator('option', { hasText: '（leader）' });
		await mine.waitFor({ state: 'attached' });
		await pick.selectOption(await mine.getAttribute('value'));
		await check(s, 'desktop-request-assign');
		await dialog.getByRole('button', { name: zh['request.submit_action'].replace('{action}', zh['request.action.assign']) }).click();
		await main().getByText(zh['request.done'].replace('{action}', zh['request.action.assign'])).waitFor();

		// the bell counts it; the page lists it, links the request, marks it read
		const bell = s.page.locator('header .notify-bell');
		await bell.click();
		await s.page.waitForURL(server.url + '/notifications');
		await bell.locator('.notify-badge').waitFor();
		await main().getByRole('heading', { level: 1, name: zh['notify.title'] }).waitFor();
		const item = main().locator('.notify-item').first();
		await item.getByRole('link', { name: '派单：巷口电线垂地' }).waitFor();
		await item.getByText(zh['notify.new']).waitFor();
		await check(s, 'desktop-notifications');
		await item.getByRole('button', { name: zh['notify.mark_read'] }).click();
		await item.getByText(zh['notify.new']).waitFor({ state: 'detached' });
		// anything else unread (the demo's escalations keep coming) goes with "all read"
		const all = main().getByRole('button', { name: zh['notify.read_all'] });
		if (await all.isEnabled()) await all.click();
		await bell.locator('.notify-badge').waitFor({ state: 'detached' });
		await item.getByRole('link', { name: '派单：巷口电线垂地' }).click();
		await s.page.waitForURL(server.url + '/requests/' + made.body.id);
		await s.context.close();
	});

	it('the notifications page at a phone width', async () => {
		const s = await newPage(browser, 'phone');
		await signIn(s, 'leader');
		await s.page.goto(server.url + '/notifications');
		await s.page.locator('main').getByRole('heading', { level: 1, name: zh['notify.title'] }).waitFor();
		await s.page.locator('main .notify-item').first().waitFor();
		await check(s, 'phone-notifications', true);
		await s.context.close();
	});
});
