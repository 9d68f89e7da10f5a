// The people pages in a real Chromium against a real `cunwu serve` over the demo township,
// as 秦家山村's branch secretary (sj204): register a household and its head with a valid
// ID number, see it masked, find the person by two characters and by pinyin initials, add a
// tag, reveal the ID number with a reason, edit (a stale form, a bad phone beside its field,
// then a good one), move to another household and change the status, see the history,
// dissolve the emptied household, register an organization (a bad credit code, then a good
// one) and reveal its phone, count the tags; then 冯村's secretary (sj205) cannot find the
// person — at desktop size and at 375×812. Every page is screenshotted (build/screenshots/),
// checked with axe-core, and on the phone checked for sideways scrolling and small targets.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import zh from '../../src/i18n/zh-CN.js';
import {
	startServer, startBrowser, newPage, shot, axeViolations, phoneProblems, PASSWORD, apiCall,
	answerCode,
} from './harness.js';

// A translated text with its {params} as a pattern
function pattern(text, flags = '') {
	const parts = text.split(/\{[a-z_]+\}/);
	return new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+'), flags);
}
const fill = (text, params) => text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));

// The resident ID's check character (ISO 7064 MOD 11-2) after the first 17 characters
function residentId(first17) {
	const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
	const sum = [...first17].reduce((s, c, i) => s + Number(c) * w[i], 0);
	return first17 + '10X98765432'[sum % 11];
}

// The unified social credit code's check character (GB 32100-2015) after the first 17
function uscc(first17) {
	const al = '0123456789ABCDEFGHJKLMNPQRTUWXY';
	const w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
	const sum = [...first17].reduce((s, c, i) => s + al.indexOf(c) * w[i], 0);
	return first17 + al[(31 - (sum % 31)) % 31];
}
const masked = (id) => id.slice(0, 6) + '********' + id.slice(14);

// What each run registers: the desktop and the phone runs share the server
const DATA = {
	desktop: {
		name: '欧阳念慈', two: '念慈', initials: 'oync', id: residentId('14040619400312001'),
		address: '秦家山村 测试一号', target: '秦家山村 测试迁入一号',
		org: '秦家山测试商店', uscc: uscc('91140406MA0K12345'), orgPhone: '0355-2021234',
	},
	phone: {
		name: '诸葛明远', two: '明远', initials: 'zgmy', id: residentId('14040619450706003'),
		address: '秦家山村 测试二号', target: '秦家山村 测试迁入二号',
		org: '秦家山测试农场', uscc: uscc('93140406MA0K54321'), orgPhone: '13700001111',
	},
};

