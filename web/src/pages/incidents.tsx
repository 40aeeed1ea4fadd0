import { useState } from 'preact/hooks';
import { request } from '../api/client';
import { INCIDENT_CHANGED, INCIDENTS } from '../api/operations';
import { CATEGORIES, INCIDENT_STATE_LABELS, type IncidentState } from '../domain';
import type { DisputeColor, IncidentCategory, IncidentFilter, IncidentStatus, WebIncidentsQuery, WebIncidentsQueryVariables } from '../generated/operations';
import { useDebounced, useLoad, useSubscriptionEvents } from '../hooks';
import { catLabel, disputeLabel, errorText, stateLabel, time, toEnum } from '../labels';
import { href, navigate, type Route } from '../router';
import type { Session } from '../session';

const PAGE = 20;
const FILTER_KEYS = ['status', 'category', 'urgent', 'overdue', 'disputeColor', 'under'] as const;

function filterOf(params: URLSearchParams): IncidentFilter {
  const f: IncidentFilter = {};
  const status = params.get('status');
  const category = params.get('category');
  const flag = (k: string) => (params.get(k) === 'yes' ? true : params.get(k) === 'no' ? false : undefined);
  if (status) f.status = [status as IncidentStatus];
  if (category) f.category = [category as IncidentCategory];
  if (flag('urgent') !== undefined) f.urgent = flag('urgent')!;
  if (flag('overdue') !== undefined) f.overdue = flag('overdue')!;
  if (params.get('disputeColor')) f.disputeColor = params.get('disputeColor') as DisputeColor;
  if (params.get('under')) f.under = params.get('under')!.trim().toUpperCase();
  return f;
}

/** The incidents under the scope with filters (kept in the URL) and cursor paging, newest first. */
export function IncidentsPage({ session, route }: { session: Session; route: Route }) {
  const filter = filterOf(route.params);
  const key = JSON.stringify(filter);
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const [pagedKey, setPagedKey] = useState(key);
  if (pagedKey !== key) {
    setPagedKey(key);
    setCursors([null]);
  }
  const after = cursors[cursors.length - 1] ?? null;
  const list = useLoad(() => request<WebIncidentsQuery, WebIncidentsQueryVariables>(INCIDENTS, { filter, first: PAGE, after }), [key, after]);
  const refresh = useDebounced(() => list.reload(), 800);
  useSubscriptionEvents(INCIDENT_CHANGED, { scope: session.scope }, refresh);

  const set = (k: (typeof FILTER_KEYS)[number], v: string) => {
    const p = new URLSearchParams(route.params);
    if (v) p.set(k, v);
    else p.delete(k);
    navigate(`/incidents?${p.toString()}`);
  };
  const select = (k: (typeof FILTER_KEYS)[number], label: string, options: Array<[string, string]>) => (
    <label>
      {label}
      <select name={k} value={route.params.get(k) ?? ''} onChange={(e) => set(k, e.currentTarget.value)}>
        <option value="">全部</option>
        {options.map(([v, l]) => (
          <option value={v}>{l}</option>
        ))}
      </select>
    </label>
  );
  const yesNo: Array<[string, string]> = [
    ['yes', '是'],
    ['no', '否'],
  ];
  const edges = list.data?.incidents.edges ?? [];
  return (
    <section class="panel">
      <h2>事件列表</h2>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        {select('status', '状态', (Object.keys(INCIDENT_STATE_LABELS) as IncidentState[]).map((s) => [toEnum(s), INCIDENT_STATE_LABELS[s]]))}
        {select('category', '类别', CATEGORIES.map((c) => [toEnum(c.id), c.label]))}
        {select('urgent', '紧急', yesNo)}
        {select('overdue', '逾期', yesNo)}
        {select('disputeColor', '纠纷颜色', ['RED', 'YELLOW', 'BLUE'].map((c) => [c, disputeLabel(c)]))}
        <label>
          网格
          <input name="under" placeholder={session.scope ?? '网格编码'} value={route.params.get('under') ?? ''} onChange={(e) => set('under', e.currentTarget.value)} />
        </label>
      </form>
      {list.error ? <p class="error">{errorText(list.error)}</p> : null}
      <table class="list" data-testid="incident-list">
        <thead>
          <tr>
            <th>编号</th>
            <th>状态</th>
            <th>类别</th>
            <th>网格</th>
            <th>描述</th>
            <th>上报时间</th>
            <th>办理时限</th>
          </tr>
        </thead>
        <tbody>
          {edges.map(({ node: n }) => (
            <tr data-code={n.code}>
              <td>
                <a href={href(`/incident/${n.code}`)}>{n.code}</a>
                {n.urgent && <span class="badge red">紧急</span>}
                {n.disputeColor && <span class={`badge ${n.disputeColor.toLowerCase()}`}>{disputeLabel(n.disputeColor)}</span>}
              </td>
              <td>{stateLabel(n.status)}</td>
              <td>{catLabel(n.category)}</td>
              <td>{n.grid.code}</td>
              <td class="text">{n.description}</td>
              <td>{time(n.createdAt)}</td>
              <td>{time(n.deadlineAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!list.loading && edges.length === 0 && <p class="muted">没有符合条件的事件。</p>}
      <div class="pager">
        <button type="button" disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          上一页
        </button>
        <span>第 {cursors.length} 页</span>
        <button type="button" disabled={!list.data?.incidents.pageInfo.hasNextPage} onClick={() => setCursors([...cursors, list.data!.incidents.pageInfo.endCursor])}>
          下一页
        </button>
      </div>
    </section>
  );
}
