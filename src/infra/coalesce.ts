import { Repeater } from '@graphql-yoga/subscription';

/**
 * Turns a burst of source events into at most one `compute()` result per `intervalMs`: the
 * first event after a quiet spell is answered at once, later ones are folded into one trailing
 * update. Used for live figures (stats, progress) where only the latest value matters.
 */
export function coalesce<S, T>(source: AsyncIterable<S> & { return?: () => unknown }, intervalMs: number, compute: () => Promise<T>): Repeater<T> {
  return new Repeater<T>(async (push, stop) => {
    let last = 0;
    let timer: NodeJS.Timeout | null = null;
    let stopped = false;
    const fire = async () => {
      timer = null;
      last = Date.now();
      try {
        await push(await compute());
      } catch (err) {
        stop(err);
      }
    };
    const onEvent = () => {
      if (timer || stopped) return;
      const wait = Math.max(0, last + intervalMs - Date.now());
      if (wait === 0) void fire();
      else timer = setTimeout(() => void fire(), wait);
    };
    void (async () => {
      for await (const _ of source) onEvent();
    })().catch((err: unknown) => stop(err));
    await stop;
    stopped = true;
    if (timer) clearTimeout(timer);
    await source.return?.();
  });
}
