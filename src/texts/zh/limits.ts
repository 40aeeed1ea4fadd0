import type { LimitName } from '../../domain/rate-limits.js';

/** Replies about limits and guarded bindings: one short line each. */

/** How long to wait, in the largest whole unit that fits. */
const wait = (seconds: number): string => (seconds >= 3600 ? `${Math.ceil(seconds / 3600)} 小时` : seconds >= 60 ? `${Math.ceil(seconds / 60)} 分钟` : `${seconds} 秒`);

const WHAT: Record<LimitName, string> = {
  failedAuth: '登录失败次数过多',
  report: '上报太频繁',
  botCommand: '发送太频繁',
  upload: '照片发送太频繁',
  bindFailure: '绑定码错误次数过多，已锁定',
};

/** Said once per window when a limit refuses someone in chat. */
export const rateLimitedText = (limit: LimitName, retryAfterSeconds: number): string => `${WHAT[limit]}，请 ${wait(retryAfterSeconds)}后再试`;

/** The contact of a commander's or instructor's code: the issuer still has to confirm. */
export const bindingPendingText = (name: string): string => `已收到 ${name} 的绑定申请，等待发码人确认后生效`;

/** In the group, once the issuer confirmed. */
export const bindingConfirmedText = (name: string, gridCode: string, roleLabel: string): string => `绑定已确认：${name}，${gridCode} ${roleLabel}`;

/** To the issuer of live codes when a contact or group was locked for guessing. */
export const bindLockedAlertText = (where: string, contactName: string): string => `提醒：${where}有人（${contactName}）多次输错绑定码，已暂时锁定；如非本人所为，请留意绑定码是否外泄`;
