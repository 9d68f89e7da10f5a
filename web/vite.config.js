// The console's build. `make` runs `npm run build` and embeds web/dist into the binary;
// `npm run dev` serves the pages with hot reload and sends /api to a running cunwu
// (CUNWU_API, default http://127.0.0.1:8080).
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { readdirSync } from 'node:fs';

/*
 * public-zone.txt: the files the public entry (public.html) reaches, one path a line: its
 * chunks, their static and dynamic imports, their CSS and assets, and web/public's files.
 * scripts/gen-web marks them, and `cunwu serve --public-only` serves nothing else.
 */
function publicZone() {
	return {
		name: 'cunwu-public-zone',
		enforce: 'post',
		generateBundle(options, bundle) {
			const files = new Set(['public.html', ...readdirSync('public')]);
			const walk = (name) => {
				const c = bundle[name];
				if (!c || files.has(name)) return;
				files.add(name);
				if (c.type !== 'chunk') return;
				for (const n of [...c.imports, ...c.dynamicImports]) walk(n);
				const meta = c.viteMetadata || {};
				for (const n of [...(meta.importedCss || []), ...(meta.importedAssets || [])]) walk(n);
			};
			for (const c of Object.values(bundle))
				if (c.type === 'chunk' && c.isEntry && c.facadeModuleId && c.facadeModuleId.endsWith('/public.html'))
					walk(c.fileName);
			this.emitFile({ type: 'asset', fileName: 'public-zone.txt', source: [...files].sort().join('\n') + '\n' });
		},
	};
}

export default defineConfig({
	plugins: [vue(), publicZone()],
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
		// the console, and the public zone's entry of its own (src/public.js)
		rollupOptions: { input: { index: 'index.html', public: 'public.html' } },
	},
	server: {
		host: '127.0.0.1',
		proxy: { '/api': process.env.CUNWU_API || 'http://127.0.0.1:8080' },
	},
});
