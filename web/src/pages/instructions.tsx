import { useEffect, useMemo, useState } from 'preact/hooks';
import { request } from '../api/client';
import { AMEND_INSTRUCTION, CANCEL_INSTRUCTION, GRID_CHIEFS, GRID_NODE, INSTRUCTION_ISSUED, INSTRUCTION_PROGRESS, ISSUE_INSTRUCTION } from '../api/operations';
import { Chart, type ChartOption } from '../components/chart';
import { parseItems } from '../csv';
import { GRADE_LABELS, GRADE_POLICY, GRID_LEVEL_LABELS, GRID_LEVELS, INSTRUCTION_GRADES, ISSUER_ROLES, levelRank, type GridLevel, type InstructionGrade, type Role } from '../domain';
import type {
  WebGridChiefsQuery,
  WebGridChiefsQueryVariables,
  WebGridNodeQuery,
  WebGridNodeQueryVariables,
  WebInstructionIssuedSubscription,
  WebInstructionProgressSubscription,
  WebInstructionProgressSubscriptionVariables,
  WebIssueInstructionMutation,
  WebIssueInstructionMutationVariables,
} from '../generated/operations';
import { useAction, useLoad, useNow, useSubscription, useSubscriptionEvents } from '../hooks';
import { countdown, errorText, fromEnum, levelLabel, percent, time, toEnum } from '../labels';
import { href, navigate } from '../router';
import type { Session } from '../session';

const mayIssue = (role: string) => ISSUER_ROLES.includes(fromEnum<Role>(role));

/** 一键下达: the form (grade, scope, levels, title, text, windows, per-grid items from CSV). */
function IssueForm({ session }: { session: Session }) {
  const [grade, setGrade] = useState<InstructionGrade>('II');
  const [scope, setScope] = useState(session.scope ?? '');
  const [levels, setLevels] = useState<GridLevel[]>([]);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [ackWithin, setAck] = useState('');
  const [resultWithin, setResult] = useState('');
  const [csv, setCsv] = useState('');
  const { busy, error, setError, run } = useAction();
  const scopeGrid = useLoad(() => (scope.trim() ? request<WebGridNodeQuery, WebGridNodeQueryVariables>(GRID_NODE, { code: scope.trim().toUpperCase() }) : Promise.resolve(null)), [scope]);
  const scopeLevel = scopeGrid.data ? fromEnum<GridLevel>(scopeGrid.data.grid.level) : null;
  const below = GRID_LEVELS.filter((l) => scopeLevel !== null && levelRank(l) > levelRank(scopeLevel));
  const policy = GRADE_POLICY[grade];
  const parsed = useMemo(() => parseItems(csv), [csv]);

  const submit = async () => {
    if (parsed.errors.length > 0) return setError(parsed.errors.join('\n'));
    await run(async () => {
      const input: WebIssueInstructionMutationVariables['input'] = {
        grade,
        title: title.trim(),
        body: body.trim() || null,
        scope: scope.trim().toUpperCase() || null,
        levels: levels.length > 0 ? levels.map((l) => toEnum(l)) : null,
        ackWithin: ackWithin ? Number(ackWithin) : null,
        resultWithin: resultWithin ? Number(resultWithin) : null,
        items: parsed.items.length > 0 ? parsed.items : null,
      };
      const { issueInstruction } = await request<WebIssueInstructionMutation, WebIssueInstructionMutationVariables>(ISSUE_INSTRUCTION, { input });
      navigate(`/instruction/${issueInstruction.code}`);
    });
  };
  return (
    <form
      class="panel issue-form"
      data-testid="issue-form"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>一键下达</h2>
      <div class="row">
        <label>
          等级
          <select name="grade" value={grade} onChange={(e) => setGrade(e.currentTarget.value as InstructionGrade)}>
            {INSTRUCTION_GRADES.map((g) => (
              <option value={g}>{GRADE_LABELS[g]}</option>
            ))}
          </select>
        </label>
        <label>
          下达范围（网格编码）
          <input name="scope" value={scope} onChange={(e) => setScope(e.currentTarget.value)} />
          {scopeGrid.data && <small>{scopeGrid.data.grid.name}</small>}
          {scopeGrid.error ? <small class="error">{errorText(scopeGrid.error)}</small> : null}
        </label>
        <label>
          签收时限（分钟）
          <input name="ackWithin" type="number" min={1} placeholder={String(policy.ackMinutes)} value={ackWithin} onInput={(e) => setAck(e.currentTarget.value)} />
        </label>
        <label>
          反馈时限（分钟）
          <input name="resultWithin" type="number" min={1} placeholder={String(policy.resultMinutes)} value={resultWithin} onInput={(e) => setResult(e.currentTarget.value)} />
        </label>
      </div>
      <fieldset>
        <legend>接收层级（不选则按等级默认：下至{GRID_LEVEL_LABELS[policy.deepest]}）</legend>
        {below.map((l) => (
          <label class="inline">
            <input type="checkbox" name="levels" value={l} checked={levels.includes(l)} onChange={(e) => setLevels(e.currentTarget.checked ? [...levels, l] : levels.filter((x) => x !== l))} />
            {GRID_LEVEL_LABELS[l]}
          </label>
        ))}
      </fieldset>
      <label>
        标题
        <input name="title" required value={title} onInput={(e) => setTitle(e.currentTarget.value)} placeholder="如：返沪人员排查" />
      </label>
      <label>
        正文
        <textarea name="body" value={body} onInput={(e) => setBody(e.currentTarget.value)} />
      </label>
      <label>
        分网格事项（CSV：网格编码,事项；可粘贴或上传）
        <textarea name="items" rows={4} value={csv} onInput={(e) => setCsv(e.currentTarget.value)} placeholder={'XHG-B03-C07-M12,3栋2单元 张某 返沪\nXHG-B03-C07-M05,8栋 李某 返沪'} />
      </label>
      <input
        type="file"
        name="itemsFile"
        accept=".csv,text/csv,text/plain"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          if (file) void file.text().then(setCsv);
        }}
      />
      {csv && (
        <p class={parsed.errors.length ? 'error' : 'muted'}>
          已识别 {parsed.items.length} 条事项{parsed.errors.length ? `；${parsed.errors.length} 行有误：${parsed.errors[0]}` : ''}
        </p>
      )}
      <button type="submit" disabled={busy || !title.trim()}>
        {busy ? '下达中…' : '一键下达'}
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

