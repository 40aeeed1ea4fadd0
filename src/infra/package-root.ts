import { join, sep } from 'node:path';

/** The package's folder, whether this runs compiled (dist/src/infra) or from source (src/infra, under ts-jest). */
export const PACKAGE_ROOT = __dirname.includes(`${sep}dist${sep}`) ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..');
