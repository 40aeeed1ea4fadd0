import * as t2cn from 'opencc-js/t2cn';

/**
 * The part of `opencc-js` we use, typed here: the package's own declarations do not resolve
 * under NodeNext (its ESM `.d.ts` imports `./core` without an extension), so TypeScript sees
 * them as unresolved and lint rightly refuses to call into them.
 */
export interface OpenCC {
  Converter(this: void, options: { from: string; to: string }): (text: string) => string;
  /** Dictionaries per locale: groups of dictionaries, each `"from to|from to|…"` or pairs. */
  readonly Locale: {
    readonly from: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string | ReadonlyArray<readonly [string, string]>>> | undefined>>;
    readonly to: Readonly<Record<string, ReadonlyArray<ReadonlyArray<string | ReadonlyArray<readonly [string, string]>>> | undefined>>;
  };
}

/** OpenCC's Traditional → Simplified build (only these tables, not the whole package). */
export const openccToSimplified = t2cn as unknown as OpenCC;
