// main.js - the console's entry: styles, router, and the way back to /login when the
// session is gone (any 401 of the API client).
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router.js';
import { api } from './api.js';
import { clear } from './session.js';
import { resetPlace } from './place.js';
import './styles.css';

api.onUnauthorized(() => {
	clear();
	resetPlace();
	const cur = router.currentRoute.value;
	if (!cur.meta.public) router.replace({ name: 'login', query: { next: cur.fullPath } });
});

createApp(App).use(router).mount('#app');
