import { commandHelp, type ChatCommand } from '../../domain/chat/index.js';
import { PERIOD_RULES, type ClearancePeriod } from '../../domain/clearance-periods.js';
import type { DomainError, ErrorDetail } from '../../domain/errors.js';
import { GRID_LEVEL_LABELS } from '../../domain/grid-levels.js';
import { INCIDENT_EVENT_LABELS, INCIDENT_STATE_LABELS, type IncidentEvent, type IncidentState } from '../../domain/incident-transitions.js';
import { ACTOR_ROLE_LABELS } from '../../domain/roles.js';

import { rateLimitedText } from './limits.js';
import { CONTACT_NOT_BOUND, GROUP_NOT_BOUND, GROUP_ONLY } from './chat.js';

const stateLabel = (s: string): string => INCIDENT_STATE_LABELS[s as IncidentState] ?? s;
const eventLabel = (e: string): string => INCIDENT_EVENT_LABELS[e as IncidentEvent] ?? e;
const periodLabel = (p: string): string => PERIOD_RULES[p as ClearancePeriod]?.label ?? p;
const refText = (ref: string | null): string => (ref ? ` ${ref}` : '');

/** What a chat command lacked, said with an example of the whole command. */
const INCOMPLETE: Record<Extract<ErrorDetail, { reason: 'COMMAND_INCOMPLETE' }>['need'], string> = {
  grade: '请写明等级，如：#指令 重大 返沪人员排查',
  instruction_text: '请写明指令内容，如：#指令 重大 返沪人员排查',
  result_text: '请写明结果，如：#反馈 I20261122-003 已排查33人，无异常',
};

/** Why the reopen policy (src/domain/reopen-policy.ts) refused, in one line. */
const REOPEN_REFUSED: Record<Extract<ErrorDetail, { reason: 'REOPEN_REFUSED' }>['why'], (d: { days?: number; times?: number }) => string> = {
  role: () => '无权重新受理，请联系指挥中心',
  window: (d) => `结案已超过 ${d.days ?? ''} 天，不能重新受理，请重新上报`,
  limit: (d) => `已重新受理 ${d.times ?? ''} 次，不能再次重新受理，请重新上报`,
};

/** The refusal said from the error's code alone, when its detail needs nothing more. */
function byCode(err: DomainError, command: ChatCommand, ref: string | null): string {
  switch (err.code) {
    case 'CONFLICT':
      return `未办理${refText(ref)}：状态已变化，请先发 #进度 ${ref ?? '编号'} 查询`;
    case 'FORBIDDEN':
      return `无权操作${refText(ref)}，请联系网格长或指挥中心`;
    case 'NOT_FOUND':
      return ref ? `没找到 ${ref}，请核对编号` : '没找到对应记录，请核对后再发';
    case 'BAD_USER_INPUT': {
      const usage = commandHelp(command)?.usage;
      return usage ? `格式不对，请按：${usage}` : '格式不对，发 #帮助 查看用法';
    }
    case 'UNAUTHENTICATED':
      return CONTACT_NOT_BOUND;
    case 'RATE_LIMITED':
      return '发送太频繁，请稍后再试';
  }
}

