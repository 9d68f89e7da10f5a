// notify.js: the inbox page's helpers, and the assign action's body (requests.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notificationLink, unreadIds } from '../../src/notify.js';
import { actionBody, actionInputs } from '../../src/requests.js';

test('a notification links its request', () => {
	assert.equal(notificationLink({ request_id: '01ABC' }), '/requests/01ABC');
	assert.equal(notificationLink({}), null);
	assert.equal(notificationLink(null), null);
});

test('the unread ones', () => {
	assert.deepEqual(unreadIds([{ id: 'a', read_at: null }, { id: 'b', read_at: '2026-01-01T00:00:00.000Z' }, { id: 'c' }]), ['a', 'c']);
	assert.deepEqual(unreadIds(undefined), []);
});

test('assign sends the account chosen', () => {
	assert.deepEqual(actionInputs('assign'), ['assignee_id']);
	assert.deepEqual(actionBody('assign', { assignee_id: ' 01USER ', note: 'x' }), { action: 'assign', assignee_id: '01USER' });
});
