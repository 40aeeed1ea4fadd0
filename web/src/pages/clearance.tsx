import { useMemo } from 'preact/hooks';
import { CLEARANCE_PROGRESS } from '../api/operations';
import { Chart, type ChartOption } from '../components/chart';
import type { ClearancePeriod, WebClearanceProgressSubscription, WebClearanceProgressSubscriptionVariables } from '../generated/operations';
import { useSubscription } from '../hooks';
import { errorText, percent, PERIOD_LABELS, SLOT_LABELS, time } from '../labels';
import { href, type Route } from '../router';
import type { Session } from '../session';

type Slot = NonNullable<WebClearanceProgressSubscription['clearanceProgress']>['slots'][number];

/** How a slot reads on the board: confirmed, zero report, flagged zero report, missed, waiting. */
function slotClass(s: Slot): string {
  if (s.status === 'MISSED') return 'missed';
  if (s.status === 'PENDING') return 'pending';
  if (s.flaggedIncidents.length > 0) return 'flagged';
  return s.zeroReport ? 'zero' : 'confirmed';
}
const SLOT_CLASS_LABELS: Record<string, string> = { confirmed: '已确认', zero: '零报告', flagged: '零报告（待核）', missed: '未确认（逾期）', pending: '未确认' };

/** Today's (this week's, this month's) clearance round under the scope, live from `clearanceProgress`. */
export function ClearancePage({ session, route }: { session: Session; route: Route }) {
  const period = (route.params.get('period') as ClearancePeriod | null) ?? 'DAILY';
  const { data, error } = useSubscription<WebClearanceProgressSubscription, WebClearanceProgressSubscriptionVariables>(CLEARANCE_PROGRESS, { scope: session.scope, period });
  const round = data?.clearanceProgress ?? null;
  const chart = useMemo<ChartOption | null>(() => {
    if (!round || round.children.length === 0) return null;
    const rows = round.children;
    const bar = (name: string, colour: string, pick: (p: (typeof rows)[number]['progress']) => number) => ({ name, type: 'bar' as const, stack: 'all', data: rows.map((r) => pick(r.progress)), itemStyle: { color: colour } });
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 110, right: 20, top: 30, bottom: 20 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: rows.map((r) => r.grid.name), inverse: true },
      series: [
        bar('已确认', '#2e9d5b', (p) => p.confirmed - p.zeroReports),
        bar('零报告', '#5b8def', (p) => p.zeroReports),
        bar('未确认', '#c9ced6', (p) => p.pending),
        bar('逾期未确认', '#d64541', (p) => p.missed),
      ],
    } as ChartOption;
  }, [round]);
  return (
    <div class="clearance">
      <nav class="tabs">
        {(Object.keys(PERIOD_LABELS) as ClearancePeriod[]).map((p) => (
          <a href={href(`/clearance?period=${p}`)} class={p === period ? 'active' : ''}>
            {PERIOD_LABELS[p]}
          </a>
        ))}
      </nav>
      {error && <p class="error">{errorText(error)}</p>}
      {!data && !error && <p class="notice">正在连接实时进度…</p>}
      {data && !round && <p class="notice">本期{PERIOD_LABELS[period]}尚未开始（到点自动开启，或任一网格确认时开启）。</p>}
      {round && (
        <>
          <section class="panel">
            <h2>
              {PERIOD_LABELS[round.period]} {round.code}（{round.date} 起）截止 {time(round.deadlineAt)}
              {round.closedAt && <span class="badge">已截止</span>}
            </h2>
            <div class="tiles">
              {(
                [
                  ['targets', '应确认', round.progress.targets],
                  ['confirmed', '已确认', round.progress.confirmed],
                  ['zeroReports', '零报告', round.progress.zeroReports],
                  ['flagged', '零报告待核', round.progress.flagged],
                  ['pending', '未确认', round.progress.pending],
                  ['missed', '逾期未确认', round.progress.missed],
                  ['confirmedRate', '确认率', percent(round.progress.confirmedRate)],
                ] as const
              ).map(([k, label, v]) => (
                <div class={`tile ${(k === 'missed' || k === 'flagged') && Number(v) > 0 ? 'alarm' : ''}`} data-tile={k}>
                  <div class="value">{v}</div>
                  <div class="label">{label}</div>
                </div>
              ))}
            </div>
          </section>
          <div class="columns">
            <section class="panel">
              <h2>各下级网格</h2>
              {chart ? <Chart option={chart} height={Math.max(160, round.children.length * 26 + 60)} label="各下级网格清单进度" /> : <p class="muted">没有下级网格。</p>}
            </section>
            <section class="panel">
              <h2>网格确认情况（{round.slots.length} 个）</h2>
              <div class="legend">
                {Object.entries(SLOT_CLASS_LABELS).map(([k, l]) => (
                  <span class={`slot ${k}`}>{l}</span>
                ))}
              </div>
              <div class="slots" data-testid="clearance-slots">
                {round.slots.map((s) => (
                  <div class={`slot ${slotClass(s)}`} data-grid={s.grid.code} data-status={slotClass(s)} title={`${s.grid.name} ${SLOT_LABELS[s.status]}${s.late ? '（迟报）' : ''}${s.confirmedAt ? ` ${time(s.confirmedAt)}` : ''}${s.note ? `：${s.note}` : ''}`}>
                    <div>{s.grid.name}</div>
                    <small>{s.grid.code}</small>
                    {s.flaggedIncidents.length > 0 && (
                      <div class="flagged-list">
                        逾期事件：
                        {s.flaggedIncidents.map((c) => (
                          <a href={href(`/incident/${c}`)}>{c} </a>
                        ))}
                      </div>
                    )}
                  </div>
                ))}
              </div>
            </section>
          </div>
        </>
      )}
    </div>
  );
}
