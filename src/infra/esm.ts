/**
 * Loads an ESM-only package from CommonJS. TypeScript would turn a plain `import()` into
 * `require()` under some settings (and jest's module system cannot require ESM), so the
 * dynamic import is kept out of the compiler's reach.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const dynamicImport = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

export const importEsm = <T>(specifier: string): Promise<T> => dynamicImport<T>(specifier);
