// The place pages in a real Chromium against a real `cunwu serve` over the demo township,
// as the town leader (places.write over 微子镇): open 秦家山村 from the list of places, add
// a natural village under it, rename it (an empty name first: the API's error beside the
// field), see both changes in its history, retire it after a confirm and restore it, save
// an edit after someone else changed the place meanwhile (412, reload, save); open a
// village's grid, see what it covers, add a compound with the place picker and remove a
// place, see both kept after a reload, and have a place of another town refused — at
// desktop size and at 375×812. A grid worker sees the coverage read-only. Every page is
// screenshotted, checked with axe-core, and on the phone checked for sideways scrolling and
// small targets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zh from '../../src/i18n/zh-CN.js';
import {
	startServer, startBrowser, newPage, shot, axeViolations, phoneProblems, PASSWORD, apiCall,
} from './harness.js';

const VILLAGE = '140406101204'; // 秦家山村
const CHENJIAYU = '140428202221'; // 长子县常张乡陈家峪村: another town, also the leader's
const fill = (text, params) => text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));

const DATA = {
	desktop: { name: '测试东庄', renamed: '测试东庄新村', theirs: '测试东庄（他人改）', mine: '测试东庄三队', village: VILLAGE, compound: '测试甲小区' },
	phone: { name: '测试西庄', renamed: '测试西庄新村', theirs: '测试西庄（他人改）', mine: '测试西庄三队', village: '140406101205', compound: '测试乙小区' },
};

