// main.js - the console's entry: styles, router, and the way back to /login when the
// session is gone (any 401 of the API client).
import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router.js';
import { api } from './api.js';
import { clear } from './session.js';
import { resetPlace } from './place.js';
import './styles.css';

// flex-box gap arrived in Chrome 84; older cores get margins instead (styles.css)
function flexGap() {
	const d = document.createElement('div');
	d.style.display = 'flex';
	d.style.flexDirection = 'column';
	d.style.rowGap = '1px';
	d.appendChild(document.createElement('div'));
	d.appendChild(document.createElement('div'));
	document.body.appendChild(d);
	const ok = d.scrollHeight === 1;
	document.body.removeChild(d);
	return ok;
}
if (!flexGap()) document.documentElement.classList.add('no-flex-gap');

api.onUnauthorized(() => {
	clear();
	resetPlace();
	const cur = router.currentRoute.value;
	if (!cur.meta.public) router.replace({ name: 'login', query: { next: cur.fullPath, expired: '1' } });
});

createApp(App).use(router).mount('#app');
