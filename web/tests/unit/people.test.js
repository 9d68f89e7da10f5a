// people.test.js - the pure rules of the people pages (src/people.js): what a search text is
// searched as (the same decision as search_text in src/people/http.c), the list query, the
// age range, dates in Asia/Shanghai, history lines, grants over a place, the tags that may
// be added, and the fields a PATCH sends.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
	addableTags,
	ageRangeError,
	changedFields,
	grantsCover,
	historyHouseholds,
	historyLines,
	peopleQuery,
	searchKind,
	secondsLeft,
	tagSourceKey,
	todayShanghai,
	TAG_SOURCES,
} from '../../src/people.js';
import zh from '../../src/i18n/zh-CN.js';
import en from '../../src/i18n/en.js';

test('searchKind: empty, characters of a name, pinyin', () => {
	assert.equal(searchKind(''), 'none');
	assert.equal(searchKind('   '), 'none');
	assert.equal(searchKind(null), 'none');
	assert.equal(searchKind('国强'), 'name');
	assert.equal(searchKind('秦'), 'name');
	assert.equal(searchKind('欧阳 娜娜'), 'name');
	assert.equal(searchKind('qgq'), 'pinyin');
	assert.equal(searchKind('QinGuo'), 'pinyin');
	// letters with digits or spaces are not pinyin: the gram index decides
	assert.equal(searchKind('q1'), 'name');
	assert.equal(searchKind('qin guo'), 'name');
});

test('searchKind: identity numbers and phones, as the API tells them apart', () => {
	assert.equal(searchKind('140406194003120016'), 'id');
	assert.equal(searchKind('14040619400312001x'), 'id');
	assert.equal(searchKind('140406 19400312 0016'), 'id');
	assert.equal(searchKind('140406400312001'), 'id'); // the old 15-digit card
	assert.equal(searchKind('13812345678'), 'phone');
	assert.equal(searchKind('138-1234-5678'), 'phone');
	assert.equal(searchKind('+8613812345678'), 'phone');
	assert.equal(searchKind('0355-2021234'), 'phone');
	assert.equal(searchKind('1234567'), 'phone'); // 7 digits, not 15: the API tries a phone
	// fewer than 7 characters of digits are searched as text
	assert.equal(searchKind('140406'), 'name');
	assert.equal(searchKind('1404'), 'name');
});

test('searchKind: over 64 bytes is too long (a Chinese character is 3)', () => {
	assert.equal(searchKind('a'.repeat(64)), 'pinyin');
	assert.equal(searchKind('a'.repeat(65)), 'too_long');
	assert.equal(searchKind('张'.repeat(21)), 'name');
	assert.equal(searchKind('张'.repeat(22)), 'too_long');
});

test('every search kind has a hint in both locales', () => {
	for (const k of ['none', 'name', 'pinyin', 'id', 'phone', 'too_long']) {
		assert.ok(zh['persons.kind.' + k], k);
		assert.ok(en['persons.kind.' + k], k);
	}
});

test('peopleQuery: filters that are set, the current place by default, paging', () => {
	assert.deepEqual(peopleQuery({ q: ' 国强 ', sort: 'name', page: 1, tag: '', status: '', sex: '', age_min: '', age_max: '', place: '' }, '140406101204', 50), {
		q: '国强',
		place: '140406101204',
		sort: 'name',
		page: 1,
		page_size: 50,
	});
	assert.deepEqual(
		peopleQuery({ q: '', sort: '-birth_date', page: 3, tag: 'aged80', status: 'present', sex: 'F', age_min: '60', age_max: ' 80 ', place: '140406101205' }, '140406101000'),
		{ tag: 'aged80', status: 'present', sex: 'F', age_min: '60', age_max: '80', place: '140406101205', sort: '-birth_date', page: 3, page_size: 50 },
	);
	assert.deepEqual(peopleQuery({}, null, 20), { sort: 'name', page: 1, page_size: 20 });
});

test('ageRangeError: whole numbers 0-150, lower not above upper', () => {
	assert.equal(ageRangeError('', ''), '');
	assert.equal(ageRangeError('60', ''), '');
	assert.equal(ageRangeError('', '0'), '');
	assert.equal(ageRangeError('60', '80'), '');
	assert.equal(ageRangeError('80', '80'), '');
	assert.equal(ageRangeError('150', ''), '');
	assert.equal(ageRangeError('151', ''), 'people.age');
	assert.equal(ageRangeError('-1', ''), 'people.age');
	assert.equal(ageRangeError('6.5', ''), 'people.age');
	assert.equal(ageRangeError('', 'abc'), 'people.age');
	assert.equal(ageRangeError('80', '60'), 'persons.age_order');
	assert.ok(zh['persons.age_order'] && en['persons.age_order']);
	assert.ok(zh['people.age'] && en['people.age']);
});

test('todayShanghai: the civil date at UTC+8', () => {
	assert.equal(todayShanghai(Date.parse('2026-11-29T15:59:59Z')), '2026-11-29');
	assert.equal(todayShanghai(Date.parse('2026-11-29T16:00:00Z')), '2026-11-30');
	assert.equal(todayShanghai(Date.parse('2026-12-31T17:00:00Z')), '2027-01-01');
});