describe('place pages', () => {
	let server, browser;
	before(async () => {
		server = await startServer({ logins: ['leader', 'wg204'] });
		// a place of another town the leader may see, and a compound no grid covers yet
		server.cli(['user', 'grant', 'leader', 'branch_secretary', CHENJIAYU]);
		for (const d of Object.values(DATA))
			server.cli(['places', 'add', '--parent', d.village, '--kind', 'compound', '--name', d.compound]);
		browser = await startBrowser();
	});
	after(async () => {
		if (browser) await browser.close();
		if (server) assert.equal(await server.stop(), 0, 'cunwu serve stops cleanly');
	});

	for (const kind of ['desktop', 'phone']) {
		describe(kind, () => {
			let s;
			const phone = kind === 'phone';
			const d = DATA[kind];
			let placeUrl;

			async function check(name) {
				await s.page.waitForLoadState('networkidle');
				await shot(s.page, `${kind}-${name}`);
				assert.deepEqual(await axeViolations(s.page), [], `axe on ${name}`);
				if (phone) assert.deepEqual(await phoneProblems(s.page), [], `phone rules on ${name}`);
				assert.deepEqual(s.problems, [], `no script errors on ${name}`);
			}

			const main = () => s.page.locator('main');
			const dialog = () => s.page.getByRole('dialog');
			const status = (text) => s.page.getByRole('status').filter({ hasText: text });

			before(async () => {
				s = await newPage(browser, kind);
			});
			after(async () => {
				await s.context.close();
			});

			it('opens a village from the list of places', async () => {
				await s.page.goto(server.url + '/login');
				await s.page.getByLabel(zh['login.login']).fill('leader');
				await s.page.getByLabel(zh['login.password']).fill(PASSWORD);
				await s.page.getByRole('button', { name: zh['login.submit'] }).click();
				await s.page.waitForURL(server.url + '/');

				await s.page.goto(`${server.url}/places?parent=${VILLAGE}`);
				const head = main().getByRole('link', { name: fill(zh['places.open_place'], { name: '秦家山村' }) });
				await head.waitFor();
				await main().getByRole('link', { name: new RegExp(`^${zh['place.details']}`) }).first().waitFor();
				await check('places-list-village');
				await head.click();
				await s.page.waitForURL(`${server.url}/places/${VILLAGE}`);
				await main().getByRole('heading', { level: 1, name: '秦家山村' }).waitFor();
				await check('place-village');
			});

			it('adds a natural village under it', async () => {
				await main().getByRole('button', { name: zh['place.add'] }).click();
				await dialog().getByLabel(zh['place.kind']).selectOption('natural_village');
				await dialog().getByLabel(zh['place.name']).fill(d.name);
				await check('place-add');
				await dialog().getByRole('button', { name: zh['place.add_submit'] }).click();
				await s.page.waitForURL(/\/places\/[0-9A-Z]{26}\?created=1$/);
				placeUrl = s.page.url().replace(/\?.*$/, '');
				await status(fill(zh['place.created'], { name: d.name })).waitFor();
				await main().getByRole('heading', { level: 1, name: d.name }).waitFor();
				await main().getByText(zh['place.kind.natural_village']).first().waitFor();
				await check('place-new');
			});

			it('shows the API error beside the name, then renames it', async () => {
				await main().getByRole('button', { name: zh['place.edit'], exact: true }).click();
				const name = dialog().getByLabel(zh['place.name']);
				await name.fill('');
				await dialog().getByRole('button', { name: zh['place.save'] }).click();
				await dialog().getByText(zh['json.length']).waitFor();
				assert.equal(await name.getAttribute('aria-invalid'), 'true');
				await check('place-edit-error');
				await name.fill(d.renamed);
				await dialog().getByRole('button', { name: zh['place.save'] }).click();
				await status(zh['place.saved']).waitFor();
				await main().getByRole('heading', { level: 1, name: d.renamed }).waitFor();
			});

			it('lists the changes in its history', async () => {
				const hist = main().locator('.place-history li');
				await hist.first().waitFor();
				assert.equal(await hist.count(), 2);
				await hist.nth(0).getByText(zh['place.action.rename']).waitFor();
				await hist.nth(0).getByText(fill(zh['place.change'], { field: zh['place.attr.name'], from: d.name, to: d.renamed })).waitFor();
				await hist.nth(1).getByText(zh['place.action.create']).waitFor();
				await check('place-history');
			});

			// choose a place in the picker a PlaceField opened
			async function pick(name) {
				const picker = s.page.getByRole('dialog').filter({ has: s.page.getByLabel(zh['place.search']) });
				await picker.getByLabel(zh['place.search']).fill(name);
				await picker.getByRole('button', { name: new RegExp('^' + name) }).first().click();
				await picker.waitFor({ state: 'hidden' });
			}

			it('moves it: a wrong parent shows the API error, then under another village', async () => {
				await main().getByRole('button', { name: zh['place.move'], exact: true }).click();
				const form = s.page.locator('#place-move-form');
				await form.getByRole('button', { name: new RegExp(zh['place.new_parent']) }).click();
				await pick('一组');
				await dialog().getByRole('button', { name: zh['place.move_submit'], exact: true }).click();
				await form.getByText(zh['places.parent_kind']).waitFor();
				await check('place-move-error');
				await form.getByRole('button', { name: new RegExp(zh['place.new_parent']) }).click();
				await pick('冯村');
				await dialog().getByRole('button', { name: zh['place.move_submit'], exact: true }).click();
				await status(fill(zh['place.moved'], { name: '冯村' })).waitFor();
				await main().locator('.place-history li').nth(0).getByText(zh['place.action.move'], { exact: true }).waitFor();
				await main().getByRole('link', { name: '冯村' }).waitFor();
			});

			it('retires it after a confirm', async () => {
				await main().getByRole('button', { name: zh['place.retire'], exact: true }).click();
				await dialog().getByText(zh['place.retire_warning']).waitFor();
				await check('place-retire');
				await dialog().getByRole('button', { name: zh['place.retire_confirm'] }).click();
				await status(zh['place.retired_done']).waitFor();
				await main().getByText(zh['place.status.retired']).first().waitFor();
				await main().getByRole('button', { name: zh['place.restore'], exact: true }).waitFor();
				assert.equal(await main().getByRole('button', { name: zh['place.edit'], exact: true }).count(), 0);
				await main().locator('.place-history li').nth(0).getByText(zh['place.action.retire'], { exact: true }).waitFor();
				await check('place-retired');
				assert.ok(placeUrl);
			});

			it('restores it from its page; the history shows both', async () => {
				await main().getByRole('button', { name: zh['place.restore'], exact: true }).click();
				await dialog().getByText(zh['place.restore_warning']).waitFor();
				await dialog().getByRole('button', { name: zh['place.restore_confirm'] }).click();
				await status(zh['place.restored_done']).waitFor();
				await main().getByText(zh['place.status.active']).first().waitFor();
				await main().getByRole('button', { name: zh['place.edit'], exact: true }).waitFor();
				const hist = main().locator('.place-history li');
				await hist.nth(0).getByText(zh['place.action.restore'], { exact: true }).waitFor();
				await hist.nth(1).getByText(zh['place.action.retire'], { exact: true }).waitFor();
				await check('place-restored');
			});

			it('an edit after someone else changed the place: 412, reload, then the save goes through', async () => {
				await main().getByRole('button', { name: zh['place.edit'], exact: true }).click();
				const name = dialog().getByLabel(zh['place.name']);
				await name.fill(d.mine);
				// a colleague renames it meanwhile
				const id = placeUrl.split('/').pop();
				assert.equal((await apiCall(s.page, 'PATCH', '/api/v1/places/' + id, { name: d.theirs })).status, 200);
				await dialog().getByRole('button', { name: zh['place.save'] }).click();
				await dialog().getByText(zh['http.precondition_failed']).waitFor();
				await main().getByRole('heading', { level: 1, name: d.renamed }).waitFor();
				await check('place-edit-stale');
				await dialog().getByRole('button', { name: zh['action.reload'] }).click();
				await main().getByRole('heading', { level: 1, name: d.theirs }).waitFor();
				assert.equal(await name.inputValue(), d.theirs);
				await name.fill(d.mine);
				await dialog().getByRole('button', { name: zh['place.save'] }).click();
				await status(zh['place.saved']).waitFor();
				await main().getByRole('heading', { level: 1, name: d.mine }).waitFor();
				const hist = main().locator('.place-history li');
				await hist.nth(0).getByText(fill(zh['place.change'], { field: zh['place.attr.name'], from: d.theirs, to: d.mine })).waitFor();
				await hist.nth(1).getByText(fill(zh['place.change'], { field: zh['place.attr.name'], from: d.renamed, to: d.theirs })).waitFor();
			});

			// ---- a grid's coverage ----

			let grid, covered;
			const coverage = () => main().locator('section.card').filter({ has: s.page.getByRole('heading', { level: 2, name: zh['coverage.title'] }) });
			const coverageForm = () => s.page.locator('#coverage-form');

			it('lists what a village’s grid covers', async () => {
				const kids = await apiCall(s.page, 'GET', `/api/v1/places?parent=${d.village}&page_size=100`);
				grid = kids.body.items.find((x) => x.kind === 'grid');
				covered = (await apiCall(s.page, 'GET', `/api/v1/places/${grid.id}/coverage`)).body.items.map((x) => x.name);
				assert.ok(covered.length >= 1, 'the demo grid covers something');
				await s.page.goto(`${server.url}/places/${grid.id}`);
				await main().getByRole('heading', { level: 1, name: grid.name }).waitFor();
				for (const n of covered) await coverage().getByRole('link', { name: n, exact: true }).waitFor();
				await coverage().getByText(fill(zh['coverage.count'], { count: covered.length })).waitFor();
				await check('grid-coverage');
			});

			it('adds a place with the picker and removes one; both kept after a reload', async () => {
				await coverage().getByRole('button', { name: zh['coverage.edit'] }).click();
				await coverageForm().getByRole('button', { name: zh['coverage.add'] }).click();
				await pick(d.compound);
				await coverageForm().getByText(d.compound, { exact: true }).waitFor();
				const gone = covered[covered.length - 1];
				await coverageForm().getByRole('button', { name: fill(zh['coverage.remove'], { name: gone }) }).click();
				await check('grid-coverage-edit');
				await dialog().getByRole('button', { name: zh['coverage.save'] }).click();
				await status(fill(zh['coverage.saved'], { added: 1, removed: 1 })).waitFor();
				await coverage().getByRole('link', { name: d.compound, exact: true }).waitFor();
				assert.equal(await coverage().getByRole('link', { name: gone, exact: true }).count(), 0);
				await s.page.reload();
				await coverage().getByRole('link', { name: d.compound, exact: true }).waitFor();
				assert.equal(await coverage().getByRole('link', { name: gone, exact: true }).count(), 0);
				const hist = main().locator('.place-history li');
				await hist.first().waitFor();
				const text = await main().locator('.place-history').textContent();
				assert.ok(text.includes(fill(zh['place.history_place'], { name: d.compound })), 'the cover in the grid’s history');
				assert.ok(text.includes(fill(zh['place.history_place'], { name: gone })), 'the uncover in the grid’s history');
				await check('grid-coverage-saved');
			});

			it('refuses a place of another town, with the message in the dialog', async () => {
				await coverage().getByRole('button', { name: zh['coverage.edit'] }).click();
				await coverageForm().getByRole('button', { name: zh['coverage.add'] }).click();
				await pick('陈家峪村');
				await dialog().getByRole('button', { name: zh['coverage.save'] }).click();
				await coverageForm().getByText(zh['places.coverage_town'], { exact: true }).waitFor();
				await check('grid-coverage-refused');
				await dialog().getByRole('button', { name: zh['action.cancel'] }).click();
				await s.page.reload();
				await coverage().getByRole('link', { name: d.compound, exact: true }).waitFor();
				assert.equal(await coverage().getByRole('link', { name: '陈家峪村', exact: true }).count(), 0);
			});

			it('names the grid on a covered place’s page', async () => {
				await coverage().getByRole('link', { name: d.compound, exact: true }).click();
				await main().getByRole('heading', { level: 1, name: d.compound }).waitFor();
				await main().locator('.facts').getByRole('link', { name: grid.name, exact: true }).waitFor();
				await main().locator('.facts').getByText(zh['place.in_grid'], { exact: true }).waitFor();
				await check('place-in-grid');
			});
		});
	}

	it('a grid worker sees the coverage read-only', async () => {
		const s = await newPage(browser, 'desktop');
		try {
			await s.page.goto(server.url + '/login');
			await s.page.getByLabel(zh['login.login']).fill('wg204');
			await s.page.getByLabel(zh['login.password']).fill(PASSWORD);
			await s.page.getByRole('button', { name: zh['login.submit'] }).click();
			await s.page.waitForURL(server.url + '/');
			const kids = await apiCall(s.page, 'GET', `/api/v1/places?parent=${VILLAGE}&page_size=100`);
			const grid = kids.body.items.find((x) => x.kind === 'grid');
			await s.page.goto(`${server.url}/places/${grid.id}`);
			const main = s.page.locator('main');
			await main.getByRole('heading', { level: 2, name: zh['coverage.title'] }).waitFor();
			await main.getByRole('link', { name: DATA.desktop.compound, exact: true }).waitFor();
			assert.equal(await main.getByRole('button', { name: zh['coverage.edit'] }).count(), 0);
			assert.equal(await main.getByRole('button', { name: zh['place.edit'], exact: true }).count(), 0);
			await s.page.waitForLoadState('networkidle');
			await shot(s.page, 'desktop-grid-coverage-readonly');
			assert.deepEqual(await axeViolations(s.page), []);
			assert.deepEqual(s.problems, []);
		} finally {
			await s.context.close();
		}
	});
});
