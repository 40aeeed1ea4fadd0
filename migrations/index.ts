import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261122211204 } from './Migration20261122211204.js';
import { Migration20261122231520 } from './Migration20261122231520.js';
import { Migration20261122232021 } from './Migration20261122232021.js';
import { Migration20261123222222 } from './Migration20261123222222.js';
import { Migration20261123222729 } from './Migration20261123222729.js';
import { Migration20261123222846 } from './Migration20261123222846.js';
import { Migration20261123223138 } from './Migration20261123223138.js';
import { Migration20261123233001 } from './Migration20261123233001.js';
import { Migration20261203235624 } from './Migration20261203235624.js';
import { Migration20261204012000 } from './Migration20261204012000.js';
import { Migration20261204012500 } from './Migration20261204012500.js';
import { Migration20261204100000 } from './Migration20261204100000.js';
import { Migration20261204110000 } from './Migration20261204110000.js';
import { Migration20261204120000 } from './Migration20261204120000.js';
import { Migration20261204130000 } from './Migration20261204130000.js';
import { Migration20261204140000 } from './Migration20261204140000.js';
import { Migration20261204150000 } from './Migration20261204150000.js';
import { Migration20261204160000 } from './Migration20261204160000.js';
import { Migration20261204170000 } from './Migration20261204170000.js';
import { Migration20261204180000 } from './Migration20261204180000.js';

/**
 * Every committed migration, in order. Listed explicitly so the compiled server, ts-jest and
 * the CLI run exactly the same set without globbing the file system.
 */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261122211204', class: Migration20261122211204 },
  { name: 'Migration20261122231520', class: Migration20261122231520 },
  { name: 'Migration20261122232021', class: Migration20261122232021 },
  { name: 'Migration20261123222222', class: Migration20261123222222 },
  { name: 'Migration20261123222729', class: Migration20261123222729 },
  { name: 'Migration20261123222846', class: Migration20261123222846 },
  { name: 'Migration20261123223138', class: Migration20261123223138 },
  { name: 'Migration20261123233001', class: Migration20261123233001 },
  { name: 'Migration20261203235624', class: Migration20261203235624 },
  { name: 'Migration20261204012000', class: Migration20261204012000 },
  { name: 'Migration20261204012500', class: Migration20261204012500 },
  { name: 'Migration20261204100000', class: Migration20261204100000 },
  { name: 'Migration20261204110000', class: Migration20261204110000 },
  { name: 'Migration20261204120000', class: Migration20261204120000 },
  { name: 'Migration20261204130000', class: Migration20261204130000 },
  { name: 'Migration20261204140000', class: Migration20261204140000 },
  { name: 'Migration20261204150000', class: Migration20261204150000 },
  { name: 'Migration20261204160000', class: Migration20261204160000 },
  { name: 'Migration20261204170000', class: Migration20261204170000 },
  { name: 'Migration20261204180000', class: Migration20261204180000 },
];
