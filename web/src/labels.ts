import { ACTOR_ROLE_LABELS, categoryLabel, DISPUTE_COLOUR_LABELS, GRID_LEVEL_LABELS, INCIDENT_EVENT_LABELS, INCIDENT_STATE_LABELS, type CategoryId, type DisputeColour, type GridLevel, type IncidentEvent, type IncidentState } from './domain';
import type { ClearancePeriod, ClearanceSlotStatus, RiskColor } from './generated/operations';

/** GraphQL enums are the domain's ids in upper case (IN_PROGRESS ↔ in_progress). */
export const fromEnum = <T extends string>(value: string): T => value.toLowerCase() as T;
export const toEnum = <T extends string>(value: string): T => value.toUpperCase() as T;

export const stateLabel = (status: string): string => INCIDENT_STATE_LABELS[fromEnum<IncidentState>(status)] ?? status;
export const eventLabel = (event: string): string => INCIDENT_EVENT_LABELS[event as IncidentEvent] ?? ({ report: '上报', photo: '附照片', escalation: '逾期升级', overdue: '逾期' } as Record<string, string>)[event] ?? event;
export const catLabel = (category: string): string => categoryLabel(fromEnum<CategoryId>(category));
export const levelLabel = (level: string | null | undefined): string => (level ? (GRID_LEVEL_LABELS[fromEnum<GridLevel>(level)] ?? level) : '');
export const roleLabel = (role: string): string => ACTOR_ROLE_LABELS[fromEnum<keyof typeof ACTOR_ROLE_LABELS>(role)] ?? role;
export const disputeLabel = (colour: string | null | undefined): string => (colour ? (DISPUTE_COLOUR_LABELS[fromEnum<DisputeColour>(colour)] ?? colour) : '');

/** green 日常管理, yellow 一般防范, red 重点治理 (schema.graphql). */
export const RISK: Record<RiskColor, { label: string; colour: string }> = {
  GREEN: { label: '绿色·日常管理', colour: '#2e9d5b' },
  YELLOW: { label: '黄色·一般防范', colour: '#e0a800' },
  RED: { label: '红色·重点治理', colour: '#d64541' },
};

export const PERIOD_LABELS: Record<ClearancePeriod, string> = { DAILY: '日清', WEEKLY: '周清', MONTHLY: '月清' };
export const SLOT_LABELS: Record<ClearanceSlotStatus, string> = { CONFIRMED: '已确认', PENDING: '未确认', MISSED: '已逾期' };

export const percent = (rate: number | null | undefined): string => (rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`);

const timeFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
/** Times as the grids read them (Asia/Shanghai, the hub's default TZ_GRID). */
export const time = (iso: string | null | undefined): string => (iso ? timeFormat.format(new Date(iso)) : '—');

/** "2 小时 05 分" / "逾期 1 小时 10 分" until `deadline`, from `now`. */
export function countdown(deadline: string, now: number): { text: string; overdue: boolean } {
  const ms = new Date(deadline).getTime() - now;
  const abs = Math.abs(ms);
  const h = Math.floor(abs / 3_600_000);
  const m = Math.floor((abs % 3_600_000) / 60_000);
  const s = Math.floor((abs % 60_000) / 1000);
  const text = `${h > 0 ? `${h} 小时 ` : ''}${String(m).padStart(2, '0')} 分 ${String(s).padStart(2, '0')} 秒`;
  return ms >= 0 ? { text: `剩余 ${text}`, overdue: false } : { text: `已逾期 ${text}`, overdue: true };
}

/** Chinese words for the hub's error codes: a clear line instead of a blank page. */
export function errorText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case 'UNAUTHENTICATED':
      return '令牌无效、已过期或已被撤销，请重新登录或向管理员申请新令牌。';
    case 'FORBIDDEN':
      return `当前角色无权进行此操作（${e.message ?? ''}）`;
    case 'NOT_FOUND':
      return '未找到，或不在您的管辖范围内。';
    case 'CONFLICT':
      return `当前状态不允许此操作：${e.message ?? ''}`;
    case 'BAD_USER_INPUT':
      return `输入有误：${e.message ?? ''}`;
    case 'NETWORK':
      return e.message ?? '无法连接到 GridHub';
    default:
      return `出错了：${e.message ?? String(err)}`;
  }
}