describe('people pages', () => {
	let server, browser;
	before(async () => {
		server = await startServer({ logins: ['sj204', 'sj205'] });
		browser = await startBrowser();
	});
	after(async () => {
		if (browser) await browser.close();
		if (server) assert.equal(await server.stop(), 0, 'cunwu serve stops cleanly');
	});

	for (const kind of ['desktop', 'phone']) {
		describe(kind, () => {
			let s; // the page and what it saw
			const phone = kind === 'phone';
			const d = DATA[kind];
			let personUrl, householdUrl;

			async function check(name) {
				await s.page.waitForLoadState('networkidle');
				await shot(s.page, `${kind}-${name}`);
				assert.deepEqual(await axeViolations(s.page), [], `axe on ${name}`);
				if (phone) assert.deepEqual(await phoneProblems(s.page), [], `phone rules on ${name}`);
				assert.deepEqual(s.problems, [], `no script errors on ${name}`);
			}

			async function signIn(user) {
				await s.page.goto(server.url + '/login');
				await s.page.getByLabel(zh['login.login']).fill(user);
				await s.page.getByLabel(zh['login.password']).fill(PASSWORD);
				await s.page.getByRole('button', { name: zh['login.submit'] }).click();
				await answerCode(s.page, user, zh);
				await s.page.waitForURL(server.url + '/');
			}

			async function signOut() {
				await s.page.getByRole('button', { name: zh['user.menu'] }).click();
				await s.page.getByRole('button', { name: zh['user.logout'] }).click();
				await s.page.waitForURL(/\/login/);
			}

			// a call of the API as the signed-in user (what another tab or colleague does)
			const call = (method, path, body) => apiCall(s.page, method, path, body);

			const main = () => s.page.locator('main');
			const status = (text) => s.page.getByRole('status').filter({ hasText: text });

			before(async () => {
				s = await newPage(browser, kind);
			});
			after(async () => {
				await s.context.close();
			});

			it('offers people, households and organizations to a village secretary', async () => {
				await signIn('sj204');
				if (phone) await s.page.getByRole('button', { name: zh['nav.open'] }).click();
				const nav = s.page.getByRole('navigation', { name: zh['nav.label'] });
				for (const key of ['nav.people', 'nav.households', 'nav.orgs'])
					await nav.getByRole('link', { name: zh[key], exact: true }).waitFor();
				await nav.getByRole('link', { name: zh['nav.households'], exact: true }).click();
				await s.page.waitForURL(/\/households$/);
				await s.page.getByRole('link', { name: /秦家山村/ }).first().waitFor();
				await check('households');
			});

			it('registers a household and its head with a valid ID number, shown masked', async () => {
				await s.page.getByRole('link', { name: zh['households.new'] }).click();
				await s.page.waitForURL(/\/households\/new$/);
				await s.page.getByLabel(zh['household.address']).fill(d.address);
				await s.page.getByLabel(zh['household.hukou_no']).fill(phone ? '140406-0002' : '140406-0001');
				await check('household-new');
				await s.page.getByRole('button', { name: zh['households.create'] }).click();
				await s.page.waitForURL(/\/households\/[0-9A-Z]{26}\?created=1/);
				householdUrl = s.page.url().replace(/\?.*/, '');
				await status(zh['household.created']).waitFor();

				// the first member is the head
				assert.equal(await s.page.getByLabel(zh['person.relation']).inputValue(), 'head');
				await s.page.getByLabel(zh['person.name']).fill(d.name);
				await s.page.getByLabel(zh['person.id_no']).fill(d.id);
				await s.page.getByLabel(zh['person.phone']).fill(phone ? '13600002222' : '13800001111');
				await s.page.getByRole('button', { name: zh['household.add_submit'], exact: true }).click();
				await status(fill(zh['household.member_added'], { name: d.name })).waitFor();
				const members = s.page.getByRole('region', { name: zh['household.members'] });
				await members.getByRole('link', { name: d.name }).waitFor();
				if (!phone) assert.match(await members.textContent(), new RegExp(masked(d.id).replace(/\*/g, '\\*')));
				assert.match(await main().textContent(), new RegExp(zh['person.relation.head']));
				await check('household');

				await members.getByRole('link', { name: d.name }).click();
				await s.page.waitForURL(/\/people\/[0-9A-Z]{26}$/);
				personUrl = s.page.url();
				await s.page.getByRole('heading', { level: 1, name: d.name }).waitFor();
				const text = await main().textContent();
				assert.ok(text.includes(masked(d.id)), 'the ID number is masked');
				assert.ok(!text.includes(d.id), 'the full ID number is not shown');
			});

			it('finds the person by two characters and by pinyin initials', async () => {
				await s.page.goto(server.url + '/people');
				const q = s.page.getByLabel(zh['persons.search']);
				await q.fill(d.two);
				await s.page.getByText(zh['persons.kind.name']).waitFor();
				const link = s.page.getByRole('link', { name: d.name, exact: true });
				await link.waitFor();
				assert.equal(await link.count(), 1);
				assert.ok((await main().textContent()).includes(masked(d.id)), 'the list shows the masked ID');
				await check('people-search');

				await q.fill(d.initials);
				await s.page.getByText(zh['persons.kind.pinyin']).waitFor();
				await s.page.waitForURL(new RegExp('q=' + d.initials));
				await s.page.waitForLoadState('networkidle');
				await link.waitFor();

				// a whole ID number is an exact search
				await q.fill(d.id);
				await s.page.getByText(zh['persons.kind.id']).waitFor();
				await s.page.waitForURL(new RegExp('q=' + d.id));
				await s.page.waitForLoadState('networkidle');
				await link.waitFor();
				await link.click();
				await s.page.waitForURL(personUrl);
			});

			it('adds a tag with its source; a derived tag cannot be removed', async () => {
				await s.page.getByLabel(zh['tag.tag'], { exact: true }).selectOption('veteran');
				await s.page.getByLabel(zh['tag.source']).selectOption('import:civil_affairs');
				await s.page.getByRole('button', { name: zh['tag.add'] }).click();
				await status(fill(zh['tag.added'], { name: zh['tag.name.veteran'] })).waitFor();
				const chips = s.page.getByRole('list', { name: zh['tag.list'] });
				assert.match(await chips.textContent(), new RegExp(zh['tag.name.veteran'] + '.*' + zh['tag.source.import_civil_affairs']));
				// 高龄 is derived from the birth date: marked, and not removable
				assert.match(await chips.textContent(), new RegExp(zh['tag.name.aged80'] + '.*' + zh['tag.derived']));
				assert.equal(await s.page.getByRole('button', { name: fill(zh['tag.remove'], { name: zh['tag.name.aged80'] }) }).count(), 0);
				// a tag set by hand can be removed again
				await s.page.getByLabel(zh['tag.tag'], { exact: true }).selectOption('volunteer');
				await s.page.getByRole('button', { name: zh['tag.add'] }).click();
				await status(fill(zh['tag.added'], { name: zh['tag.name.volunteer'] })).waitFor();
				await s.page.getByRole('button', { name: fill(zh['tag.remove'], { name: zh['tag.name.volunteer'] }) }).click();
				await status(fill(zh['tag.removed'], { name: zh['tag.name.volunteer'] })).waitFor();
				await check('person');
			});

			it('reveals the full ID number for a reason, and says the view is recorded', async () => {
				await s.page.getByRole('button', { name: zh['reveal.action'] }).click();
				const dialog = s.page.getByRole('dialog', { name: zh['reveal.title'] });
				await dialog.waitFor();
				assert.match(await dialog.textContent(), pattern(zh['reveal.warning']));
				// without a reason: the API's error beside the field
				await dialog.getByRole('button', { name: zh['reveal.submit'], exact: true }).click();
				await dialog.locator('[aria-invalid=true]').waitFor();
				assert.match(await dialog.textContent(), new RegExp(zh['json.length']));
				await check('person-reveal');
				await dialog.getByLabel(zh['reveal.reason']).fill('核实高龄津贴申请人身份');
				await dialog.getByRole('button', { name: zh['reveal.submit'], exact: true }).click();
				await dialog.waitFor({ state: 'hidden' });
				await status(zh['reveal.recorded']).waitFor();
				assert.ok((await main().textContent()).includes(d.id), 'the full ID number is shown');
				await check('person-revealed');
				await s.page.getByRole('button', { name: zh['reveal.hide'] }).click();
				assert.ok(!(await main().textContent()).includes(d.id), 'hidden again');
			});

			it('edits the person: a stale form, a bad phone beside its field, then saved', async () => {
				await s.page.getByRole('button', { name: zh['person.edit'] }).click();
				const phoneField = s.page.getByLabel(zh['person.phone'], { exact: true });
				// someone else changes the person meanwhile
				const id = personUrl.split('/').pop();
				assert.equal((await call('PATCH', '/api/v1/people/' + id, { note: '另一位同事的修改' })).status, 200);
				await phoneField.fill('12345');
				await s.page.getByRole('button', { name: zh['person.save'] }).click();
				const alert = s.page.getByRole('alert').filter({ hasText: zh['http.precondition_failed'] });
				await alert.waitFor();
				await alert.getByRole('button', { name: zh['action.reload'] }).click();
				await alert.waitFor({ state: 'hidden' });

				await phoneField.fill('12345');
				await s.page.getByRole('button', { name: zh['person.save'] }).click();
				await s.page.locator('.field-error', { hasText: zh['people.phone_format'] }).waitFor();
				assert.equal(await phoneField.getAttribute('aria-invalid'), 'true');
				await check('person-edit-error');

				await phoneField.fill('139 1234 5678');
				await s.page.getByRole('button', { name: zh['person.save'] }).click();
				await status(zh['person.saved']).waitFor();
				const text = await main().textContent();
				assert.ok(text.includes('139****5678'), 'the new phone, masked');
				assert.ok(text.includes('另一位同事的修改'), "the colleague's note is kept");
			});

			it('moves the person to another household, then changes the status; the history shows both', async () => {
				const target = await call('POST', '/api/v1/households', { place_id: '140406101204', address: d.target, kind: 'resident' });
				assert.equal(target.status, 201);

				await s.page.getByRole('button', { name: zh['move.action'] }).click();
				const dialog = s.page.getByRole('dialog', { name: zh['move.title'] });
				await dialog.getByLabel(zh['move.search']).fill(d.target);
				await s.page.waitForFunction(() => document.querySelectorAll('.move-hit').length === 1);
				await dialog.getByLabel(new RegExp(d.target)).check();
				await dialog.getByLabel(zh['move.reason']).fill('分户');
				await check('person-move');
				await dialog.getByRole('button', { name: zh['move.submit'] }).click();
				await dialog.waitFor({ state: 'hidden' });
				await status(zh['move.done_household']).waitFor();

				await s.page.getByRole('button', { name: zh['move.action'] }).click();
				await dialog.getByLabel(zh['move.kind_status']).check();
				await dialog.getByLabel(zh['move.new_status']).selectOption('away');
				await dialog.getByLabel(zh['move.reason']).fill('外出务工');
				await dialog.getByRole('button', { name: zh['move.submit'] }).click();
				await dialog.waitFor({ state: 'hidden' });
				await status(fill(zh['move.done_status'], { status: zh['person.status.away'] })).waitFor();

				const history = s.page.locator('.history');
				const text = await history.textContent();
				assert.ok(text.includes(fill(zh['history.moved'], { from: d.address, to: d.target })), text);
				assert.ok(text.includes(fill(zh['history.status'], { from_status: zh['person.status.present'], to_status: zh['person.status.away'] })), text);
				assert.ok(text.includes(fill(zh['history.reason'], { reason: '外出务工' })), text);
				await s.page.getByRole('link', { name: d.target }).waitFor(); // the household link
				await check('person-moved');
			});

			it('dissolves the household the head has left', async () => {
				await s.page.goto(householdUrl);
				await s.page.getByText(zh['household.no_members']).waitFor();
				await s.page.getByRole('button', { name: zh['household.dissolve'] }).click();
				const dialog = s.page.getByRole('dialog', { name: zh['household.dissolve'] });
				await dialog.getByRole('button', { name: zh['household.dissolve'] }).click();
				await status(zh['household.dissolved']).waitFor();
				await check('household-dissolved');
			});

			it('registers an organization, with the credit code checked, and reveals its phone', async () => {
				await s.page.goto(server.url + '/orgs');
				await s.page.getByRole('link', { name: zh['orgs.new'] }).click();
				await s.page.waitForURL(/\/orgs\/new$/);
				await s.page.getByLabel(zh['org.name']).fill(d.org);
				await s.page.getByLabel(zh['org.kind']).selectOption(phone ? 'cooperative' : 'shop');
				const wrong = d.uscc.slice(0, 17) + (d.uscc[17] === '0' ? '1' : '0');
				await s.page.getByLabel(zh['org.uscc']).fill(wrong);
				await s.page.getByLabel(zh['org.contact_name']).fill('秦小明');
				await s.page.getByLabel(zh['org.phone']).fill(d.orgPhone);
				await s.page.getByRole('button', { name: zh['orgs.create'] }).click();
				await s.page.locator('.field-error', { hasText: zh['people.uscc_check'] }).waitFor();
				assert.equal(await s.page.getByLabel(zh['org.uscc']).getAttribute('aria-invalid'), 'true');
				await check('org-new');
				await s.page.getByLabel(zh['org.uscc']).fill(d.uscc);
				await s.page.getByRole('button', { name: zh['orgs.create'] }).click();
				await s.page.waitForURL(/\/orgs\/[0-9A-Z]{26}\?created=1/);
				await status(fill(zh['org.created'], { name: d.org })).waitFor();
				assert.ok(!(await main().textContent()).includes(d.orgPhone), 'the phone is masked');

				await s.page.getByRole('button', { name: zh['reveal.action_phone'] }).click();
				const dialog = s.page.getByRole('dialog', { name: zh['reveal.title_phone'] });
				await dialog.getByLabel(zh['reveal.reason']).fill('联系店主核实经营情况');
				await dialog.getByRole('button', { name: zh['reveal.submit'], exact: true }).click();
				await dialog.waitFor({ state: 'hidden' });
				await status(zh['reveal.recorded']).waitFor();
				assert.ok((await main().textContent()).includes(d.orgPhone), 'the full phone is shown');
				await check('org');

				await s.page.goto(server.url + '/orgs');
				await s.page.getByLabel(zh['orgs.search']).fill(d.org.slice(0, 4));
				await s.page.getByRole('link', { name: d.org }).waitFor();
				await check('orgs');
			});

			it('counts the tags of the village', async () => {
				await s.page.goto(server.url + '/tags');
				const link = s.page.getByRole('link', { name: zh['tag.name.veteran'] });
				await link.waitFor();
				await check('tags');
				await link.click();
				await s.page.waitForURL(/\/people\?tag=veteran/);
				await s.page.getByRole('link', { name: d.name, exact: true }).waitFor();
				await signOut();
			});

			it("is not found by another village's secretary", async () => {
				await signIn('sj205');
				await s.page.goto(server.url + '/people?q=' + encodeURIComponent(d.two));
				await s.page.getByText(zh['persons.none_found']).waitFor();
				assert.equal(await s.page.getByRole('link', { name: d.name }).count(), 0);
				await check('people-other-village');
				await s.page.goto(personUrl);
				await s.page.getByRole('alert').filter({ hasText: zh['auth.forbidden'] }).waitFor();
				assert.ok(!(await main().textContent()).includes(d.name));
				await signOut();
			});
		});
	}
});
