// The web console's build (npm run build → scripts/build.mjs → here): Vue 3 + Element Plus (its
// components imported on demand, Chinese locale) + Apache ECharts (echarts/core, only the charts
// used), into dist/web. Every file is served by the service itself under /console/ (no CDN).
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/console/',
  publicDir: here('public'),
  plugins: [
    vue(),
    // <el-…> in templates → the component and its CSS only (no components.d.ts: the pages are not type-checked by tsc).
    Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: false, dirs: [] }),
  ],
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 800,
    reportCompressedSize: false,
    // dist/web/.vite/manifest.json: what each page loads (scripts/page-weight.mjs sums it; express does not serve dot-folders).
    manifest: true,
  },
  logLevel: 'warn',
});
