/**
 * Words about delivery: the mark on a message cut to fit a channel, and how the issuer is told
 * which grids could not be reached.
 */

/** Ends the last part of a message too long for a channel (WeCom robots take 2,048 bytes). */
export const TRUNCATED_MARK = '…（内容过长，全文见网格微信群或指挥中心）';

/** Why a grid is unreachable, in a few words. */
export const UNREACHABLE_REASON_LABELS: Readonly<Record<string, string>> = {
  no_channel: '未绑定群',
  failed: '发送失败',
  undeliverable: '无可用账号',
  channel_failed: '企业微信也未送达',
};

/** The list of unreachable grids the issuer sees: `名称（原因）、…` and "等 N 个" beyond `limit` names. */
export function unreachableListText(grids: ReadonlyArray<{ name: string; reason: string | null }>, total: number, limit: number): string {
  const shown = grids.slice(0, limit).map((g) => `${g.name}（${UNREACHABLE_REASON_LABELS[g.reason ?? ''] ?? '无法送达'}）`).join('、');
  return total > Math.min(grids.length, limit) ? `${shown} 等 ${total} 个` : shown;
}

/** A window as people say it: `10 分钟`, `2 小时`, `1 小时 30 分钟`, `1 天`. */
export function formatWindow(minutes: number): string {
  if (minutes >= 1440 && minutes % 1440 === 0) return `${minutes / 1440} 天`;
  if (minutes < 60) return `${minutes} 分钟`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} 小时 ${m} 分钟` : `${h} 小时`;
}
