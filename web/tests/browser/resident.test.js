// The rest of issue 8's console in a real Chromium against a real `cunwu serve` over the
// demo township: a resident's own account on a phone (我的诉求: report a problem, see it
// listed, open it); the public form with a photo (uploaded without an account, its
// preview shown, attached); the town leader's category admin (a new category with a
// choice attribute, then retired) and the people's mediation of a neighbour dispute on
// the request page. Every page is screenshotted and checked with axe-core; the phone
// pages also for sideways scrolling and small targets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import zh from '../../src/i18n/zh-CN.js';
import { startServer, startBrowser, newPage, shot, axeViolations, phoneProblems, apiCall, PASSWORD } from './harness.js';

const files = resolve(dirname(fileURLToPath(import.meta.url)), '../../../tests/api/files');
const VILLAGE = '140406101204'; // 秦家山村

describe('residents, photos, categories and mediation', () => {
	let server, browser;
	before(async () => {
		server = await startServer({ logins: ['leader'] });
		server.cli(['user', 'add', 'jumin1', '--name', '王秀兰', '--place', VILLAGE, '--role', 'resident', '--password-stdin'], PASSWORD + '\n');
		browser = await startBrowser();
	});
	after(async () => {
		if (browser) await browser.close();
		if (server) assert.equal(await server.stop(), 0, 'cunwu serve stops cleanly');
	});

	async function check(s, name, phone = false) {
		await s.page.waitForLoadState('networkidle');
		await shot(s.page, name);
		assert.deepEqual(await axeViolations(s.page), [], `axe on ${name}`);
		if (phone) assert.deepEqual(await phoneProblems(s.page), [], `phone rules on ${name}`);
		assert.deepEqual(s.problems, [], `no script errors on ${name}`);
	}
	async function signIn(s, login) {
		await s.page.goto(server.url + '/login');
		await s.page.getByLabel(zh['login.login']).fill(login);
		await s.page.getByLabel(zh['login.password']).fill(PASSWORD);
		await s.page.getByRole('button', { name: zh['login.submit'] }).click();
		await s.page.waitForURL(server.url + '/');
	}

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
			const list = await apiCall(s.page, 'GET', '/api/v1/requests?sort=-created&page_size=5');
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