test('tagSourceKey: every source the API takes has a text', () => {
	assert.equal(tagSourceKey('hand'), 'tag.source.hand');
	assert.equal(tagSourceKey('import:civil_affairs'), 'tag.source.import_civil_affairs');
	for (const s of [...TAG_SOURCES, 'rule']) {
		assert.ok(zh[tagSourceKey(s)], s);
		assert.ok(en[tagSourceKey(s)], s);
	}
});

test('historyLines: moves, changes of status, both', () => {
	const h = [
		{ on_date: '2026-11-02', from_household_id: 'B', to_household_id: 'B', from_status: 'present', to_status: 'away', reason: '外出务工', created_at: 't2' },
		{ on_date: '2026-11-01', from_household_id: 'A', to_household_id: 'B', from_status: 'present', to_status: 'present', reason: '分户', created_at: 't1' },
		{ on_date: '2026-10-01', from_household_id: 'X', to_household_id: 'A', from_status: 'away', to_status: 'present', reason: '', created_at: 't0' },
		{ on_date: '2026-09-01', from_household_id: null, to_household_id: null, from_status: 'present', to_status: 'away', reason: null, created_at: 't-1' },
	];
	const lines = historyLines(h);
	assert.deepEqual(
		lines.map((l) => [l.key, l.date, l.reason]),
		[
			['history.status', '2026-11-02', '外出务工'],
			['history.moved', '2026-11-01', '分户'],
			['history.moved_status', '2026-10-01', ''],
			['history.status', '2026-09-01', ''],
		],
	);
	assert.equal(lines[1].from, 'A');
	assert.equal(lines[1].to, 'B');
	assert.equal(lines[0].toStatus, 'away');
	assert.deepEqual(historyLines(null), []);
	assert.deepEqual(historyHouseholds(h), ['B', 'A', 'X']);
	for (const k of ['history.moved', 'history.moved_status', 'history.status', 'history.recorded']) assert.ok(zh[k] && en[k], k);
});

test('grantsCover: a grant with the permission over an ancestor place', () => {
	const paths = { T: '/14/1404/140406/140406101000/', V: '/14/1404/140406/140406101000/140406101204/', W: '/14/1404/140406/140406101000/140406101205/' };
	const pathOf = (id) => paths[id];
	const grants = [
		{ place_id: 'V', perms: ['people.read', 'people.reveal'] },
		{ place_id: 'T', perms: ['people.read'] },
	];
	assert.equal(grantsCover(grants, 'people.reveal', paths.V, pathOf), true);
	assert.equal(grantsCover(grants, 'people.reveal', paths.V + '140406101204001/', pathOf), true);
	assert.equal(grantsCover(grants, 'people.reveal', paths.W, pathOf), false);
	assert.equal(grantsCover(grants, 'people.read', paths.W, pathOf), true);
	assert.equal(grantsCover(grants, 'people.write', paths.V, pathOf), false);
	assert.equal(grantsCover(grants, 'people.read', '', pathOf), false);
	assert.equal(grantsCover([{ place_id: 'gone', perms: ['people.read'] }], 'people.read', paths.V, pathOf), false);
});

test('secondsLeft counts down to 0 and stays there', () => {
	assert.equal(secondsLeft(10_000, 0), 10);
	assert.equal(secondsLeft(10_000, 9_001), 1);
	assert.equal(secondsLeft(10_000, 10_000), 0);
	assert.equal(secondsLeft(10_000, 12_000), 0);
});

test('addableTags: for this kind of row, not derived, not set already', () => {
	const catalogue = [
		{ id: 'aged80', applies_to: 'person', derived: true },
		{ id: 'veteran', applies_to: 'person', derived: false },
		{ id: 'volunteer', applies_to: 'person', derived: false },
		{ id: 'dibao', applies_to: 'household', derived: false },
		{ id: 'community_correction', applies_to: 'person', derived: false, restricted: true },
	];
	assert.deepEqual(
		addableTags(catalogue, 'person', [{ id: 'veteran' }]).map((x) => x.id),
		['volunteer', 'community_correction'],
	);
	assert.deepEqual(addableTags(catalogue, 'household', []).map((x) => x.id), ['dibao']);
	assert.deepEqual(addableTags(null, 'person', null), []);
});

test('changedFields: only what changed, trimmed; empty nullable fields as null; secrets when typed', () => {
	const row = { name: '秦国强', relation: 'head', sex: 'M', birth_date: '1940-03-12', ethnicity: null, note: '', phone: '138****5678' };
	assert.deepEqual(
		changedFields(
			{ name: ' 秦国强 ', relation: 'head', sex: 'M', birth_date: '1940-03-12', ethnicity: '', note: '', phone: '', id_no: '' },
			row,
			{ nullable: ['sex', 'birth_date', 'ethnicity'], secret: ['id_no', 'phone'] },
		),
		{},
	);
	assert.deepEqual(
		changedFields(
			{ name: '秦国富', relation: 'other', sex: '', birth_date: '1940-03-12', ethnicity: '汉族', note: '腿脚不便', phone: ' 12345 ', id_no: '' },
			row,
			{ nullable: ['sex', 'birth_date', 'ethnicity'], secret: ['id_no', 'phone'] },
		),
		{ name: '秦国富', relation: 'other', sex: null, ethnicity: '汉族', note: '腿脚不便', phone: '12345' },
	);
});
