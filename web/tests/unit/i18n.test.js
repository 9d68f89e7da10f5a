// i18n.test.js - the two locales agree (same keys, same {params}, nothing empty), every
// error code the C server can emit has a text in both, every cockpit tile has a title, and
// every key the console's code asks for exists.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zh from '../../src/i18n/zh-CN.js';
import en from '../../src/i18n/en.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(here, '../..');
const repo = path.resolve(web, '..');
const locales = { 'zh-CN': zh, en };

function walk(dir, exts, out = []) {
	for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, d.name);
		if (d.isDirectory()) walk(p, exts, out);
		else if (exts.some((e) => d.name.endsWith(e))) out.push(p);
	}
	return out;
}

const params = (s) => [...new Set(String(s).match(/\{\w+\}/g) || [])].sort();
const rel = (p) => path.relative(repo, p);

/*
 * Error codes in the C sources: the first string literal argument of err_set(,
 * err_invalid(, err_notfound( and err_conflict( calls (which may span lines) when it looks
 * like word.word. Calls passing the code in a variable are skipped.
 */
export function scanErrorCodes(files) {
	const codes = new Map(); // code -> first file:line
	for (const f of files) {
		const s = fs.readFileSync(f, 'utf8');
		const re = /\berr_(?:set|invalid|notfound|conflict)\s*\(/g;
		let m;
		while ((m = re.exec(s))) {
			let depth = 1;
			for (let i = re.lastIndex; i < s.length && depth > 0; i++) {
				const c = s[i];
				if (c === '(') depth++;
				else if (c === ')') depth--;
				else if (c === "'") i += s[i + 1] === '\\' ? 3 : 2;
				else if (c === '"') {
					let j = i + 1;
					while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
					const lit = s.slice(i + 1, j);
					if (/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(lit) && !codes.has(lit)) {
						const line = s.slice(0, m.index).split('\n').length;
						codes.set(lit, `${rel(f)}:${line}`);
					}
					break;
				}
			}
		}
	}
	return codes;
}

test('both locales have exactly the same keys', () => {
	const a = Object.keys(zh);
	const b = Object.keys(en);
	const onlyZh = a.filter((k) => !(k in en));
	const onlyEn = b.filter((k) => !(k in zh));
	assert.deepEqual({ onlyZh, onlyEn }, { onlyZh: [], onlyEn: [] });
});

test('no empty texts', () => {
	for (const [l, m] of Object.entries(locales)) {
		const empty = Object.entries(m)
			.filter(([, v]) => typeof v !== 'string' || v.trim() === '')
			.map(([k]) => k);
		assert.deepEqual(empty, [], `empty or non-string texts in ${l}`);
	}
});

test('each key has the same {params} in both locales', () => {
	const differ = Object.keys(zh)
		.filter((k) => k in en && params(zh[k]).join() !== params(en[k]).join())
		.map((k) => `${k}: zh-CN ${params(zh[k]).join(' ') || '-'} / en ${params(en[k]).join(' ') || '-'}`);
	assert.deepEqual(differ, []);
});

test('keys are flat and dotted', () => {
	const bad = Object.keys(zh).filter((k) => !/^[^\s.]+(\.[^\s.]+)*$/.test(k));
	assert.deepEqual(bad, []);
});

test('every error code the C server can emit has a text in both locales', () => {
	const files = walk(path.join(repo, 'src'), ['.c']);
	assert.ok(files.length > 0, 'no C sources found under src/');
	const codes = scanErrorCodes(files);
	codes.set('auth.forbidden', 'src/core/err.h (err_forbidden)');
	codes.set('internal', 'src/core/err.h (err_internal)');
	assert.ok(codes.size > 20, `only ${codes.size} error codes found: the scan is broken`);
	const missing = [];
	for (const [code, where] of [...codes].sort()) {
		for (const [l, m] of Object.entries(locales)) if (!(code in m)) missing.push(`${l}: '${code}' (${where})`);
	}
	if (missing.length) console.log('missing error codes:\n  ' + missing.join('\n  '));
	assert.deepEqual(missing, [], 'error codes without a text (listed above)');
});

test('the scan finds codes in calls spanning lines and skips codes held in variables', () => {
	const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR || '/tmp'), 'cw-i18n-'));
	const f = path.join(dir, 'x.c');
	fs.writeFileSync(
		f,
		[
			'return err_invalid(e, "a.one", "field",',
			'                   "message with \\"quotes\\" (and parens)");',
			'err_set(',
			'    e, 409, "b.two_x", NULL, "x");',
			'err_set(e, e->status ? e->status : 500, code, NULL, "%s %s: %s", a, b);',
			'err_conflict(e, "c.three", NULL, "x"); err_notfound(e, "d.four", "no \'%s\'", id);',
			'my_err_set(e, "not.this", NULL);',
		].join('\n'),
	);
	try {
		assert.deepEqual([...scanErrorCodes([f]).keys()].sort(), ['a.one', 'b.two_x', 'c.three', 'd.four']);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('every cockpit tile key has a title in both locales', () => {
	const keys = [];
	for (const f of walk(path.join(repo, 'src'), ['.c'])) {
		const s = fs.readFileSync(f, 'utf8');
		for (const m of s.matchAll(/struct\s+cockpit_tile\s+\w+\s*=\s*\{\s*"([^"]+)"/g)) keys.push(m[1]);
	}
	const missing = keys.filter((k) => !(k in zh) || !(k in en));
	assert.deepEqual(missing, []);
});

test("every key the console's code asks for exists", () => {
	const used = new Set();
	for (const f of walk(path.join(web, 'src'), ['.vue', '.js'])) {
		if (f.includes(`${path.sep}i18n${path.sep}`)) continue;
		const s = fs.readFileSync(f, 'utf8');
		for (const m of s.matchAll(/\bt\(\s*'([^']+)'/g)) used.add(m[1]);
		for (const m of s.matchAll(/\b(?:label|title): '([a-z_]+\.[a-z_.]+)'/g)) used.add(m[1]);
	}
	const missing = [...used].filter((k) => !(k in zh)).sort();
	assert.deepEqual(missing, []);
});
