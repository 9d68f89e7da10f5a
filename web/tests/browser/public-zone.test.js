// The public zone (`cunwu serve --public-only`, docs/deploy.md) in a real Chromium: a full
// server and a public-only server over one SQLite database (WAL) at once; on the public one
// a phone submits the request form and follows it, and the staff console is absent (/login
// and /index.html are 404, no staff script is fetched); the full server sees the request.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import zh from '../../src/i18n/zh-CN.js';
import { root, startServer, startBrowser, newPage, checkPage, shot, fillReportForm } from './harness.js';

describe('the public zone', () => {
	let server, browser, pub, pubUrl, pubLog = '';
	before(async () => {
		server = await startServer();
		// the second process: the same database, key and media as the full server's
		const ready = join(server.dir, 'ready-public');
		pub = spawn(
			resolve(root, process.env.CUNWU_BIN || 'build/cunwu'),
			['--db', join(server.dir, 'browser.db'), '--set', `key_file=${join(server.dir, 'cunwu.key')}`,
				'--set', `media.dir=${join(server.dir, 'media')}`, '--set', 'http.stop_after=900',
				'serve', '--public-only', '--listen', '127.0.0.1:0', '--ready-file', ready],
			{ cwd: server.dir, stdio: ['ignore', 'ignore', 'pipe'] },
		);
		pub.stderr.on('data', (d) => { pubLog += d; });
		for (let i = 0; i < 200 && !existsSync(ready); i++) await sleep(50);
		assert.ok(existsSync(ready), `the public server started: ${pubLog}`);
		pubUrl = 'http://' + readFileSync(ready, 'utf8').trim();
		browser = await startBrowser();
	});
	after(async () => {
		if (browser) await browser.close();
		if (pub) {
			pub.kill('SIGTERM');
			for (let i = 0; i < 100 && pub.exitCode === null; i++) await sleep(50);
			assert.equal(pub.exitCode, 0, 'the public server stops cleanly');
		}
		if (server) assert.equal(await server.stop(), 0, 'cunwu serve stops cleanly');
	});

	it('serves the request form to a phone, and a request made there reaches the full server', async () => {
		const s = await newPage(browser, 'phone390');
		try {
			await s.page.goto(pubUrl + '/');
			await s.page.waitForURL(pubUrl + '/r');
			const main = s.page.locator('main');
			await main.getByRole('heading', { level: 1, name: zh['report.title'] }).waitFor();
			await fillReportForm(main, zh, '公网上报：村口电线垂到头顶了', '13800002222');
			await checkPage(s, 'public-zone-report-form', true);
			await main.getByRole('button', { name: zh['report.submit'], exact: true }).click();
			await main.getByRole('heading', { name: zh['report.done_title'] }).waitFor();
			const code = (await main.locator('.report-code').textContent()).trim();
			await main.getByRole('link', { name: zh['report.track'] }).click();
			await s.page.waitForURL(new RegExp('/r/' + code.replace('-', '')));
			await main.getByRole('heading', { level: 2, name: zh['request.status.submitted'] }).waitFor();
			await checkPage(s, 'public-zone-track', true);
			// only the public entry's files were fetched: no staff bundle
			const scripts = s.requests.filter((u) => u.includes('/assets/') && u.endsWith('.js'));
			assert.ok(scripts.some((u) => /\/assets\/public-/.test(u)), 'the public entry');
			assert.ok(!scripts.some((u) => /\/assets\/(index|AppLayout|LoginPage|HomePage)-/.test(u)),
				`no staff code: ${scripts.join(' ')}`);
			// the full server, another process on the same database, has it at once
			const r = await fetch(server.url + '/api/v1/public/requests/' + code.replace('-', ''));
			assert.equal(r.status, 200);
			assert.equal((await r.json()).status, 'submitted');
		} finally {
			await s.context.close();
		}
	});

	it('has no staff login: /login, /index.html and the session API are 404', async () => {
		const s = await newPage(browser, 'desktop');
		try {
			const login = await s.page.goto(pubUrl + '/login');
			assert.equal(login.status(), 404);
			assert.equal(await s.page.locator('input[type=password]').count(), 0, 'no password field');
			await shot(s.page, 'public-zone-login-404');
			assert.equal((await s.page.goto(pubUrl + '/index.html')).status(), 404);
			const api = await s.page.evaluate(async () => {
				const r = await fetch('/api/v1/session', {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ login: 'admin', password: 'x' }),
				});
				return r.status;
			});
			assert.equal(api, 404);
			// the full server still has its login page
			await s.page.goto(server.url + '/login');
			await s.page.locator('input[type=password]').waitFor();
		} finally {
			await s.context.close();
		}
	});
});
