import { useEffect, useState } from 'preact/hooks';
import { photoUrl, request, uploadPhoto } from '../api/client';
import { DEPARTMENTS, INCIDENT, INCIDENT_CHANGED, INCIDENT_STEPS } from '../api/operations';
import { allowedEvents, assertMediable, type CategoryId, INCIDENT_EVENT_LABELS, OPEN_STATES, MEDIATION_OUTCOME_LABELS, REJECT_REASON_LABELS, REJECT_REASONS, REQUIRED_INPUT, type IncidentActorRole, type IncidentEvent, type IncidentState, type TransitionField } from '../domain';
import type { WebDepartmentsQuery, WebDepartmentsQueryVariables, WebIncidentChangedSubscription, WebIncidentQuery, WebIncidentQueryVariables } from '../generated/operations';
import { useAction, useDebounced, useLoad, useNow, useSubscriptionEvents } from '../hooks';
import { catLabel, countdown, disputeLabel, errorText, eventLabel, fromEnum, roleLabel, stateLabel, time } from '../labels';
import type { Session } from '../session';

/** Mediation is for disputes only (the service refuses it for other categories). */
function mediable(category: CategoryId): boolean {
  try {
    assertMediable(category);
    return true;
  } catch {
    return false;
  }
}

/** What each step's mutation takes besides the code (the required ones are in REQUIRED_INPUT). */
const STEP_FIELDS: Record<IncidentEvent, readonly TransitionField[]> = {
  handle: ['note'],
  escalate: ['note'],
  accept: ['note'],
  reject: ['reason', 'note'],
  dispatch: ['department', 'deadline'],
  start: [],
  return: ['note'],
  resolve: ['note', 'photos'],
  verify: ['photos', 'note'],
  rate: ['satisfied', 'note'],
  close: ['note'],
  reopen: ['note'],
  mediate: ['outcome', 'note'],
};

function Photo({ storageKey }: { storageKey: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    photoUrl(storageKey).then((u) => setSrc((url = u)), () => setSrc(null));
    return () => void (url && URL.revokeObjectURL(url));
  }, [storageKey]);
  return src ? <img class="photo" src={src} alt="事件照片" /> : <span class="muted">照片加载中…</span>;
}

interface StepValues {
  note: string;
  reason: string;
  department: string;
  deadline: string;
  satisfied: string;
  outcome: string;
  files: File[];
}

