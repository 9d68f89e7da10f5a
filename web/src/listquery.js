// listquery.js - a list page's state (q, sort, page, filters) kept in the URL's query, so
// that the back button, reloads and shared links show the same list.
import { computed } from 'vue';
import { useRoute, useRouter } from 'vue-router';

/*
 * useListQuery({ sort: 'login', q: '' }) -> { state, set }
 * state.x reads ?x= (or the default); set({ x }) replaces the query (empty values dropped,
 * page back to 1 unless given).
 */
export function useListQuery(defaults) {
	const route = useRoute();
	const router = useRouter();
	const name = route.name;
	let last = null;
	const state = computed(() => {
		// leaving the page: keep the last state rather than reading the next page's query
		if (route.name !== name && last) return last;
		const s = { page: 1, ...defaults };
		for (const k of Object.keys(route.query)) {
			const v = route.query[k];
			if (typeof v === 'string') s[k] = k === 'page' ? Math.max(1, parseInt(v, 10) || 1) : v;
		}
		last = s;
		return s;
	});
	function set(changes) {
		const next = { ...state.value, page: 1, ...changes };
		const query = {};
		for (const [k, v] of Object.entries(next)) {
			if (v === '' || v == null) continue;
			if (k === 'page' && Number(v) === 1) continue;
			if (k in defaults && defaults[k] === v) continue;
			query[k] = String(v);
		}
		router.replace({ query });
	}
	return { state, set };
}