export function InstructionsPage({ session }: { session: Session }) {
  const [issued, setIssued] = useState<Array<WebInstructionIssuedSubscription['instructionIssued']>>([]);
  const [code, setCode] = useState('');
  useSubscriptionEvents<WebInstructionIssuedSubscription, { scope: string | null }>(INSTRUCTION_ISSUED, { scope: session.scope }, (d) => setIssued((l) => [d.instructionIssued, ...l]));
  return (
    <div class="columns">
      {mayIssue(session.role) ? <IssueForm session={session} /> : <section class="panel">当前角色不能下达指令，可查看收到的指令。</section>}
      <section class="panel">
        <h2>指令看板</h2>
        <form
          class="row"
          onSubmit={(e) => {
            e.preventDefault();
            if (code.trim()) navigate(`/instruction/${code.trim().toUpperCase()}`);
          }}
        >
          <input name="code" placeholder="指令编号，如 I20261122-001" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
          <button type="submit">打开</button>
        </form>
        <h3>本页打开后下达的指令</h3>
        {issued.length === 0 && <p class="muted">暂无。</p>}
        <ul>
          {issued.map((i) => (
            <li>
              <a href={href(`/instruction/${i.code}`)}>{i.code}</a> {GRADE_LABELS[i.grade]} {i.title}（{i.targets} 个网格）
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

type Progress = WebInstructionProgressSubscription['instructionProgress']['progress'];

function ProgressCells({ p }: { p: Progress }) {
  return (
    <>
      <td>{p.targets}</td>
      <td>{p.acknowledged}</td>
      <td>{p.reported}</td>
      <td class={p.overdue > 0 ? 'alarm' : ''}>{p.overdue}</td>
      <td>{percent(p.ackRate)}</td>
      <td>{percent(p.resultRate)}</td>
    </>
  );
}
const PROGRESS_HEAD = ['应收', '已签收', '已反馈', '逾期', '签收率', '反馈率'];

/** Chiefs of the silent grids, fetched once per grid and kept. */
function useChiefs(codes: string[]): Map<string, string> {
  const [chiefs, setChiefs] = useState(new Map<string, string>());
  const key = codes.join(',');
  useEffect(() => {
    const missing = codes.filter((c) => !chiefs.has(c));
    if (missing.length === 0) return;
    void Promise.all(
      missing.map((c) =>
        request<WebGridChiefsQuery, WebGridChiefsQueryVariables>(GRID_CHIEFS, { code: c }).then(
          ({ grid }) => [c, grid.members.filter((m) => m.role === 'CHIEF').map((m) => `${m.name}${m.phone ? ` ${m.phone}` : ''}`).join('、') || '（未配置网格长）'] as const,
          () => [c, '—'] as const,
        ),
      ),
    ).then((pairs) => setChiefs((old) => new Map([...old, ...pairs])));
  }, [key]);
  return chiefs;
}

/** The live board of one instruction: every figure from `instructionProgress`. */
export function InstructionBoard({ session, code }: { session: Session; code: string }) {
  const { data, error } = useSubscription<WebInstructionProgressSubscription, WebInstructionProgressSubscriptionVariables>(INSTRUCTION_PROGRESS, { code });
  const ins = data?.instructionProgress ?? null;
  const now = useNow();
  const chiefs = useChiefs(ins?.receipts.map((r) => r.grid.code) ?? []);
  const [amend, setAmend] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);
  const chart = useMemo<ChartOption | null>(() => {
    if (!ins) return null;
    const rows = ins.childProgress;
    const names = rows.map((r) => r.grid.name ?? r.grid.code);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 110, right: 20, top: 30, bottom: 20 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: names, inverse: true },
      series: [
        { name: '已反馈', type: 'bar', stack: 'all', data: rows.map((r) => r.progress.reported), itemStyle: { color: '#2e9d5b' } },
        { name: '已签收未反馈', type: 'bar', stack: 'all', data: rows.map((r) => r.progress.acknowledged - r.progress.reported), itemStyle: { color: '#5b8def' } },
        { name: '未签收', type: 'bar', stack: 'all', data: rows.map((r) => r.progress.targets - r.progress.acknowledged), itemStyle: { color: '#c9ced6' } },
      ],
    } as ChartOption;
  }, [ins]);
  if (error && !ins) return <p class="error">{errorText(error)}</p>;
  if (!ins) return <p class="notice">正在连接指令 {code} 的实时进度…</p>;
  const act = (p: Promise<unknown>) => p.then(() => setActionError(null), (err: unknown) => setActionError(errorText(err)));
  const active = ins.status === 'ACTIVE';
  const p = ins.progress;
  return (
    <div class="board" data-testid="instruction-board">
      <section class="panel">
        <h2>
          {ins.code} {GRADE_LABELS[ins.grade]} {ins.title} {!active && <span class="badge red">已撤销{ins.cancelReason ? `：${ins.cancelReason}` : ''}</span>}
        </h2>
        {ins.body && <p>{ins.body}</p>}
        <p class="muted">
          下达范围：{ins.scope.name ?? ''}（{ins.scope.code}）· 下达时间 {time(ins.issuedAt)} · 签收时限 {time(ins.ackDeadlineAt)}（{countdown(ins.ackDeadlineAt, now).text}）· 反馈时限 {time(ins.resultDeadlineAt)}（{countdown(ins.resultDeadlineAt, now).text}）
        </p>
        <div class="tiles">
          {(
            [
              ['targets', '应收网格', p.targets],
              ['acknowledged', '已签收', p.acknowledged],
              ['reported', '已反馈', p.reported],
              ['overdue', '逾期', p.overdue],
              ['ackRate', '签收率', percent(p.ackRate)],
              ['resultRate', '反馈率', percent(p.resultRate)],
            ] as const
          ).map(([k, label, v]) => (
            <div class={`tile ${k === 'overdue' && p.overdue > 0 ? 'alarm' : ''}`} data-tile={k}>
              <div class="value">{v}</div>
              <div class="label">{label}</div>
            </div>
          ))}
        </div>
        {mayIssue(session.role) && active && (
          <div class="row">
            <input name="amend" placeholder="补充说明" value={amend} onInput={(e) => setAmend(e.currentTarget.value)} />
            <button type="button" disabled={!amend.trim()} onClick={() => void act(request(AMEND_INSTRUCTION, { code: ins.code, text: amend.trim() }).then(() => setAmend('')))}>
              补充
            </button>
            <button
              type="button"
              class="danger"
              onClick={() => {
                const reason = prompt('撤销原因（可不填）');
                if (reason !== null) void act(request(CANCEL_INSTRUCTION, { code: ins.code, reason: reason.trim() || null }));
              }}
            >
              撤销指令
            </button>
          </div>
        )}
        {actionError && <p class="error">{actionError}</p>}
        {ins.updates.length > 0 && (
          <ol class="timeline">
            {ins.updates.map((u) => (
              <li>
                <time>{time(u.at)}</time> {u.kind === 'cancel' ? '撤销' : `补充${u.seq}`}：{u.text}
              </li>
            ))}
          </ol>
        )}
      </section>
      <div class="columns">
        <section class="panel">
          <h2>各层级</h2>
          <table class="list" data-testid="level-progress">
            <thead>
              <tr>
                <th>层级</th>
                {PROGRESS_HEAD.map((h) => (
                  <th>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ins.levelProgress.map((l) => (
                <tr>
                  <td>{levelLabel(l.level)}</td>
                  <ProgressCells p={l.progress} />
                </tr>
              ))}
            </tbody>
          </table>
          <h2>各下级网格</h2>
          {chart && <Chart option={chart} height={Math.max(160, ins.childProgress.length * 26 + 60)} label="各下级网格进度" />}
          <table class="list" data-testid="child-progress">
            <thead>
              <tr>
                <th>网格</th>
                {PROGRESS_HEAD.map((h) => (
                  <th>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {ins.childProgress.map((c) => (
                <tr data-grid={c.grid.code}>
                  <td>{c.grid.name ?? c.grid.code}</td>
                  <ProgressCells p={c.progress} />
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section class="panel">
          <h2>未反馈网格（前 50 个，共 {p.targets - p.reported} 个）</h2>
          <table class="list" data-testid="silent-grids">
            <thead>
              <tr>
                <th>网格</th>
                <th>签收</th>
                <th>网格长</th>
              </tr>
            </thead>
            <tbody>
              {ins.receipts.map((r) => (
                <tr data-grid={r.grid.code}>
                  <td>
                    {r.grid.name ?? ''} <small>{r.grid.code}</small>
                    {r.items.length > 0 && <div class="muted">事项：{r.items.join('；')}</div>}
                  </td>
                  <td>{r.acknowledgedAt ? `已签收 ${time(r.acknowledgedAt)}` : '未签收'}</td>
                  <td>{chiefs.get(r.grid.code) ?? '…'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </div>
  );
}
