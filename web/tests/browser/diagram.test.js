// The building diagram and the house cards in a real Chromium against a real `cunwu serve`
// over the demo, as 金胜一社区's branch secretary: from 政府宿舍小区's page to 1号楼's
// diagram (units × floors, rooms coloured by tag with a mark per tag), the legend as a tag
// filter (the other rooms dim), a click on a room opening its household, the house cards of
// the joint grid, and the diagram printed (print media emulated; the PDF is one A4 page) —
// at desktop size and at 375×812. Screenshots of each; axe-core on each page.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zh from '../../src/i18n/zh-CN.js';
import {
	startServer, startBrowser, newPage, shot, axeViolations, phoneProblems, PASSWORD,
} from './harness.js';

const JINSHENG1 = '140110100002'; // 金胜一社区
const fill = (text, params) => text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));

describe('building diagram', () => {
	let server, browser;
	before(async () => {
		server = await startServer({ logins: ['sj-jinsheng1'] });
		browser = await startBrowser();
	});
	after(async () => {
		if (browser) await browser.close();
		if (server) assert.equal(await server.stop(), 0, 'cunwu serve stops cleanly');
	});

	for (const kind of ['desktop', 'phone']) {
		describe(kind, () => {
			let s, ids;
			const phone = kind === 'phone';
			const main = () => s.page.locator('main');
			const get = (path) => s.page.evaluate(async (p) => (await fetch(p)).json(), path);

			async function check(name) {
				await s.page.waitForLoadState('networkidle');
				await shot(s.page, `${kind}-${name}`);
				assert.deepEqual(await axeViolations(s.page), [], `axe on ${name}`);
				if (phone) assert.deepEqual(await phoneProblems(s.page), [], `phone rules on ${name}`);
				assert.deepEqual(s.problems, [], `no script errors on ${name}`);
			}

			before(async () => {
				s = await newPage(browser, kind);
			});
			after(async () => {
				await s.context.close();
			});

			it('opens 1号楼 from its compound', async () => {
				await s.page.goto(server.url + '/login');
				await s.page.getByLabel(zh['login.login']).fill('sj-jinsheng1');
				await s.page.getByLabel(zh['login.password']).fill(PASSWORD);
				await s.page.getByRole('button', { name: zh['login.submit'] }).click();
				await s.page.waitForURL(server.url + '/');
				const cp = (await get(`/api/v1/places?parent=${JINSHENG1}&kind=compound`)).items.find((x) => x.name === '政府宿舍小区');
				const grid = (await get(`/api/v1/places?parent=${JINSHENG1}&kind=grid`)).items[0];
				ids = { cp: cp.id, grid: grid.id };

				await s.page.goto(`${server.url}/places/${ids.cp}`);
				await main().getByRole('link', { name: fill(zh['diagram.of'], { name: '1号楼' }) }).click();
				await s.page.waitForURL(/\/places\/\w+\/diagram$/);
				await main().getByRole('heading', { level: 1, name: '金胜一社区 政府宿舍小区 1号楼' }).waitFor();
				// two units, four floors each, top floor first
				const tables = main().locator('table.diagram-grid');
				assert.equal(await tables.count(), 2);
				const rows = tables.first().locator('tbody tr th');
				assert.deepEqual(await rows.allTextContents(), ['4 层', '3 层', '2 层', '1 层']);
				// colour is not the only sign: every chip has its mark, every room a label
				const chips = main().locator('.room .chip');
				assert.ok((await chips.count()) > 0, 'rooms carry tags');
				for (const c of await chips.all()) assert.ok((await c.textContent()).trim().length > 0);
				assert.ok((await main().locator('.room.empty').count()) > 0, 'some rooms stand empty');
				await main().getByRole('button', { name: new RegExp('独居老人') }).waitFor();
				await check('diagram-building');
			});

			it('filters by a tag from the legend', async () => {
				const total = await main().locator('a.room').count();
				const btn = main().getByRole('button', { name: new RegExp('独居老人') });
				await btn.click();
				await s.page.waitForFunction(() => document.querySelector('.legend-item.on'));
				assert.equal(await btn.getAttribute('aria-pressed'), 'true');
				const match = await main().locator('a.room.match').count();
				const dim = await main().locator('a.room.dim').count();
				assert.ok(match > 0, 'some rooms match');
				assert.equal(match + dim, total, 'every other room dims');
				await main().getByRole('status').filter({ hasText: `“独居老人”：${match} 间` }).waitFor();
				await shot(s.page, `${kind}-diagram-filter`);
				await main().getByRole('button', { name: zh['diagram.clear'] }).click();
				await s.page.waitForFunction(() => !document.querySelector('a.room.dim'));
			});

			if (!phone)
				it('prints on one A4 landscape page', async () => {
					await s.page.setViewportSize({ width: 1123, height: 794 });
					await s.page.emulateMedia({ media: 'print' });
					assert.equal(await s.page.locator('.topbar').isVisible(), false, 'no top bar on paper');
					assert.equal(await main().getByRole('button', { name: zh['diagram.print'] }).isVisible(), false);
					assert.ok(await main().locator('.legend-list').isVisible(), 'the legend is printed');
					await shot(s.page, `${kind}-diagram-print`);
					const pdf = await s.page.pdf({ preferCSSPageSize: true, printBackground: true });
					const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
					assert.equal(pages, 1, 'the diagram fits one page');
					await s.page.emulateMedia({ media: 'screen' });
					await s.page.setViewportSize({ width: 1280, height: 800 });
				});

			it('opens the household of a room', async () => {
				const room = main().locator('a.room:not(.empty)').first();
				await room.click();
				await s.page.waitForURL(/\/households\/\w+$/);
				await main().getByRole('heading', { level: 1 }).waitFor();
			});

			it('shows the house cards of the joint grid', async () => {
				await s.page.goto(`${server.url}/places/${ids.grid}/houses`);
				await main().locator('.house-cards a.room').first().waitFor();
				assert.ok((await main().locator('.house-cards a.room').count()) > 100, 'both compounds');
				await check('houses-grid');
				await main().getByRole('button', { name: new RegExp('高龄') }).click();
				await s.page.waitForFunction(() => document.querySelector('.house-cards a.room.dim'));
				await shot(s.page, `${kind}-houses-filter`);
			});
		});
	}
});
