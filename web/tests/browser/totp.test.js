// The second factor (TOTP) in a real Chromium against a real `cunwu serve` over the demo
// township: the auditor (an administrator without one) signs in and is kept on the
// enrolment page, which shows the key, its otpauth:// link and a QR code; a code from the
// key confirms it; signed out and in again, the login page asks for the code, refuses a
// wrong one and takes the right one. The security administrator then sees on the account's
// page that it has a second factor, and resets it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import zh from '../../src/i18n/zh-CN.js';
import {
	desktopHooks, shot, axeViolations, PASSWORD, totpCode, totpKnow, signInAs,
} from './harness.js';

describe('the second factor', () => {
	let server, s;
	desktopHooks({ logins: ['auditor'] }, (x) => ({ server, s } = x));

	async function check(name) {
		await s.page.waitForLoadState('networkidle');
		await shot(s.page, `desktop-${name}`);
		assert.deepEqual(await axeViolations(s.page), [], `axe on ${name}`);
		assert.deepEqual(s.problems, [], `no script errors on ${name}`);
	}

	async function submitLogin(login) {
		await s.page.goto(server.url + '/login');
		await s.page.getByLabel(zh['login.login']).fill(login);
		await s.page.getByLabel(zh['login.password']).fill(PASSWORD);
		await s.page.getByRole('button', { name: zh['login.submit'] }).click();
	}

	it('keeps an administrator without one on the enrolment page until confirmed', async () => {
		await submitLogin('auditor');
		await s.page.waitForURL(/\/account\/totp/);
		await s.page.getByText(zh['totp.required']).waitFor();
		// any other page leads back here
		await s.page.goto(server.url + '/audit');
		await s.page.waitForURL(/\/account\/totp/);
		await check('totp-required');

		await s.page.getByRole('button', { name: zh['totp.start'] }).click();
		const secret = s.page.locator('[data-test=totp-secret]');
		await secret.waitFor();
		totpKnow('auditor', await secret.getAttribute('data-secret'));
		const qr = s.page.getByRole('img', { name: zh['totp.qr_alt'] });
		await qr.waitFor();
		assert.match(await qr.getAttribute('src'), /^data:image\/svg\+xml/);
		assert.match(await s.page.locator('.totp-uri').textContent(), /^otpauth:\/\/totp\/cunwu:auditor\?secret=/);
		await check('totp-enrol');

		await s.page.getByLabel(zh['login.code']).fill(await totpCode('auditor'));
		await s.page.getByRole('button', { name: zh['totp.confirm'] }).click();
		await s.page.getByText(zh['totp.done']).waitFor();
		// on to where they were going
		await s.page.getByRole('button', { name: zh['totp.continue'] }).click();
		await s.page.waitForURL(server.url + '/audit');
		await s.page.getByRole('navigation', { name: zh['place.breadcrumb'] }).waitFor();
	});

	it('asks for the code at the next sign-in, and refuses a wrong one', async () => {
		await s.page.getByRole('button', { name: zh['user.menu'] }).click();
		await s.page.getByRole('button', { name: zh['user.logout'] }).click();
		await s.page.waitForURL(/\/login/);

		await submitLogin('auditor');
		const code = s.page.getByLabel(zh['login.code']);
		await code.waitFor();
		await s.page.getByText(zh['login.code_intro']).waitFor();
		await check('login-code');

		await code.fill('000000');
		await s.page.getByRole('button', { name: zh['login.submit'] }).click();
		await s.page.getByText(zh['auth.totp_invalid']).first().waitFor();
		assert.match(s.page.url(), /\/login/);
		s.problems.length = 0; // the 401 is logged by the browser, and expected

		await code.fill(await totpCode('auditor'));
		await s.page.getByRole('button', { name: zh['login.submit'] }).click();
		await s.page.waitForURL(server.url + '/');
		await s.page.getByRole('navigation', { name: zh['place.breadcrumb'] }).waitFor();
		await s.page.getByRole('button', { name: zh['user.menu'] }).click();
		await s.page.getByRole('button', { name: zh['user.logout'] }).click();
		await s.page.waitForURL(/\/login/);
	});

	it('shows the security administrator that the account has one, and resets it', async () => {
		await signInAs(server, s, 'security', zh);
		await s.page.goto(server.url + '/users?q=auditor');
		await s.page.getByRole('link', { name: 'auditor', exact: true }).click();
		await s.page.waitForURL(/\/users\/[0-9A-Z]{26}/);
		const card = s.page.locator('[data-test=user-totp]');
		await card.getByText(zh['totp.state_active']).waitFor();
		await check('user-totp');
		await card.getByRole('button', { name: zh['totp.reset'] }).click();
		await card.getByText(zh['totp.reset_done']).waitFor();
		await card.getByText(zh['totp.state_off']).waitFor();
	});
});
