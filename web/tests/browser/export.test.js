// Exports and report templates (issue 7) in a real Chromium against a real `cunwu serve`
// over the demo township, as the town leader: the people, households and organizations
// lists and the roster offer .xlsx and .csv downloads of what they show; the templates page
// takes a superior's form (tests/api/files/template-rollup.xlsx), shows its columns bound to
// fields (beside the demo's two), and fills it for the town and a month — the download arrives and is an .xlsx,
// which the project's own reader opens (cunwu import inspect: one row a village, 合计).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import zh from '../../src/i18n/zh-CN.js';
import { desktopHooks, shot, axeViolations, root, PASSWORD } from './harness.js';

describe('exports and templates', () => {
	let server, s;
	desktopHooks({ logins: ['leader'] }, (x) => ({ server, s } = x));
	const main = () => s.page.locator('main');

	async function check(name) {
		await s.page.waitForLoadState('networkidle');
		await shot(s.page, `desktop-${name}`);
		assert.deepEqual(await axeViolations(s.page), [], `axe on ${name}`);
		assert.deepEqual(s.problems, [], `no script errors on ${name}`);
	}

	it('offers the lists as spreadsheets', async () => {
		await s.page.goto(server.url + '/login');
		await s.page.getByLabel(zh['login.login']).fill('leader');
		await s.page.getByLabel(zh['login.password']).fill(PASSWORD);
		await s.page.getByRole('button', { name: zh['login.submit'] }).click();
		await s.page.waitForURL(server.url + '/');
		for (const [path, api] of [['/people', 'people'], ['/households', 'households'], ['/orgs', 'orgs']]) {
			await s.page.goto(server.url + path);
			const link = main().getByRole('link', { name: zh['export.xlsx'] });
			await link.waitFor();
			const href = await link.getAttribute('href');
			assert.match(href, new RegExp(`^/api/v1/${api}/export\\?.*format=xlsx`));
			assert.doesNotMatch(href, /page_size/);
		}
		const [download] = await Promise.all([
			s.page.waitForEvent('download'),
			main().getByRole('link', { name: zh['export.csv'] }).click(),
		]);
		assert.match(download.suggestedFilename(), /\.csv$/);
		const csv = readFileSync(await download.path(), 'utf8');
		assert.ok(csv.startsWith('\uFEFF序号,名称'), 'a CSV with a BOM and its header');
	});

	it('uploads a template, shows its columns, fills it for the town', async () => {
		await s.page.goto(server.url + '/export-templates');
		await main().getByRole('heading', { level: 1, name: zh['template.title'] }).waitFor();
		await main().getByLabel(zh['template.name']).fill('十月各村统计');
		await main().getByLabel(zh['template.file']).setInputFiles(join(root, 'tests/api/files/template-rollup.xlsx'));
		await main().getByRole('button', { name: zh['template.upload'] }).click();
		const card = main().locator('[data-test=template]').filter({ hasText: '十月各村统计' });
		await card.waitFor();
		const text = (await card.textContent()).replace(/\s+/g, ' ');
		assert.ok(text.includes(`户数 → ${zh['template.field.households']}`), text);
		assert.ok(text.includes(`60岁以上人数 → ${zh['template.field.age60']}`), text);
		assert.ok(text.includes(`低保 → ${zh['template.field.tag']}`), text);
		await main().getByLabel(zh['template.month']).fill('2026-10');
		await check('templates');
		const [download] = await Promise.all([
			s.page.waitForEvent('download'),
			card.locator('[data-test=template-fill]').click(),
		]);
		assert.match(download.suggestedFilename(), /\.xlsx$/);
		const path = await download.path();
		assert.equal(readFileSync(path).subarray(0, 2).toString(), 'PK', 'an .xlsx is a zip');
		const out = server.cli(['import', 'inspect', path]);
		assert.match(out, /header: {3}row 2, under 1 title row/);
		assert.match(out, /ends at row \d+: 合计/);
	});

	it('refuses a file that is no .xlsx, naming why', async () => {
		await main().getByLabel(zh['template.name']).fill('名册');
		await main().getByLabel(zh['template.file']).setInputFiles(join(root, 'tests/api/files/register.csv'));
		await main().getByRole('button', { name: zh['template.upload'] }).click();
		await main().getByRole('alert').getByText(zh['export.template_format']).waitFor();
	});
});
