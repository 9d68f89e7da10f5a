// The home page's figures given late, in a real Chromium against a real `cunwu serve` over
// the demo township, as the town leader: a household added by a colleague (the village's
// secretary, in another browser)
// while every figure counts as costly (cockpit.late_cost_ms=0) and the server's counter
// counts again 4 s after a figure was counted. The page shows the figure it was given with
// a note that it is being counted again, then, without being reloaded, the new figure and
// no note. Checked with axe-core while the note shows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zh from '../../src/i18n/zh-CN.js';
import { desktopHooks, newPage, shot, axeViolations, apiCall, signInAs } from './harness.js';

const VILLAGE = '140406101204'; // 秦家山村

describe('cockpit figures given late', () => {
	let server, browser, s;
	const options = {
		logins: ['leader', 'sj204'],
		settings: ['cockpit.late_cost_ms=0', 'cockpit.recount_ms=4000'],
	};
	desktopHooks(options, (x) => ({ server, browser, s } = x));

	const tile = () => s.page.locator('.tile', { hasText: zh['people.households'] });
	const number = async () => Number((await tile().locator('.tile-number').textContent()).replace(/\D/g, ''));

	it('shows a late figure with a note, then the new one without a reload', async () => {
		await signInAs(server, s, 'leader', zh);
		await tile().waitFor();
		const before = await number();
		assert.ok(before > 0, 'the demo town has households');
		assert.equal(await tile().locator('.tile-late').count(), 0, 'no note before a write');

		const colleague = await newPage(browser, 'desktop');
		try {
			await signInAs(server, colleague, 'sj204', zh);
			const r = await apiCall(colleague.page, 'POST', '/api/v1/households', {
				place_id: VILLAGE, address: '秦家山村99号',
			});
			assert.equal(r.status, 201, JSON.stringify(r.body));
		} finally {
			await colleague.context.close();
		}

		await s.page.reload();
		await tile().locator('.tile-late').waitFor();
		assert.equal(await tile().locator('.tile-late').textContent(), zh['home.late']);
		assert.equal(await number(), before, 'the figure counted before the write');
		await shot(s.page, 'cockpit-late');
		assert.deepEqual(await axeViolations(s.page), [], 'axe with the note');

		// the page asks again by itself: the counter's figure, and no note
		await s.page.waitForFunction(
			() => !document.querySelector('.tile-late'), null, { timeout: 20000 });
		assert.equal(await number(), before + 1);
		assert.deepEqual(s.problems, [], 'no script errors');
	});
});
