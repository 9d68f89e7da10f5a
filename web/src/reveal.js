// reveal.js - what a reveal showed (POST …/reveal: the full ID number or phone) and its
// countdown: useReveal() -> reactive { shown, left, show(answer), hide() }. shown is
// { id_no, phone, until } or null; it hides itself after REVEAL_SECONDS, when hide() is
// called (after an edit, on another row) and when the page goes away.
import { onBeforeUnmount, reactive } from 'vue';
import { REVEAL_SECONDS, secondsLeft } from './people.js';

export function useReveal() {
	let ticker = null;
	const r = reactive({
		shown: null,
		now: Date.now(),
		get left() {
			return r.shown ? secondsLeft(r.shown.until, r.now) : 0;
		},
		show(answer) {
			r.shown = { id_no: answer.id_no || null, phone: answer.phone || null, until: Date.now() + REVEAL_SECONDS * 1000 };
			r.now = Date.now();
			clearInterval(ticker);
			ticker = setInterval(tick, 1000);
		},
		hide() {
			r.shown = null;
			clearInterval(ticker);
			ticker = null;
		},
	});
	function tick() {
		r.now = Date.now();
		if (r.shown && r.now >= r.shown.until) r.hide();
	}
	onBeforeUnmount(() => clearInterval(ticker));
	return r;
}
