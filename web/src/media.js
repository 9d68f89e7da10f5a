// media.js - useMedia(query): a ref that follows a CSS media query, for pages that show
// something else on a phone (cards instead of a table). Removed with the component.
import { getCurrentInstance, onBeforeUnmount, ref } from 'vue';

export const PHONE = '(max-width: 767px)';

export function useMedia(query) {
	const mq = typeof matchMedia === 'function' ? matchMedia(query) : null;
	const matches = ref(!!(mq && mq.matches));
	if (!mq) return matches;
	const on = (ev) => {
		matches.value = ev.matches;
	};
	// Chrome 80 has addEventListener on MediaQueryList; older WebViews only addListener
	if (mq.addEventListener) mq.addEventListener('change', on);
	else mq.addListener(on);
	if (getCurrentInstance())
		onBeforeUnmount(() => {
			if (mq.removeEventListener) mq.removeEventListener('change', on);
			else mq.removeListener(on);
		});
	return matches;
}
