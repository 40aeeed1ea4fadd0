/**
 * Delivery of instructions to the grids (issue 11): the clock of each grid starts when its group
 * was told, and a grid that no channel can reach is "unreachable" (CAP/Everbridge keep "not
 * reachable" per recipient; so do we). Pure rules, no I/O; times are passed in.
 */

/** How a grid was told: its WeChat group, its WeCom robot, or it answered before the send was recorded. */
export const DELIVERY_VIAS = ['wechat', 'wecom', 'answer'] as const;
export type DeliveryVia = (typeof DELIVERY_VIAS)[number];

/**
 * Why a grid is unreachable. `no_channel`: no bound group and no second channel when it was
 * issued; `failed`: WeChat refused every attempt; `undeliverable`: no account could send to its
 * group in time; `channel_failed`: the second channel (a WeCom robot) failed too.
 */
export const UNREACHABLE_REASONS = ['no_channel', 'failed', 'undeliverable', 'channel_failed'] as const;
export type UnreachableReason = (typeof UNREACHABLE_REASONS)[number];

/**
 * A grid's own deadline: the instruction's window (issue → its deadline) run from the moment the
 * grid was told. Null while it is still being told (or unreachable): no clock runs yet.
 */
export function gridDeadline(issuedAt: Date, deadline: Date, deliveredAt: Date | null): Date | null {
  if (!deliveredAt) return null;
  return new Date(deliveredAt.getTime() + (deadline.getTime() - issuedAt.getTime()));
}

/** Whole minutes of an instruction's window (issue → deadline), as the groups are told ("N 分钟内"). */
export const windowMinutes = (issuedAt: Date, deadline: Date): number => Math.max(0, Math.round((deadline.getTime() - issuedAt.getTime()) / 60_000));
