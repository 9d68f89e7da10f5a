// public.js - the entry of the public zone (public.html): the request form and the tracking
// page only, what `cunwu serve --public-only` serves to the internet (docs/deploy.md). It
// imports none of the staff pages, so its bundle does not hold their code; the server sends
// only the files this entry reaches (vite.config.js lists them in public-zone.txt).
import { createApp } from 'vue';
import { createRouter, createWebHistory } from 'vue-router';
import App from './App.vue';
import { publicPages } from './publicroutes.js';
import './styles.css';

// src/core/static.c serves public.html for these paths alone (public_page)
export const publicRoutes = [{ path: '/', redirect: { name: 'report' } }, ...publicPages];

const router = createRouter({
	history: createWebHistory(),
	routes: publicRoutes,
	scrollBehavior: (to, from, saved) => saved || { top: 0 },
});

createApp(App).use(router).mount('#app');
