// forms.js - small helpers for pages with forms: the API's error for one field, and
// whether an error belongs to no field shown on the form (then the page's alert shows it).
import { errorText } from './i18n/index.js';

/* The message for field `name` when err is about it, else '' */
export function fieldError(err, name) {
	return err && err.field === name ? errorText(err) : '';
}

/* The error for the form's alert: one whose field is not among `fields` */
export function formError(err, fields) {
	return err && !(err.field && fields.includes(err.field)) ? errorText(err) : '';
}
