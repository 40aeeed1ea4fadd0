import { ACTOR_ROLE_LABELS, type ActorRole } from '../domain/roles.js';
import { commandHelp, type ChatCommand } from '../domain/chat/index.js';
import type { DomainError } from '../domain/errors.js';
import { INCIDENT_EVENT_LABELS, INCIDENT_STATE_LABELS, type IncidentEvent, type IncidentState } from '../domain/incident-transitions.js';

const stateLabel = (s: unknown): string => INCIDENT_STATE_LABELS[s as IncidentState] ?? String(s);
const eventLabel = (e: unknown): string => INCIDENT_EVENT_LABELS[e as IncidentEvent] ?? String(e);

/**
 * The bot's one mapper from a refused act to a short Chinese reason in the group: what was
 * refused and what to do instead. GraphQL maps the same DomainError to `extensions.code`.
 */
export function botRefusal(err: DomainError, command: ChatCommand, ref: string | null): string {
  const d = err.details ?? {};
  // A service may say it in Chinese itself (details.zh), for refusals only it can explain.
  if (typeof d['zh'] === 'string') return d['zh'];
  const usage = commandHelp(command)?.usage;
  switch (err.code) {
    case 'CONFLICT': {
      if (d['state'] !== undefined && Array.isArray(d['allowed'])) {
        const allowed = (d['allowed'] as unknown[]).map(eventLabel);
        return `${ref ?? ''} 当前状态：${stateLabel(d['state'])}，不能${eventLabel(d['event'] ?? '')}${allowed.length ? `，可进行：${allowed.join('、')}` : ''}`.trim();
      }
      return `未办理${ref ? ` ${ref}` : ''}：状态已变化，请先发 #进度 ${ref ?? '编号'} 查询`;
    }
    case 'FORBIDDEN': {
      const role = typeof d['role'] === 'string' && d['role'] ? ACTOR_ROLE_LABELS[d['role'] as ActorRole] ?? d['role'] : null;
      if (role && d['event']) return `${role}不能${eventLabel(d['event'])}${ref ? ` ${ref}` : ''}，请联系网格长或指挥中心`;
      return `无权操作${ref ? ` ${ref}` : ''}，请联系网格长或指挥中心`;
    }
    case 'NOT_FOUND':
      return ref ? `没找到 ${ref}，请核对编号` : '没找到对应记录，请核对后再发';
    case 'BAD_USER_INPUT':
      return usage ? `格式不对，请按：${usage}` : '格式不对，发 #帮助 查看用法';
    case 'UNAUTHENTICATED':
      return '请先绑定：向管理员要绑定码，发送 #绑定 绑定码';
  }
}
