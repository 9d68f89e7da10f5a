// requests.js: the pure helpers of the request pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
	actionBody,
	attributesBody,
	attributeDefaults,
	categoryGroups,
	categoryLeaves,
	categoryRows,
	chosenPlace,
	codeText,
	currentDeadline,
	permilleText,
	hoursText,
	spanParts,
	specBody,
	specRows,
} from '../../src/requests.js';

const tree = [
	{ id: 'env', name: '环境卫生', children: [{ id: 'env.dumping', name: '垃圾乱倒', children: [] }] },
	{ id: 'wires', name: '电线乱搭', children: [] },
];

test('only leaves are categories to choose, grouped under their parents', () => {
	assert.deepEqual(categoryLeaves(tree).map((c) => [c.id, c.group]), [['env.dumping', '环境卫生'], ['wires', '']]);
	assert.deepEqual(categoryGroups(tree).map((g) => [g.group, g.items.length]), [['环境卫生', 1], ['', 1]]);
});

test('an action sends only what it takes, typed', () => {
	const v = { reply: ' 已修好 ', reason: 'x', satisfaction: '4', hours: '24', reasonable: 'false', target_id: '', comment: '' };
	assert.deepEqual(actionBody('resolve', v), { action: 'resolve', reply: '已修好' });
	assert.deepEqual(actionBody('follow_up', v), { action: 'follow_up', satisfaction: 4 });
	assert.deepEqual(actionBody('request_extension', v), { action: 'request_extension', reason: 'x', hours: 24 });
	assert.deepEqual(actionBody('classify', v), { action: 'classify', reasonable: false });
	assert.deepEqual(actionBody('merge', v), { action: 'merge' });
	assert.deepEqual(actionBody('sign', v), { action: 'sign' });
});

test('attributes: blanks left out, numbers as numbers, a Beijing datetime as an instant', () => {
	const spec = [
		{ key: 'n', type: 'number' },
		{ key: 'at', type: 'datetime' },
		{ key: 'rooms', type: 'multi' },
		{ key: 's', type: 'string' },
	];
	assert.deepEqual(attributeDefaults(spec), { n: '', at: '', rooms: [], s: '' });
	assert.deepEqual(attributesBody(spec, { n: '2.5', at: '2025-01-02T08:30', rooms: [], s: '' }), {
		n: 2.5,
		at: '2025-01-02T00:30:00.000Z',
	});
});

test('the deadline that counts, and spans in words', () => {
	const r = { status: 'submitted', response_due_at: 'A', resolution_due_at: 'B' };
	assert.deepEqual(currentDeadline(r), { kind: 'response', at: 'A' });
	assert.deepEqual(currentDeadline({ ...r, status: 'in_progress', signed_at: 'x' }), { kind: 'resolution', at: 'B' });
	assert.equal(currentDeadline({ ...r, status: 'closed' }), null);
	assert.deepEqual(spanParts(-30), { unit: 'minutes', n: 30 });
	assert.deepEqual(spanParts(150), { unit: 'hours', n: 2 });
	assert.deepEqual(spanParts(-4000), { unit: 'days', n: 2 });
});

test('figures, codes and the picked place', () => {
	assert.equal(permilleText(935), '93.5%');
	assert.equal(permilleText(1000), '100%');
	assert.equal(permilleText(null), '');
	assert.equal(hoursText(90), '1.5');
	assert.equal(codeText('ABCDE12345'), 'ABCDE-12345');
	const levels = [
		{ items: [{ id: 't' }], value: 't' },
		{ items: [{ id: 'v' }], value: 'v' },
		{ items: [{ id: 'g' }], value: '' },
	];
	assert.equal(chosenPlace(levels).id, 'v');
});

test('categoryRows: the tree in order with depths', () => {
	const rows = categoryRows(tree);
	assert.deepEqual(
		rows.map((r) => [r.depth, r.category.id]),
		[
			[0, 'env'],
			[1, 'env.dumping'],
			[0, 'wires'],
		],
	);
	assert.deepEqual(categoryRows(null), []);
});

test('specRows and specBody: choices one a line, only for choice types', () => {
	const spec = [
		{ key: 'kind', label: '种类', type: 'single', required: true, choices: ['甲', '乙'] },
		{ key: 'n', label: '数量', type: 'number' },
	];
	const rows = specRows(spec);
	assert.equal(rows[0].choices, '甲\n乙');
	assert.equal(rows[1].required, false);
	assert.deepEqual(specBody(rows), [
		{ key: 'kind', label: '种类', type: 'single', required: true, choices: ['甲', '乙'] },
		{ key: 'n', label: '数量', type: 'number', required: false },
	]);
	rows[0].choices = ' 丙、丁，戊\n\n';
	rows[1].choices = 'ignored';
	assert.deepEqual(specBody(rows)[0].choices, ['丙', '丁', '戊']);
	assert.equal(specBody(rows)[1].choices, undefined);
});
