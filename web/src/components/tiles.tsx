import { request } from '../api/client';
import { STATS, STATS_CHANGED } from '../api/operations';
import type { WebStatsChangedSubscription, WebStatsChangedSubscriptionVariables, WebStatsQuery, WebStatsQueryVariables } from '../generated/operations';
import { useLoad, useSubscription } from '../hooks';
import { percent } from '../labels';

const DAY = 86_400_000;
/** Today in Asia/Shanghai (UTC+8 all year), the hub's default TZ_GRID, as statsChanged counts it. */
export function today(now = Date.now()): { from: string; to: string } {
  const start = Math.floor((now + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000;
  return { from: new Date(start).toISOString(), to: new Date(start + DAY).toISOString() };
}

/**
 * Today's figures under `scope`: the first values from `stats` (statsChanged pushes only after a
 * change), every later one from the `statsChanged` subscription.
 */
export function StatTiles({ scope }: { scope: string | null }) {
  const initial = useLoad(() => request<WebStatsQuery, WebStatsQueryVariables>(STATS, { scope, ...today() }), [scope]);
  const pushed = useSubscription<WebStatsChangedSubscription, WebStatsChangedSubscriptionVariables>(STATS_CHANGED, { scope });
  const s: WebStatsQuery['stats'] | null = pushed.data?.statsChanged ?? initial.data?.stats ?? null;
  const tiles: Array<[string, string, string]> = [
    ['reported', '今日上报', s ? String(s.reported) : '—'],
    ['handledOnSite', '现场处置', s ? String(s.handledOnSite) : '—'],
    ['disposalRate', '处置率', percent(s?.disposalRate)],
    ['closed', '已结案', s ? String(s.closed) : '—'],
    ['overdue', '逾期未办结', s ? String(s.overdue) : '—'],
    ['satisfactionRate', '满意率', percent(s?.satisfactionRate)],
  ];
  return (
    <section class="tiles" aria-label="今日数据">
      {tiles.map(([key, label, value]) => (
        <div class={`tile ${key === 'overdue' && s && s.overdue > 0 ? 'alarm' : ''}`} data-tile={key}>
          <div class="value">{value}</div>
          <div class="label">{label}</div>
        </div>
      ))}
    </section>
  );
}
