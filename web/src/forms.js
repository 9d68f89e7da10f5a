// forms.js - small helpers for pages with forms: the API's error for one field, and
// whether an error belongs to no field shown on the form (then the page's alert shows it).
import { ref } from 'vue';
import { errorText } from './i18n/index.js';

/* The message for field `name` when err is about it, else '' */
export function fieldError(err, name) {
	return err && err.field === name ? errorText(err) : '';
}

/* The error for the form's alert: one whose field is not among `fields` */
export function formError(err, fields) {
	return err && !(err.field && fields.includes(err.field)) ? errorText(err) : '';
}

/*
 * useAction() -> { busy, error, run(fn) }: a form's call to the API. run(fn) does nothing
 * while the last one runs; else it clears error, keeps busy while fn runs, and keeps fn's
 * error (an ApiError) for fieldError / formError.
 */
export function useAction() {
	const busy = ref(false);
	const error = ref(null);
	async function run(fn) {
		if (busy.value) return;
		busy.value = true;
		error.value = null;
		try {
			await fn();
		} catch (err) {
			error.value = err;
		} finally {
			busy.value = false;
		}
	}
	return { busy, error, run };
}