/** The form of one step, with the inputs the state table says it needs. */
function StepForm({ code, grid, event, onDone, onCancel }: { code: string; grid: string; event: IncidentEvent; onDone: () => void; onCancel: () => void }) {
  const fields = STEP_FIELDS[event];
  const required = new Set(REQUIRED_INPUT[event]);
  const [v, setV] = useState<StepValues>({ note: '', reason: 'duplicate', department: '', deadline: '', satisfied: 'yes', outcome: 'success', files: [] });
  const { busy, error, run } = useAction();
  const depts = useLoad(async () => {
    if (!fields.includes('department')) return [];
    const { grid: g } = await request<WebDepartmentsQuery, WebDepartmentsQueryVariables>(DEPARTMENTS, { code: grid });
    const names = [g, g.parent, g.parent?.parent, g.parent?.parent?.parent].flatMap((x) => x?.departments.map((d) => d.name) ?? []);
    return [...new Set(names)];
  }, [grid, event]);
  const set = (patch: Partial<StepValues>) => setV({ ...v, ...patch });

  const submit = () =>
    run(async () => {
      const vars: Record<string, unknown> = { code };
      for (const f of fields) {
        if (f === 'note') vars['note'] = v.note.trim() || null;
        if (f === 'reason') vars['reason'] = v.reason;
        if (f === 'department') vars['department'] = v.department || depts.data?.[0] || '';
        if (f === 'deadline') vars['deadline'] = v.deadline ? new Date(v.deadline).toISOString() : null;
        if (f === 'satisfied') vars['satisfied'] = v.satisfied === 'yes';
        if (f === 'outcome') vars['outcome'] = v.outcome.toUpperCase();
        if (f === 'photos') vars['photos'] = await Promise.all(v.files.map(uploadPhoto));
      }
      await request(INCIDENT_STEPS[event], vars);
      onDone();
    });
  return (
    <form
      class="step-form"
      data-step={event}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{INCIDENT_EVENT_LABELS[event]}</h3>
      {fields.includes('reason') && (
        <label>
          驳回原因
          <select name="reason" value={v.reason} onChange={(e) => set({ reason: e.currentTarget.value })}>
            {REJECT_REASONS.map((r) => (
              <option value={r}>{REJECT_REASON_LABELS[r]}</option>
            ))}
          </select>
        </label>
      )}
      {fields.includes('department') && (
        <label>
          派往部门
          <select name="department" value={v.department || depts.data?.[0] || ''} onChange={(e) => set({ department: e.currentTarget.value })}>
            {(depts.data ?? []).map((d) => (
              <option value={d}>{d}</option>
            ))}
          </select>
        </label>
      )}
      {fields.includes('deadline') && (
        <label>
          办理时限（不填按规定时限）
          <input name="deadline" type="datetime-local" value={v.deadline} onInput={(e) => set({ deadline: e.currentTarget.value })} />
        </label>
      )}
      {fields.includes('satisfied') && (
        <label>
          群众评价
          <select name="satisfied" value={v.satisfied} onChange={(e) => set({ satisfied: e.currentTarget.value })}>
            <option value="yes">满意</option>
            <option value="no">不满意</option>
          </select>
        </label>
      )}
      {fields.includes('outcome') && (
        <label>
          调解结果
          <select name="outcome" value={v.outcome} onChange={(e) => set({ outcome: e.currentTarget.value })}>
            <option value="success">{MEDIATION_OUTCOME_LABELS.success}</option>
            <option value="failure">{MEDIATION_OUTCOME_LABELS.failure}</option>
          </select>
        </label>
      )}
      {fields.includes('photos') && (
        <label>
          照片{required.has('photos') ? '（必填）' : ''}
          <input name="photos" type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => set({ files: [...(e.currentTarget.files ?? [])] })} />
        </label>
      )}
      {fields.includes('note') && (
        <label>
          说明{required.has('note') ? '（必填）' : ''}
          <textarea name="note" required={required.has('note')} value={v.note} onInput={(e) => set({ note: e.currentTarget.value })} />
        </label>
      )}
      <div class="actions">
        <button type="submit" disabled={busy || (required.has('photos') && v.files.length === 0)}>
          {busy ? '提交中…' : `确认${INCIDENT_EVENT_LABELS[event]}`}
        </button>
        <button type="button" class="link" onClick={onCancel}>
          取消
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** One incident: details, deadline countdown, timeline (live), photos, and the steps the role may take. */
export function IncidentPage({ session, code }: { session: Session; code: string }) {
  const loaded = useLoad(() => request<WebIncidentQuery, WebIncidentQueryVariables>(INCIDENT, { code }), [code]);
  const [step, setStep] = useState<IncidentEvent | null>(null);
  const now = useNow();
  const inc = loaded.data?.incident ?? null;
  const refresh = useDebounced(() => loaded.reload(), 200);
  useSubscriptionEvents<WebIncidentChangedSubscription, { scope: string }>(INCIDENT_CHANGED, { scope: inc?.grid.code ?? '' }, (d) => d.incidentChanged.code === inc?.code && refresh(), Boolean(inc));

  if (loaded.error && !inc) return <p class="error">{errorText(loaded.error)}</p>;
  if (!inc) return <p class="notice">加载中…</p>;
  const state = fromEnum<IncidentState>(inc.status);
  const steps = allowedEvents(state, fromEnum<IncidentActorRole>(session.role)).filter((s) => s !== 'mediate' || mediable(fromEnum<CategoryId>(inc.category)));
  const open = OPEN_STATES.includes(state);
  const left = countdown(inc.deadlineAt, now);
  return (
    <div class="incident">
      <section class="panel">
        <h2>
          {inc.code} <span class="state">{stateLabel(inc.status)}</span>
          {inc.urgent && <span class="badge red">紧急</span>}
          {inc.disputeColor && <span class={`badge ${inc.disputeColor.toLowerCase()}`}>{disputeLabel(inc.disputeColor)}（调解失败 {inc.failedMediations} 次）</span>}
        </h2>
        <p class="description">{inc.description}</p>
        <dl>
          <dt>类别</dt>
          <dd>{catLabel(inc.category)}</dd>
          <dt>网格</dt>
          <dd>{inc.grid.code}</dd>
          {inc.location && (
            <>
              <dt>位置</dt>
              <dd>{inc.location}</dd>
            </>
          )}
          <dt>上报时间</dt>
          <dd>{time(inc.createdAt)}</dd>
          <dt>办理时限</dt>
          <dd>
            {time(inc.deadlineAt)}{' '}
            {open && (
              <strong class={left.overdue ? 'alarm' : 'ok'} data-testid="countdown">
                {left.text}
              </strong>
            )}
          </dd>
          {inc.closedAt && (
            <>
              <dt>结案时间</dt>
              <dd>{time(inc.closedAt)}</dd>
            </>
          )}
        </dl>
        <div class="steps" data-testid="next-steps">
          {steps.length === 0 ? <span class="muted">当前角色在此状态下没有可进行的操作。</span> : <span>可进行：</span>}
          {steps.map((s) => (
            <button type="button" data-step={s} class={step === s ? 'active' : ''} onClick={() => setStep(s)}>
              {INCIDENT_EVENT_LABELS[s]}
            </button>
          ))}
        </div>
        {step && steps.includes(step) && <StepForm code={inc.code} grid={inc.grid.code} event={step} onCancel={() => setStep(null)} onDone={() => (setStep(null), loaded.reload())} />}
      </section>
      <section class="panel">
        <h2>办理过程</h2>
        <ol class="timeline" data-testid="timeline">
          {inc.timeline.map((t) => (
            <li>
              <time>{time(t.at)}</time> <strong>{eventLabel(t.event)}</strong> {roleLabel(t.actorRole)} {t.from ? `${stateLabel(t.from)} → ` : ''}
              {stateLabel(t.to)}
              {t.note && <div class="note">{t.note}</div>}
              {t.photos.length > 0 && (
                <div class="photos">
                  {t.photos.map((p) => (
                    <Photo storageKey={p} />
                  ))}
                </div>
              )}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
