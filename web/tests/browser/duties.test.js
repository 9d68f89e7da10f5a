// The duty pages in a real Chromium against a real `cunwu serve` over the demo township,
// as the town leader (duties.write over 微子镇): the org chart of a village with a vacant
// grid (空缺), adding a duty that overlaps the branch secretary (the API's 409 beside the
// date, naming the holder) and then one that is allowed, handing it over, the coverage
// page with its gaps, the chain on a household page, and the printable roster (print media
// emulated and screenshotted: A4, no navigation or buttons) — at desktop size and at
// 375×812. Every page is screenshotted, checked with axe-core, and on the phone checked
// for sideways scrolling and small targets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zh from '../../src/i18n/zh-CN.js';
import {
	startServer, startBrowser, newPage, shot, axeViolations, phoneProblems, PASSWORD,
} from './harness.js';

const VILLAGE = '140406101204'; // 秦家山村
const TOWN = '140406101000';
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const tomorrow = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date(Date.now() + 86400000));

describe('duty pages', () => {
	let server, browser;
	before(async () => {
		server = await startServer({ logins: ['leader'] });
		browser = await startBrowser();
	});
	after(async () => {
		if (browser) await browser.close();
		if (server) assert.equal(await server.stop(), 0, 'cunwu serve stops cleanly');
	});

	for (const kind of ['desktop', 'phone']) {
		describe(kind, () => {
			let s, vacant;
			const phone = kind === 'phone';
			const holder = phone ? 'wg205' : 'wg204';

			async function check(name, { rules = true } = {}) {
				await s.page.waitForLoadState('networkidle');
				await shot(s.page, `${kind}-${name}`);
				assert.deepEqual(await axeViolations(s.page), [], `axe on ${name}`);
				if (phone && rules) assert.deepEqual(await phoneProblems(s.page), [], `phone rules on ${name}`);
				assert.deepEqual(s.problems, [], `no script errors on ${name}`);
			}
			const main = () => s.page.locator('main');
			const dialog = () => s.page.getByRole('dialog');
			const api = (path) => s.page.evaluate(async (p) => (await fetch(p)).json(), path);

			before(async () => {
				s = await newPage(browser, kind);
			});
			after(async () => {
				await s.context.close();
			});

			it('shows the org chart of a village with a vacant grid', async () => {
				await s.page.goto(server.url + '/login');
				await s.page.getByLabel(zh['login.login']).fill('leader');
				await s.page.getByLabel(zh['login.password']).fill(PASSWORD);
				await s.page.getByRole('button', { name: zh['login.submit'] }).click();
				await s.page.waitForURL(server.url + '/');
				const cov = await api(`/api/v1/duties/coverage?place=${TOWN}`);
				assert.equal(cov.grids_without_worker.length, 2, 'the demo leaves two grids vacant');
				vacant = cov.grids_without_worker[0];
				await s.page.goto(`${server.url}/duties/orgchart/${vacant.parent_id}`);
				await main().getByRole('heading', { level: 1, name: new RegExp(vacant.parent_name) }).waitFor();
				await main().getByText(vacant.name).waitFor();
				assert.ok(await main().getByText(zh['duty.vacant']).count() >= 1, '空缺 is shown');
				await main().getByText(zh['duty.role.branch_secretary']).first().waitFor();
				await check('duties-orgchart');
			});

			it('refuses an overlapping secretary, then adds a party contact', async () => {
				await s.page.goto(`${server.url}/duties?place=${VILLAGE}`);
				await main().getByRole('heading', { level: 1, name: zh['duties.title'] }).waitFor();
				await main().getByText(zh['duty.role.branch_secretary']).first().waitFor();
				await check('duties-list');
				await main().getByRole('button', { name: zh['duty.add'] }).click();
				await dialog().getByLabel(zh['duty.role']).selectOption('branch_secretary');
				await dialog().getByLabel(zh['duty.login']).fill(holder);
				await dialog().getByLabel(zh['duty.from_date']).fill('2024-01-01');
				await dialog().getByRole('button', { name: zh['duty.add_submit'] }).click();
				await dialog().getByText(zh['duties.overlap']).waitFor();
				assert.match(await dialog().textContent(), /is held by/, 'the holder is named');
				await check('duties-add-overlap', { rules: false });
				await dialog().getByLabel(zh['duty.role']).selectOption('party_contact');
				await dialog().getByLabel(zh['duty.from_date']).fill(today());
				await dialog().getByRole('button', { name: zh['duty.add_submit'] }).click();
				await s.page.getByRole('status').filter({ hasText: zh['duty.role.party_contact'] }).waitFor();
			});

			it('hands the duty over', async () => {
				const row = main().getByRole('row').filter({ hasText: holder }).filter({ hasText: zh['duty.role.party_contact'] });
				await row.getByRole('button', { name: zh['duty.handover'] }).click();
				await dialog().getByLabel(zh['duty.login']).fill('sj204');
				await dialog().getByLabel(zh['duty.handover_date']).fill('2020-01-01');
				await dialog().getByRole('button', { name: zh['duty.handover'] }).click();
				await dialog().getByText(zh['duties.handover_date']).waitFor();
				await dialog().getByLabel(zh['duty.handover_date']).fill(tomorrow());
				await dialog().getByRole('button', { name: zh['duty.handover'] }).click();
				await s.page.getByRole('status').filter({ hasText: tomorrow() }).waitFor();
				await main().getByLabel(zh['duty.status']).selectOption('all');
				await main().getByRole('row').filter({ hasText: holder }).filter({ hasText: today() }).waitFor();
				await check('duties-handover');
			});

			it('shows coverage with its gaps', async () => {
				await s.page.goto(`${server.url}/duties/coverage?place=${TOWN}`);
				await main().getByRole('heading', { level: 1, name: zh['coverage.title'] }).waitFor();
				await main().getByRole('link', { name: vacant.name }).waitFor();
				const first = main().locator('td a').first();
				await first.waitFor();
				await check('duties-coverage');
				await first.click();
				await s.page.waitForURL(/\/households\//);
				await main().getByRole('heading', { level: 2, name: zh['chain.title'] }).waitFor();
				// the household page's own member links are another page's business: axe only
				await check('household-chain', { rules: false });
			});

			it('prints the roster on A4', async () => {
				await s.page.goto(`${server.url}/duties/orgchart/${VILLAGE}`);
				await main().getByRole('link', { name: zh['orgchart.roster'] }).click();
				await s.page.waitForURL(`${server.url}/duties/roster/${VILLAGE}`);
				await main().getByRole('heading', { level: 2, name: /秦家山村/ }).waitFor();
				await check('duties-roster');
				await s.page.emulateMedia({ media: 'print' });
				assert.equal(await s.page.locator('.topbar').isVisible(), false, 'no top bar in print');
				assert.equal(await s.page.getByRole('button', { name: zh['roster.print'] }).isVisible(), false, 'no buttons in print');
				assert.ok(await s.page.locator('.roster-table').isVisible(), 'the table prints');
				await shot(s.page, `${kind}-duties-roster-print`);
				if (!phone) {
					const pdf = await s.page.pdf({ format: 'A4' });
					assert.ok(pdf.length > 1000, 'an A4 PDF');
				}
				await s.page.emulateMedia({ media: 'screen' });
			});
		});
	}
});
