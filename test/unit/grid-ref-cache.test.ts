import { createHubPubSub, type GridChangedEvent } from '../../src/infra/pubsub';
import { GridRefCache } from '../../src/services/grid-ref-cache';

const ref = { id: 7, code: 'XHG-B03', path: '1.2.7' };
const change = (kind: GridChangedEvent['kind']): GridChangedEvent => ({
  kind,
  code: ref.code,
  path: ref.path,
  name: '三社区',
  level: 'community',
  riskColour: 'GREEN',
  at: new Date(0).toISOString(),
  detail: null,
});
const tick = () => new Promise((r) => setImmediate(r));

describe('the grid-ref cache the composition root builds', () => {
  it('drops a grid that moved or was deleted anywhere, keeps one that was renamed', async () => {
    const pubsub = createHubPubSub('unit:');
    const cache = new GridRefCache(pubsub);
    try {
      cache.set(ref);
      pubsub.publish('gridChanged', change('RENAMED'));
      await tick();
      expect(cache.get(ref.code)).toEqual(ref);
      for (const kind of ['MOVED', 'DELETED'] as const) {
        cache.set(ref);
        pubsub.publish('gridChanged', change(kind));
        await tick();
        expect(cache.get(ref.code)).toBeNull();
      }
    } finally {
      await cache.close();
    }
  });

  it('serves nothing once closed, since it no longer hears of moves', async () => {
    const cache = new GridRefCache(createHubPubSub('unit:'));
    cache.set(ref);
    expect(cache.get(ref.code)).toEqual(ref);
    await cache.close();
    expect(cache.get(ref.code)).toBeNull();
    cache.set(ref);
    expect(cache.get(ref.code)).toBeNull();
  });

  it('forgets an entry after its time to live', async () => {
    const cache = new GridRefCache(createHubPubSub('unit:'), 1);
    try {
      cache.set(ref);
      await new Promise((r) => setTimeout(r, 5));
      expect(cache.get(ref.code)).toBeNull();
    } finally {
      await cache.close();
    }
  });
});
