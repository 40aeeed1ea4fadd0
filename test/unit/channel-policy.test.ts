import { afterSend, maySend, splitContent, WECOM_POLICY } from '../../src/domain/channel-policy';
import { gridDeadline } from '../../src/domain/delivery';
import { formatWindow, instructionProgressText, TRUNCATED_MARK } from '../../src/texts/zh';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('splitting a message for a WeCom robot (2,048 bytes a request)', () => {
  it('leaves a short text whole', () => {
    expect(splitContent('收到请回复', WECOM_POLICY, TRUNCATED_MARK)).toEqual(['收到请回复']);
  });
  it('cuts at line ends into numbered parts within the limit, losing nothing', () => {
    const lines = Array.from({ length: 60 }, (_, i) => `${i + 1}. 逐户核查低洼地带住户并登记去向`);
    const parts = splitContent(lines.join('\n'), WECOM_POLICY, TRUNCATED_MARK);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(2048);
    expect(parts.map((p) => p.split('\n').at(-1))).toEqual(parts.map((_, i) => `(${i + 1}/${parts.length})`));
    const rejoined = parts.map((p) => p.slice(0, p.lastIndexOf('\n'))).join('\n');
    expect(rejoined).toBe(lines.join('\n'));
  });
  it('never cuts a character in half, even without line ends', () => {
    const parts = splitContent('汉'.repeat(1500), WECOM_POLICY, TRUNCATED_MARK);
    for (const p of parts) {
      expect(bytes(p)).toBeLessThanOrEqual(2048);
      expect(p).not.toContain('\uFFFD');
    }
    expect(parts.map((p) => p.slice(0, p.lastIndexOf('\n'))).join('')).toBe('汉'.repeat(1500));
  });
  it('truncates, marked, beyond the last allowed part', () => {
    const parts = splitContent('汉'.repeat(10_000), WECOM_POLICY, TRUNCATED_MARK);
    expect(parts).toHaveLength(WECOM_POLICY.maxParts);
    expect(parts.at(-1)).toContain(TRUNCATED_MARK);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(2048);
  });
});

describe('pacing a robot at 20 requests in any minute', () => {
  it('allows 20, refuses the 21st within the minute, and allows again as the oldest leaves the window', () => {
    let recent: number[] = [];
    for (let i = 0; i < 20; i++) {
      expect(maySend(recent, 1000 + i, WECOM_POLICY)).toBe(true);
      recent = afterSend(recent, 1000 + i, WECOM_POLICY);
    }
    expect(maySend(recent, 1020, WECOM_POLICY)).toBe(false);
    expect(maySend(recent, 1000 + 59_999, WECOM_POLICY)).toBe(false);
    expect(maySend(recent, 1000 + 60_000, WECOM_POLICY)).toBe(true);
    expect(afterSend(recent, 1000 + 60_000, WECOM_POLICY)).toHaveLength(20);
  });
});

describe('clocks from delivery', () => {
  const issued = new Date('2026-11-22T02:00:00Z');
  const ack = new Date('2026-11-22T02:10:00Z');
  it('runs a grid’s window from when it was told, and not at all before', () => {
    expect(gridDeadline(issued, ack, new Date('2026-11-22T02:08:00Z'))).toEqual(new Date('2026-11-22T02:18:00Z'));
    expect(gridDeadline(issued, ack, null)).toBeNull();
  });
  it('says windows as people do and #进度 says how many are still being told', () => {
    expect([5, 60, 90, 240, 1440].map(formatWindow)).toEqual(['5 分钟', '1 小时', '1 小时 30 分钟', '4 小时', '1 天']);
    expect(instructionProgressText({ code: 'I20261122-001', title: '排查', cancelled: false }, { targets: 14, acknowledged: 3, reported: 1, overdue: 0, delivered: 9, delivering: 4, unreachable: 1 }, { total: 1, grids: [{ name: '第14微网格', reason: 'no_channel' }] })).toBe(
      'I20261122-001 排查：送达 9/14（4 个正在送达），签收 3/14，反馈 1/14\n无法送达 1 个：第14微网格（未绑定群）',
    );
  });
});
