// duties.js - what the duty pages share: the roles' names, a duty's dates as text, today.
import { t, tOr } from './i18n/index.js';

export const roleText = (id, fallback) => tOr('duty.role.' + id, fallback || id);

/* "2021-05-01 起" or "2021-05-01 至 2026-03-31" */
export function dutyDates(d) {
	return d.to_date ? t('duty.from_to', { from: d.from_date, to: d.to_date }) : t('duty.since', { from: d.from_date });
}

/* today's civil date in Asia/Shanghai, YYYY-MM-DD */
export function today() {
	return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

/* the body's holder from the dialog's choice: an account by login or a resident by id */
export function holderBody(h) {
	return h.kind === 'person' ? { person_id: h.person_id || null } : { user_login: h.login.trim() || null };
}

/* the place a duty page works on: ?place=ID when given (a link from the org chart or a
 * test), else the current place */
export async function pagePlace(route, current, getPlace) {
	const id = route.query.place;
	if (!id || (current && current.id === id)) return current;
	return (await getPlace(id)) || current;
}

/* the error for a field; an overlap also names who holds the role then (the server's
 * message) */
export function dutyError(err, field, fieldError) {
	const text = fieldError(err, field);
	return text && err && err.code === 'duties.overlap' ? text + '：' + err.message : text;
}
