// The console's build. `make` runs `npm run build` and embeds web/dist into the binary;
// `npm run dev` serves the pages with hot reload and sends /api to a running cunwu
// (CUNWU_API, default http://127.0.0.1:8080).
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
	plugins: [vue()],
	base: '/',
	build: {
		// the Chromium cores of older domestic browsers and in-app WebViews
		target: 'chrome80',
		cssTarget: 'chrome80',
		outDir: 'dist',
		emptyOutDir: true,
		assetsDir: 'assets',
		// no inline script may be needed: the CSP forbids it
		modulePreload: { polyfill: false },
		assetsInlineLimit: 0,
		chunkSizeWarningLimit: 1200,
		reportCompressedSize: false,
	},
	server: {
		host: '127.0.0.1',
		proxy: { '/api': process.env.CUNWU_API || 'http://127.0.0.1:8080' },
	},
});
