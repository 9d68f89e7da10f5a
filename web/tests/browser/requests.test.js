// The request pages (issue 8) in a real Chromium against a real `cunwu serve` over the
// demo township: a grid worker's inbox (mine, a filter, open a request), working it
// through sign → reply on the request page; the town leader's rates page (the chart and
// the figures from the demo's requests) and staff intake; and the public form at a
// 390×844 phone without any account — submit, see the tracking code, open the tracking
// page, see the status; then a resident's own account on a phone (我的诉求), a photo on
// the public form, the leader's category admin and a people's mediation. Every page is
// screenshotted and checked with axe-core; the phone pages also for sideways scrolling and
// small targets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import zh from '../../src/i18n/zh-CN.js';
import { startServer, startBrowser, newPage, apiCall, checkPage, signInAs, PASSWORD, fillReportForm } from './harness.js';

const files = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tests/api/files');
const VILLAGE = '140406101204'; // 秦家山村

describe('request pages', () => {
	let server, browser;
	before(async () => {
		server = await startServer({ logins: ['leader', 'wg228-1'] });
		server.cli(['user', 'add', 'jumin1', '--name', '王秀兰', '--place', VILLAGE, '--role', 'resident', '--password-stdin'], PASSWORD + '\n');
		browser = await startBrowser();
	});
	after(async () => {
		if (browser) await browser.close();
		if (server) assert.equal(await server.stop(), 0, 'cunwu serve stops cleanly');
	});

	const check = (s, name, phone = false) => checkPage(s, name, phone);
	const signIn = (s, login) => signInAs(server, s, login, zh);

	describe('a grid worker', () => {
		let s;
		const main = () => s.page.locator('main');
		before(async () => {
			s = await newPage(browser, 'desktop');
			await signIn(s, 'wg228-1');
		});
		after(async () => {
			await s.context.close();
		});

		it('filters the inbox and opens a request', async () => {
			// a fresh request in the grid worker's grid (the demo's own are days old: the
			// escalation job has moved the overdue ones up the chain by now)
			const me = await apiCall(s.page, 'GET', '/api/v1/me');
			const grid = me.body.grants[0].place_id;
			const cov = await apiCall(s.page, 'GET', `/api/v1/places/${grid}/coverage`);
			const body = { category_id: 'wires', place_id: cov.body.items[0].id, source: 'staff_visit', title: '楼道电线乱拉' };
			const made = await apiCall(s.page, 'POST', '/api/v1/requests', body);
			assert.equal(made.status, 201);
			assert.equal(made.body.handler_user_id, me.body.user.id, 'routed to the grid worker');
			await s.page.getByLabel(zh['nav.label']).getByRole('link', { name: zh['nav.requests'] }).click();
			await main().getByRole('heading', { level: 1, name: zh['inbox.title'] }).waitFor();
			await main().getByLabel(zh['inbox.mine']).selectOption('1');
			await s.page.waitForURL(/mine=1/);
			await main().getByRole('link', { name: '楼道电线乱拉' }).waitFor();
			await main().getByLabel(zh['request.status']).selectOption('submitted');
			await s.page.waitForURL(/status=submitted/);
			await s.page.waitForLoadState('networkidle');
			await main().getByRole('link', { name: '楼道电线乱拉' }).waitFor();
			const statuses = await main().locator('tbody .tag').allTextContents();
			assert.deepEqual([...new Set(statuses)], [zh['request.status.submitted']], 'only submitted ones');
			// the demo's open requests are days old: some are overdue, and marked so
			await main().getByLabel(zh['request.status']).selectOption('');
			await main().getByLabel(zh['inbox.mine']).selectOption('');
			await main().getByLabel(zh['inbox.overdue']).selectOption('1');
			await s.page.waitForURL(/overdue=1/);
			await main().locator('.tag-red').first().waitFor();
			// the list before the filter may still be on the page for a moment: the fresh
			// one must leave it (and never come back: it is not overdue)
			await main().getByRole('link', { name: '楼道电线乱拉' }).waitFor({ state: 'detached', timeout: 10000 });
			await s.page.waitForLoadState('networkidle');
			assert.equal(await main().getByRole('link', { name: '楼道电线乱拉' }).count(), 0, 'the fresh one is not overdue');
			await check(s, 'desktop-requests-inbox');
			await main().getByLabel(zh['inbox.overdue']).selectOption('');
			await main().getByLabel(zh['inbox.mine']).selectOption('1');
			await main().getByRole('link', { name: '楼道电线乱拉' }).click();
			await s.page.waitForURL(/\/requests\/[0-9A-Z]{26}$/);
			await main().getByRole('heading', { level: 1, name: '楼道电线乱拉' }).waitFor();
			await main().getByText(zh['request.status.submitted']).first().waitFor();
			await main().getByText(zh['request.action.route']).first().waitFor();
			await check(s, 'desktop-request-submitted');
		});

		it('signs for it and replies', async () => {
			await main().getByRole('button', { name: zh['request.action.sign'], exact: true }).click();
			await s.page.getByRole('status').filter({ hasText: zh['request.action.sign'] }).waitFor();
			await main().locator('.req-status').filter({ hasText: zh['request.status.signed_for'] }).waitFor();
			await main().getByRole('button', { name: zh['request.action.resolve'], exact: true }).click();
			const dialog = s.page.getByRole('dialog');
			// no reply: the API's refusal beside the field
			await dialog.getByRole('button', { name: zh['request.submit_action'].replace('{action}', zh['request.action.resolve']) }).click();
			await dialog.getByText(zh['requests.reply_required']).waitFor();
			await check(s, 'desktop-request-reply-required');
			await dialog.getByLabel(zh['request.input.reply']).fill('已联系供电所重新架线，<b>不会再垂下来</b>');
			await dialog.getByRole('button', { name: zh['request.submit_action'].replace('{action}', zh['request.action.resolve']) }).click();
			await main().locator('.req-status').filter({ hasText: zh['request.status.resolved'] }).waitFor();
			// the reply shown as written (escaped), on the request and in the timeline
			assert.ok((await main().getByText('<b>不会再垂下来</b>', { exact: false }).count()) >= 1, 'HTML shown as text');
			assert.equal(await main().locator('b').count(), 0, 'no markup from the reply');
			const steps = await main().locator('.req-timeline li strong').allTextContents();
			assert.deepEqual(steps.slice(-2), [zh['request.action.sign'], zh['request.action.resolve']]);
			await check(s, 'desktop-request-resolved');
		});
	});

	describe('a grid worker on a phone', () => {
		let s;
		before(async () => {
			s = await newPage(browser, 'phone');
			await signIn(s, 'wg228-1');
		});
		after(async () => {
			await s.context.close();
		});

		it('reads the inbox as cards and a request', async () => {
			const main = () => s.page.locator('main');
			await s.page.goto(server.url + '/requests');
			await main().getByRole('heading', { level: 1, name: zh['inbox.title'] }).waitFor();
			await main().getByRole('link', { name: '楼道电线乱拉' }).waitFor();
			await check(s, 'phone-requests-inbox', true);
			await main().getByRole('link', { name: '楼道电线乱拉' }).click();
			await main().getByRole('heading', { level: 1, name: '楼道电线乱拉' }).waitFor();
			await check(s, 'phone-request', true);
		});
	});

	describe('the town leader', () => {
		let s;
		const main = () => s.page.locator('main');
		before(async () => {
			s = await newPage(browser, 'desktop');
			await signIn(s, 'leader');
		});
		after(async () => {
			await s.context.close();
		});

		it('sees the three rates of the demo', async () => {
			await s.page.goto(server.url + '/requests/rates');
			await main().getByRole('heading', { level: 1, name: zh['rates.title'] }).waitFor();
			await main().getByRole('cell', { name: zh['rates.total'] }).waitFor();
			await main().locator('canvas').first().waitFor();
			const rows = await main().locator('.dt-table tbody tr').count();
			assert.ok(rows >= 2, 'the total and at least a week');
			const figures = await main().locator('.rates-figure').allTextContents();
			assert.equal(figures.length, 3);
			assert.ok(figures.some((f) => /%$/.test(f)), 'a rate in per cent');
			await check(s, 'desktop-requests-rates');
		});

		it('enters a phone call', async () => {
			await s.page.goto(server.url + '/requests/new');
			await main().getByRole('heading', { level: 1, name: zh['requestnew.title'] }).waitFor();
			await main().getByLabel(zh['request.category']).selectOption('water.leak');
			// the category's attributes: a required choice, a datetime
			await main().getByLabel('漏水位置').waitFor();
			await main().getByRole('button', { name: zh['requestnew.submit'] }).click();
			await main().getByText(zh['requests.attribute_required']).waitFor();
			await check(s, 'desktop-request-new-refused');
			await main().getByLabel('漏水位置').selectOption('楼道');
			await main().getByLabel(zh['request.description']).fill('三楼楼道水管滴水');
			await main().getByLabel(zh['request.contact_phone']).fill('13912345678');
			await main().getByRole('button', { name: zh['requestnew.submit'] }).click();
			await s.page.waitForURL(/\/requests\/[0-9A-Z]{26}$/);
			await main().getByText('三楼楼道水管滴水').waitFor();
			await main().getByText('139****5678').waitFor();
			assert.equal(await main().getByText('13912345678').count(), 0, 'the phone is masked');
			await check(s, 'desktop-request-new');
		});
	});

	describe('a resident on a phone', () => {
		let s;
		before(async () => {
			s = await newPage(browser, 'phone');
			await s.page.setViewportSize({ width: 390, height: 844 });
		});
		after(async () => {
			await s.context.close();
		});

		it('reports a problem without an account and follows it', async () => {
			await s.page.goto(server.url + '/r');
			const main = s.page.locator('main');
			await main.getByRole('heading', { level: 1, name: zh['report.title'] }).waitFor();
			assert.equal(s.page.url(), server.url + '/r', 'no login asked for');
			await fillReportForm(main, zh, '村口电线杆上的线垂到头顶了', '13800001111');
			await check(s, 'phone-report-form', true);
			await main.getByRole('button', { name: zh['report.submit'], exact: true }).click();
			await main.getByRole('heading', { name: zh['report.done_title'] }).waitFor();
			const code = (await main.locator('.report-code').textContent()).trim();
			assert.match(code, /^[0-9A-Z]{5}-[0-9A-Z]{5}$/, 'the tracking code, in two groups');
			await check(s, 'phone-report-code', true);
			await main.getByRole('link', { name: zh['report.track'] }).click();
			await s.page.waitForURL(new RegExp('/r/' + code.replace('-', '')));
			await main.getByRole('heading', { level: 2, name: zh['request.status.submitted'] }).waitFor();
			await main.getByText('电线乱搭').waitFor();
			await main.getByText(zh['request.action.route']).waitFor();
			await check(s, 'phone-track', true);
			// typed with the hyphen and in lower case, it is the same request
			await s.page.goto(server.url + '/r');
			await s.page.getByLabel(zh['report.track_code']).fill(code.toLowerCase());
			await s.page.getByRole('button', { name: zh['report.track_go'] }).click();
			await s.page.getByRole('heading', { level: 2, name: zh['request.status.submitted'] }).waitFor();
		});
	});

	describe('residents, photos, categories and mediation', () => {
		it('a resident reports from their own account on a phone and follows it', async () => {
			const s = await newPage(browser, 'phone');
			try {
				await signIn(s, 'jumin1');
				const main = s.page.locator('main');
				await s.page.goto(server.url + '/my-requests');
				await main.getByRole('heading', { level: 1, name: zh['mine.title'] }).waitFor();
				await main.getByText(zh['mine.none']).waitFor();
				await main.getByRole('button', { name: zh['mine.new'] }).click();
				await main.getByLabel(zh['report.category']).selectOption('wires');
				await main.getByLabel(zh['report.description']).fill('巷子里的电线垂到头顶');
				await main.locator('input[type=file]').setInputFiles(resolve(files, 'dot.png'));
				await main.getByRole('img', { name: /1/ }).waitFor();
				await check(s, 'phone-my-request-new', true);
				await main.getByRole('button', { name: zh['report.submit'], exact: true }).click();
				await main.getByRole('status').filter({ hasText: /[0-9A-Z]{5}-[0-9A-Z]{5}/ }).waitFor();
				await main.getByRole('link', { name: /电线乱搭/ }).waitFor();
				await check(s, 'phone-my-requests', true);
				await main.getByRole('link', { name: /电线乱搭/ }).click();
				await s.page.waitForURL(/\/my-requests\/[0-9A-Z]{26}$/);
				await main.getByRole('heading', { level: 2, name: zh['request.status.submitted'] }).waitFor();
				await check(s, 'phone-my-request', true);
				// the API has it as theirs, with the photo
				const mine = await apiCall(s.page, 'GET', '/api/v1/me/requests');
				assert.equal(mine.body.total, 1);
				assert.equal((await apiCall(s.page, 'GET', '/api/v1/requests')).status, 403, 'no staff list');
			} finally {
				await s.context.close();
			}
		});

		it('the public form takes a photo without an account', async () => {
			const s = await newPage(browser, 'phone');
			try {
				await s.page.goto(server.url + '/r');
				const main = s.page.locator('main');
				await main.getByRole('heading', { level: 1, name: zh['report.title'] }).waitFor();
				await main.getByLabel(zh['report.category']).selectOption('wires');
				const picks = main.locator('.public-place select');
				await picks.nth(0).selectOption({ label: '微子镇' });
				await picks.nth(1).selectOption({ label: '秦家山村' });
				await main.getByLabel(zh['report.photos']).setInputFiles(resolve(files, 'gps.jpg'));
				await main.getByRole('img', { name: /1/ }).waitFor();
				await main.getByLabel(zh['report.description']).fill('路口的电线断了一根');
				await check(s, 'phone-report-photo', true);
				await main.getByRole('button', { name: zh['report.submit'], exact: true }).click();
				await main.getByRole('heading', { name: zh['report.done_title'] }).waitFor();
			} finally {
				await s.context.close();
			}
		});

		it('the town leader keeps the categories and records a mediation', async () => {
			const s = await newPage(browser, 'desktop');
			try {
				await signIn(s, 'leader');
				const main = s.page.locator('main');
				// the photo from the public form is on its request
				const list = await apiCall(s.page, 'GET', '/api/v1/requests?sort=-created&page_size=100');
				const pub = list.body.items.find((q) => q.source === 'public' && q.description === '路口的电线断了一根');
				assert.ok(pub, 'the public request is in the leader scope');
				const one = await apiCall(s.page, 'GET', '/api/v1/requests/' + pub.id);
				assert.equal(one.body.photos.length, 1, 'its photo attached');

				await s.page.goto(server.url + '/requests/categories');
				await main.getByRole('heading', { level: 1, name: zh['categories.title'] }).waitFor();
				await main.getByRole('button', { name: zh['categories.new'] }).click();
				await main.getByLabel(zh['categories.id']).fill('roads');
				await main.getByLabel(zh['categories.name']).fill('道路坑洼');
				await main.getByRole('button', { name: zh['categories.attr_add'] }).click();
				await main.getByLabel(zh['categories.attr_key'].replace('{n}', '1')).fill('size');
				await main.getByLabel(zh['categories.attr_label'].replace('{n}', '1')).fill('大小');
				await main.getByLabel(zh['categories.attr_type'].replace('{n}', '1')).selectOption('single');
				// no choices: the API names the field
				await main.getByRole('button', { name: zh['categories.save'] }).click();
				await main.getByText(zh['requests.spec_choices']).first().waitFor();
				await main.getByLabel(zh['categories.attr_choices'].replace('{n}', '1')).fill('小\n大');
				await check(s, 'category-edit');
				await main.getByRole('button', { name: zh['categories.save'] }).click();
				await main.getByRole('status').filter({ hasText: '道路坑洼' }).waitFor();
				await main.getByRole('cell', { name: /道路坑洼/ }).waitFor();
				await check(s, 'categories');
				s.page.once('dialog', (d) => d.accept());
				await main.getByRole('row', { name: /道路坑洼/ }).getByRole('button', { name: zh['categories.retire'] }).click();
				await main.getByRole('row', { name: /道路坑洼/ }).getByText(zh['categories.retired_state']).waitFor();

				// a neighbour dispute, mediated
				const made = await apiCall(s.page, 'POST', '/api/v1/requests', { category_id: 'dispute', place_id: VILLAGE, source: 'staff_visit', title: '两家为排水吵架', description: '东家的水流到西家院里' });
				assert.equal(made.status, 201);
				await s.page.goto(server.url + '/requests/' + made.body.id);
				await main.getByRole('heading', { level: 2, name: zh['mediation.title'] }).waitFor();
				await main.getByRole('button', { name: zh['mediation.record'] }).click();
				await main.getByLabel(zh['mediation.party_name'].replace('{n}', '1')).fill('张三');
				await main.getByLabel(zh['mediation.party_phone'].replace('{n}', '1')).fill('13912345678');
				await main.getByLabel(zh['mediation.party_name'].replace('{n}', '2')).fill('李四');
				await main.getByLabel(zh['mediation.held_at']).fill('村委会调解室');
				await main.getByRole('button', { name: zh['mediation.save'] }).click();
				await main.getByText(zh['requests.agreement_required']).first().waitFor();
				await main.getByLabel(zh['mediation.agreement']).fill('东家三日内改排水沟');
				await check(s, 'mediation-form');
				await main.getByRole('button', { name: zh['mediation.save'] }).click();
				await main.getByText('139****5678').waitFor();
				await main.getByText('东家三日内改排水沟').waitFor();
				await check(s, 'mediation');
			} finally {
				await s.context.close();
			}
		});
	});
});
