// i18n/index.js - the console's messages: t(key, params), the reactive locale, setLocale.
//
// Keys are flat and dotted ('login.submit'); the API's error codes are keys too
// ('auth.login_failed'). Parameters are written {name}. zh-CN is the default; a key
// missing from the current locale falls back to zh-CN, then to the key itself.
import { ref } from 'vue';
import zhCN from './zh-CN.js';
import en from './en.js';

export const messages = { 'zh-CN': zhCN, en };
export const locales = [
	{ id: 'zh-CN', name: '中文' },
	{ id: 'en', name: 'English' },
];
const STORE = 'cunwu.lang';

function initial() {
	try {
		const saved = globalThis.localStorage && localStorage.getItem(STORE);
		if (saved && messages[saved]) return saved;
	} catch (_) {
		/* storage may be off (private mode, some WebViews) */
	}
	return 'zh-CN';
}

export const locale = ref(initial());

function apply(l) {
	if (typeof document !== 'undefined') {
		document.documentElement.lang = l;
		document.title = t('app.title');
	}
}

/* Switch the console's language; remembered in this browser (the server keeps it per user). */
export function setLocale(l) {
	if (!messages[l]) return;
	locale.value = l;
	try {
		localStorage.setItem(STORE, l);
	} catch (_) {
		/* see above */
	}
	apply(l);
}

export function has(key) {
	return Object.prototype.hasOwnProperty.call(messages[locale.value], key) ||
		Object.prototype.hasOwnProperty.call(zhCN, key);
}

export function format(text, params) {
	if (!params) return text;
	return text.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined || params[k] === null ? m : String(params[k])));
}

/* t('key', {param}) -> the text in the current locale */
export function t(key, params) {
	const cur = messages[locale.value];
	let text = cur[key];
	if (text === undefined) text = zhCN[key];
	if (text === undefined) return key;
	return format(text, params);
}

/* The text of key when there is one, else fallback (a server-provided name or message). */
export function tOr(key, fallback, params) {
	return has(key) ? t(key, params) : fallback;
}

/*
 * The message for a failed API call: the error code's text when the console knows the
 * code, else the server's own message. Throttling and busy answers say how long to wait.
 */
export function errorText(err) {
	if (!err) return '';
	const code = err.code || 'internal';
	if ((err.status === 429 || err.status === 503) && err.retryAfter != null)
		return t('error.wait', { message: tOr(code, err.message || code), wait: waitText(err.retryAfter) });
	if (has(code)) return t(code);
	return err.message || t('internal');
}

/* 90 -> '2 分钟' / '2 minutes'; 30 -> '30 秒' / '30 seconds' */
export function waitText(seconds) {
	const s = Math.max(1, Math.round(Number(seconds) || 0));
	if (s < 60) return t(s === 1 ? 'time.second' : 'time.seconds', { n: s });
	const m = Math.ceil(s / 60);
	return t(m === 1 ? 'time.minute' : 'time.minutes', { n: m });
}

/* Instants are shown in Asia/Shanghai, whatever the browser's zone. */
export function formatInstant(iso) {
	if (!iso) return '';
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const parts = new Intl.DateTimeFormat('en-CA', {
		timeZone: 'Asia/Shanghai',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
	}).formatToParts(d);
	const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
	return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

export function formatNumber(n) {
	return new Intl.NumberFormat(locale.value).format(n);
}

apply(locale.value);
