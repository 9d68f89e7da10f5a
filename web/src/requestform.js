// requestform.js - what every intake form of requests shares (staff intake, the public
// form, a resident's own): the category tree (GET /api/v1/request-categories), the chosen
// leaf's attribute spec, the attributes' values reset to the spec's defaults when the
// category changes, and the attributes' field names for FormAlert.
import { computed, ref, watch } from 'vue';
import { api } from './api.js';
import { attributeDefaults, categoryLeaves } from './requests.js';

/* categoryId: a function giving the chosen category's id */
export function useCategoryForm(categoryId) {
	const tree = ref([]);
	const loadError = ref(null);
	const attrs = ref({});
	const spec = computed(() => {
		const leaf = categoryLeaves(tree.value).find((c) => c.id === categoryId());
		return leaf ? leaf.category.attributes || [] : [];
	});
	const attrFields = computed(() => spec.value.map((a) => 'attributes.' + a.key));
	watch(spec, (s) => (attrs.value = attributeDefaults(s)));
	api.get('/api/v1/request-categories')
		.then((r) => (tree.value = r.items))
		.catch((err) => (loadError.value = err));
	return { tree, loadError, attrs, spec, attrFields };
}
