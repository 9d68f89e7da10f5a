// listquery.js - a list page's state (q, sort, page, filters) kept in the URL's query, so
// that the back button, reloads and shared links show the same list.
import { computed, reactive, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import { place } from './place.js';

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

/*
 * usePagedList(defaults, fetchPage, options) -> a reactive list:
 *   { state, set, q, rows, total, totalCapped, busy, error, pageSize, load }
 * fetchPage(state, pageSize) gets one page from the API ({ items, total, total_capped? }); the last
 * call wins (an older answer arriving late is dropped). options:
 *   place: true       reload when the current place changes too
 *   skip(state)       true: do not load (e.g. a filter the API would refuse)
 *   loaded(answer)    after a page is shown, with the whole answer
 *   search(text)      the changes a search box's text makes (default { q: text })
 * q is the search box's text: it follows ?q= and sets it 300 ms after the typing stops.
 */
export function usePagedList(defaults, fetchPage, options = {}) {
	const { state, set } = useListQuery(defaults);
	const list = reactive({
		state,
		set,
		q: state.value.q || '',
		rows: [],
		total: 0,
		totalCapped: false,
		busy: false,
		error: null,
		pageSize: PAGE_SIZE,
		load,
	});
	let seq = 0;
	let timer = null;

	async function load() {
		const s = state.value;
		if (options.skip && options.skip(s)) return;
		const n = ++seq;
		list.busy = true;
		list.error = null;
		try {
			const r = await fetchPage(s, PAGE_SIZE);
			if (n !== seq) return;
			list.rows = r.items;
			list.total = r.total;
			list.totalCapped = !!r.total_capped;
			if (options.loaded) await options.loaded(r);
		} catch (err) {
			if (n !== seq) return;
			list.error = err;
			list.rows = [];
			list.total = 0;
		} finally {
			if (n === seq) list.busy = false;
		}
	}

	if ('q' in defaults) {
		watch(
			() => state.value.q,
			(v) => {
				if (v !== list.q.trim()) list.q = v;
			},
		);
		watch(
			() => list.q,
			(v) => {
				if (v.trim() === state.value.q) return;
				clearTimeout(timer);
				timer = setTimeout(() => set(options.search ? options.search(v.trim()) : { q: v.trim() }), 300);
			},
		);
	}
	watch(options.place ? [state, () => place.current && place.current.id] : state, load, { immediate: true });
	return list;
}

export const PAGE_SIZE = 50;