/** The refusal for a detail that says more than its code, or null when the code says enough. */
function byReason(d: ErrorDetail, ref: string | null): string | null {
  switch (d.reason) {
    case 'ILLEGAL_STEP': {
      const allowed = d.allowed.map(eventLabel);
      return `${ref ?? ''} 当前状态：${stateLabel(d.state)}，不能${eventLabel(d.event)}${allowed.length ? `，可进行：${allowed.join('、')}` : ''}`.trim();
    }
    case 'ROLE_MAY_NOT':
      return `${ACTOR_ROLE_LABELS[d.role] ?? d.role}不能${eventLabel(d.event)}${refText(ref)}，请联系网格长或指挥中心`;
    case 'NOT_YOUR_DEPARTMENT':
      return `${ref ?? ''} 已派给${d.department ?? '其他部门'}，只有该部门可以${eventLabel(d.event)}`.trim();
    case 'REOPEN_REFUSED':
      return REOPEN_REFUSED[d.why](d);
    case 'INSTRUCTION_CANCELLED':
      return `${d.code} 已撤销，无需签收和反馈`;
    case 'NO_OPEN_INSTRUCTION':
      return '本网格暂无待办指令';
    case 'INSTRUCTION_NOT_RECEIVED':
      return `本网格未收到 ${d.code}，请核对编号`;
    case 'PERIOD_NOT_RUN':
      return `本辖区未开展${periodLabel(d.period)}`;
    case 'ROLE_MAY_NOT_CONFIRM':
      return `${ACTOR_ROLE_LABELS[d.role] ?? d.role}不能确认${periodLabel(d.period)}，请网格员或网格长回复`;
    case 'GRID_NOT_IN_ROUND':
      return `${d.grid} 不参加${periodLabel(d.period)}，由各${d.levels.map((l) => GRID_LEVEL_LABELS[l]).join('、')}确认`;
    case 'OWN_GRID_ONLY':
      return `网格长只能把群绑定到本网格 ${d.grid}`;
    case 'GRID_HAS_GROUP':
      return `${d.grid} 已绑定群「${d.group}」，需先解绑`;
    case 'GROUP_BOUND_ELSEWHERE':
      return `本群已绑定 ${d.grid}，需先由管理员解绑`;
    case 'BAD_BIND_CODE':
      return '绑定码不对、已用过或已过期，请向管理员重新索取';
    case 'CONTACT_BOUND_ELSEWHERE':
      return '这个微信号已绑定其他成员，如需更换请找管理员';
    case 'BINDING_NOT_PENDING':
      return `绑定码 ${d.code} 没有待确认的绑定`;
    case 'RATE_LIMITED':
      return rateLimitedText(d.limit, d.retryAfterSeconds);
    case 'PHOTO_NOT_YOURS':
      return '照片无效，请重新发送照片';
    case 'PHOTO_QUOTA':
      return '今天上传的照片已达上限，明天再发';
    case 'GROUP_NOT_BOUND':
      return GROUP_NOT_BOUND;
    case 'CO_DEPARTMENTS_PENDING':
      return `${ref ?? ''} 联合处置中，${d.departments.join('、')}尚未办结，请协办部门办结后再办结`.trim();
    case 'NOT_YOUR_REPORT':
      return `${ref ?? '该事件'} 不是您反映的，由反映人评价`;
    case 'NO_VERDICT_AWAITED':
      return '您反映的事件暂无待评价的，请按：#满意 事件编号 / #不满意 事件编号 原因';
    case 'GROUP_ONLY':
      return GROUP_ONLY;
    case 'DEPARTMENT_HAS_GROUP':
      return `${d.department} 已绑定群「${d.group}」，需先解绑`;
    case 'NOT_AN_INSTRUCTION_CODE':
      return `${d.ref} 不是指令编号，指令编号形如 I20261122-003`;
    case 'COMMAND_INCOMPLETE':
      return INCOMPLETE[d.need];
    case 'BAD_COORDINATES':
      return '位置信息不对，请重新发送位置';
    // The code's own words fit these: the chat cannot give what they lack anyway.
    case 'MISSING_FIELDS':
    case 'BAD_REJECT_REASON':
    case 'BAD_MEDIATION_OUTCOME':
    case 'NOT_A_DISPUTE':
    case 'GRID_IN_USE':
    case 'OUT_OF_RANGE':
    case 'LEVELS_NOT_BELOW':
    case 'ITEMS_FOR_OTHER_GRIDS':
      return null;
  }
}

/**
 * The bot's one mapper from a refused act to a short Chinese reason in the group: what was
 * refused and what to do instead. GraphQL maps the same DomainError to `extensions`.
 */
export function refusalText(err: DomainError, command: ChatCommand, ref: string | null): string {
  return (err.detail && byReason(err.detail, ref)) ?? byCode(err, command, ref);
}
