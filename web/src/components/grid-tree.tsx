import { useMemo, useState } from 'preact/hooks';
import { request } from '../api/client';
import { GRID_CHANGED, GRID_NODE, INCIDENT_CHANGED, OPEN_INCIDENTS } from '../api/operations';
import type { RiskColor, WebGridNodeQuery, WebGridNodeQueryVariables, WebOpenIncidentsQuery, WebOpenIncidentsQueryVariables } from '../generated/operations';
import { useDebounced, useLoad, useSubscriptionEvents } from '../hooks';
import { levelLabel, RISK } from '../labels';
import { href } from '../router';
import { Chart, type ChartOption } from './chart';

/** How many open incidents are read per grid to count them; more shows as "200+". */
const COUNT_CAP = 200;

interface Counts {
  open: number;
  more: boolean;
  overdue: number;
}

async function countsOf(code: string): Promise<Counts> {
  const { incidents } = await request<WebOpenIncidentsQuery, WebOpenIncidentsQueryVariables>(OPEN_INCIDENTS, { under: code, first: COUNT_CAP });
  const now = Date.now();
  return { open: incidents.edges.length, more: incidents.pageInfo.hasNextPage, overdue: incidents.edges.filter((e) => new Date(e.node.deadlineAt).getTime() < now).length };
}

const countText = (c: Counts | undefined) => (c ? `${c.open}${c.more ? '+' : ''}` : '…');

/**
 * The grid tree under the scope, one level at a time: the current grid and its children,
 * coloured by the risk colour people set, ringed in the suggested colour where that differs,
 * with open and overdue counts. Refreshed when `incidentChanged`/`gridChanged` say something
 * under it changed (the API has no per-grid count feed yet).
 */
export function GridTree({ root }: { root: string }) {
  const [path, setPath] = useState<string[]>([root]);
  const current = path[path.length - 1]!;
  const node = useLoad(() => request<WebGridNodeQuery, WebGridNodeQueryVariables>(GRID_NODE, { code: current }), [current]);
  const counts = useLoad(async () => {
    const codes = [current, ...(node.data?.grid.code === current ? node.data.grid.children.map((c) => c.code) : [])];
    const all = await Promise.all(codes.map(countsOf));
    return new Map(codes.map((c, i) => [c, all[i]!]));
  }, [current, node.data]);
  const refresh = useDebounced(() => node.reload(), 500);
  useSubscriptionEvents(INCIDENT_CHANGED, { scope: current }, refresh);
  useSubscriptionEvents(GRID_CHANGED, { scope: current }, refresh);

  const grid = node.data?.grid.code === current ? node.data.grid : null;
  const option = useMemo<ChartOption | null>(() => {
    if (!grid) return null;
    const item = (g: { code: string; name: string; riskColor: RiskColor; suggestedRiskColor: RiskColor }) => {
      const c = counts.data?.get(g.code);
      const differs = g.suggestedRiskColor !== g.riskColor;
      return {
        name: g.code,
        value: g.name,
        itemStyle: { color: RISK[g.riskColor].colour, borderColor: differs ? RISK[g.suggestedRiskColor].colour : '#fff', borderWidth: differs ? 4 : 1 },
        label: { formatter: `${g.name}${differs ? `（建议${RISK[g.suggestedRiskColor].label.slice(0, 2)}）` : ''}  未结 ${countText(c)} · 逾期 ${c?.overdue ?? '…'}` },
      };
    };
    return {
      tooltip: { trigger: 'item', formatter: (p: unknown) => `${(p as { value: string }).value}（${(p as { name: string }).name}）` },
      series: [
        {
          type: 'tree',
          orient: 'LR',
          top: 20,
          bottom: 20,
          left: 260,
          right: 330,
          symbol: 'circle',
          symbolSize: 14,
          expandAndCollapse: false,
          animationDuration: 300,
          label: { position: 'left', verticalAlign: 'middle', align: 'right', fontSize: 13, color: '#e6edf7', textBorderWidth: 0 },
          lineStyle: { color: '#4a6688' },
          leaves: { label: { position: 'right', align: 'left' } },
          data: [{ ...item(grid), children: grid.children.map(item) }],
        },
      ],
    };
  }, [grid, counts.data]);

  const drill = (code: string) => {
    if (code === current) return;
    if (grid?.children.some((c) => c.code === code)) setPath([...path, code]);
  };
  return (
    <section class="panel grid-tree">
      <h2>
        网格树
        <span class="crumbs">
          {path.map((code, i) => (
            <button type="button" class="link" disabled={i === path.length - 1} onClick={() => setPath(path.slice(0, i + 1))}>
              {i > 0 ? ' › ' : ''}
              {code}
            </button>
          ))}
        </span>
      </h2>
      {option && <Chart option={option} height={Math.max(260, (grid?.children.length ?? 0) * 26 + 40)} onItemClick={(p) => drill(p.name)} label="网格树" />}
      {grid && (
        <table class="list" data-testid="grid-children">
          <thead>
            <tr>
              <th>网格</th>
              <th>级别</th>
              <th>风险颜色</th>
              <th>建议颜色</th>
              <th>未结</th>
              <th>逾期</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {grid.children.map((c) => {
              const n = counts.data?.get(c.code);
              return (
                <tr data-grid={c.code}>
                  <td>
                    {c.name} <small>{c.code}</small>
                  </td>
                  <td>{levelLabel(c.level)}</td>
                  <td>
                    <span class="dot" style={{ background: RISK[c.riskColor].colour }} /> {RISK[c.riskColor].label}
                  </td>
                  <td>{c.suggestedRiskColor !== c.riskColor ? <strong style={{ color: RISK[c.suggestedRiskColor].colour }}>{RISK[c.suggestedRiskColor].label}</strong> : '—'}</td>
                  <td data-count="open">{countText(n)}</td>
                  <td data-count="overdue" class={n && n.overdue > 0 ? 'alarm' : ''}>
                    {n?.overdue ?? '…'}
                  </td>
                  <td>
                    {c.level !== 'UNIT' && (
                      <button type="button" class="link" onClick={() => drill(c.code)}>
                        下钻
                      </button>
                    )}{' '}
                    <a href={href(`/incidents?under=${c.code}`)}>事件</a>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
