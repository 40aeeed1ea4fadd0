import { useState } from 'preact/hooks';
import { request } from '../api/client';
import { INCIDENT_CHANGED, ROOT_GRIDS } from '../api/operations';
import { GridTree } from '../components/grid-tree';
import { StatTiles } from '../components/tiles';
import type { WebIncidentChangedSubscription, WebIncidentChangedSubscriptionVariables, WebRootGridsQuery } from '../generated/operations';
import { useLoad, useSubscriptionEvents } from '../hooks';
import { eventLabel, stateLabel, time } from '../labels';
import { href } from '../router';
import type { Session } from '../session';

type Change = WebIncidentChangedSubscription['incidentChanged'];

/** Every incident step under the scope as it happens, newest first (kept while the page is open). */
export function IncidentFeed({ scope }: { scope: string | null }) {
  const [items, setItems] = useState<Change[]>([]);
  useSubscriptionEvents<WebIncidentChangedSubscription, WebIncidentChangedSubscriptionVariables>(INCIDENT_CHANGED, { scope }, (d) => setItems((list) => [d.incidentChanged, ...list].slice(0, 50)));
  return (
    <section class="panel feed">
      <h2>实时动态</h2>
      {items.length === 0 && <p class="muted">等待新的事件动态…</p>}
      <ol data-testid="incident-feed">
        {items.map((c) => (
          <li>
            <time>{time(c.at)}</time> <a href={href(`/incident/${c.code}`)}>{c.code}</a> {eventLabel(c.event)} → <strong>{stateLabel(c.status)}</strong>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** 大屏: today's tiles, the grid tree under the scope, the live incident feed. */
export function OverviewPage({ session }: { session: Session }) {
  const root = useLoad(async () => session.scope ?? (await request<WebRootGridsQuery>(ROOT_GRIDS)).grids[0]?.code ?? null, [session.scope]);
  return (
    <div class="overview">
      <StatTiles scope={session.scope} />
      <div class="columns">
        {root.data ? <GridTree root={root.data} /> : <section class="panel">{root.loading ? '加载中…' : '没有网格'}</section>}
        <IncidentFeed scope={session.scope} />
      </div>
    </div>
  );
}
