import type { Actor } from '../domain/actor.js';
import { CAP_CATEGORY, CAP_GRADING, CAP_MSG_TYPE, capDateTime, capIdentifier, capReferences, type CapRef } from '../domain/cap-alert.js';
import { normalizeCode } from '../domain/codes.js';
import { DomainError } from '../domain/errors.js';
import { GRADE_LABELS } from '../domain/instruction-grades.js';
import { CapRepository, type CapMessageRow } from '../repositories/cap.repository.js';
import type { ServiceDeps } from './context.js';
import type { GridService } from './grid.service.js';

/** A CAP 1.2 `alert`, keys in the order the CAP XML schema gives the elements. */
export interface CapAlert {
  identifier: string;
  sender: string;
  sent: string;
  status: 'Actual';
  msgType: string;
  scope: 'Restricted';
  restriction: string;
  note?: string;
  references?: string;
  info: {
    language: string;
    category: string;
    event: string;
    responseType: 'Execute';
    urgency: string;
    severity: string;
    certainty: string;
    effective: string;
    expires: string;
    senderName: string;
    headline: string;
    description: string;
    instruction?: string;
    area: { areaDesc: string; geocode: { valueName: string; value: string } };
  };
}

/** At most this many messages in the Atom feed. */
export const CAP_FEED_SIZE = 100;

/** Instructions as CAP 1.2 alerts: the issue is an Alert, an amendment an Update, the cancellation a Cancel. */
export class CapService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly grids: GridService,
  ) {}

  /** The actor of an anonymous reader: the configured public grid's subtree, or UNAUTHENTICATED. */
  async publicReader(operator: Actor): Promise<Actor> {
    const code = this.deps.config.cap.publicGrid;
    if (!code) throw new DomainError('UNAUTHENTICATED', 'a bearer token is required');
    const grid = await this.grids.get(operator, code);
    return { role: 'viewer', path: grid.path, gridId: grid.id, gridCode: grid.code, memberId: null, tokenId: null };
  }

  /** The latest messages of the instructions the actor sees, newest first. */
  async feed(actor: Actor): Promise<CapAlert[]> {
    const rows = await new CapRepository(this.deps.em).latest(actor.path, CAP_FEED_SIZE);
    return rows.map((r) => this.alertOf(r));
  }

  /** One instruction's message `seq` (default its latest: the current state of the instruction). */
  async alert(actor: Actor, code: string, seq: number | null): Promise<CapAlert> {
    const normal = normalizeCode(code);
    if (!normal || !normal.startsWith('I')) throw new DomainError('BAD_USER_INPUT', `${code} is not an instruction code (like I20261122-003)`);
    const rows = await new CapRepository(this.deps.em).history(normal, actor.path);
    if (!rows.length) throw new DomainError('NOT_FOUND', `instruction ${normal} not found in your scope`);
    const row = seq === null ? rows[rows.length - 1]! : rows.find((r) => r.seq === seq);
    if (!row) throw new DomainError('NOT_FOUND', `instruction ${normal} has no message ${seq}`);
    return this.alertOf(row);
  }

  private alertOf(r: CapMessageRow): CapAlert {
    const { sender } = this.deps.config.cap;
    const zone = this.deps.config.timeZone;
    const grading = CAP_GRADING[r.grade];
    const at = (d: Date | string) => capDateTime(new Date(d), zone);
    const earlier: CapRef[] = r.seq === 0 ? [] : [{ sender, identifier: capIdentifier(r.code, 0), sent: at(r.issued_at) }, ...(r.earlier ?? []).map((e) => ({ sender, identifier: capIdentifier(r.code, e.seq), sent: at(e.at) }))];
    const headline = `${GRADE_LABELS[r.grade]} ${r.title}`;
    const description = r.kind === 'issue' ? (r.body ?? r.title) : (r.text ?? r.title);
    return {
      identifier: capIdentifier(r.code, r.seq),
      sender,
      sent: at(r.at),
      status: 'Actual',
      msgType: CAP_MSG_TYPE[r.kind],
      scope: 'Restricted',
      restriction: `GridHub grid teams under ${r.scope_code}`,
      ...(r.kind === 'issue' ? {} : { note: `${r.kind === 'amend' ? 'Amendment' : 'Cancellation'} ${r.seq} of ${r.code}` }),
      ...(earlier.length ? { references: capReferences(earlier) } : {}),
      info: {
        language: 'zh-CN',
        category: CAP_CATEGORY,
        event: r.title,
        responseType: 'Execute',
        urgency: grading.urgency,
        severity: grading.severity,
        certainty: grading.certainty,
        effective: at(r.issued_at),
        expires: at(r.result_deadline_at),
        senderName: r.issuer_name ?? r.scope_name,
        headline,
        description,
        ...(r.kind === 'amend' && r.text ? { instruction: r.text } : {}),
        area: { areaDesc: `${r.scope_name} (${r.scope_code})`, geocode: { valueName: 'GridHub grid code', value: r.scope_code } },
      },
    };
  }
}
