import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/**
 * Fails the build when the JavaScript a first visit downloads (the entry chunk and every chunk it
 * imports statically, i.e. what index.html loads and modulepreloads) is above `limitKb` gzipped.
 * Chunks behind a dynamic `import()` and other HTML entries (the explorer) are counted apart. Prints both figures.
 */
export function bundleBudget(limitKb: number): Plugin {
  return {
    name: 'gridhub-bundle-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(Object.values(bundle).flatMap((item) => (item.type === 'chunk' ? [[item.fileName, item] as const] : [])));
      const first = new Set<string>();
      const visit = (name: string) => {
        if (first.has(name)) return;
        first.add(name);
        for (const dep of chunks.get(name)?.imports ?? []) visit(dep);
      };
      // The page's entry only: other entries (the GraphQL explorer) are separate pages, counted apart.
      for (const chunk of chunks.values()) if (chunk.isEntry && chunk.facadeModuleId?.endsWith('/index.html')) visit(chunk.fileName);
      if (first.size === 0) this.error('no chunk comes from index.html: cannot measure the first load');
      const gz = (name: string) => gzipSync(chunks.get(name)!.code, { level: 9 }).length;
      const kb = (bytes: number) => (bytes / 1024).toFixed(1);
      let firstLoad = 0;
      let later = 0;
      for (const name of chunks.keys()) {
        const size = gz(name);
        if (first.has(name)) firstLoad += size;
        else later += size;
      }
      const line = `first-load JavaScript: ${kb(firstLoad)} KiB gzipped over ${first.size} chunk(s) (limit ${limitKb} KiB); lazy chunks and other pages: ${kb(later)} KiB gzipped`;
      if (firstLoad > limitKb * 1024) this.error(`${line}: over the limit`);
      console.log(`\n${line}`);
    },
  };
}
