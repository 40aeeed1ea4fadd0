/**
 * Documents the hub must refuse: too deep, too costly, or not GraphQL at all. They cannot go
 * through codegen (which would refuse them too), so they live here and nowhere else; every other
 * operation the tests send is in test/operations.ts.
 */

/** `grid { children { … } }` nested `levels` deep. */
export const nestedChildren = (levels: number): string => `{ grid(code: "XHG") { ${'children { '.repeat(levels)}code${' }'.repeat(levels)} } }`;

/** 500 grids × their children × theirs × members: over any sane cost limit. */
export const COSTLY_GRIDS = `{ grids(first: 500) { children { children { members { name } } } } }`;

/** Cut off mid-argument. */
export const BROKEN_SYNTAX = '{ grid(code: ';

/** 40 aliased pages of 200 incidents with their timelines: ~10⁴ statements before lists were weighted. */
export const ALIASED_TIMELINES = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: incidents(first: 200) { edges { node { code timeline { event note at } } } }`).join(' ')} }`;
