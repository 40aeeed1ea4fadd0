import { DELIVERY_LANES, LANE_POLICY, MESSAGE_LANES, instructionPriority, laneOf, priorityOf } from '../../src/domain/delivery-lanes';
import { INSTRUCTION_GRADES } from '../../src/domain/instruction-grades';
import { afterRateLimit, afterSend, initialPacing, isRateLimitAnswer, nextSendAt, sendsWithin, WECHAT_PACING, type PacingPolicy } from '../../src/domain/pacing';

describe('priority lanes', () => {
  it('orders the lanes as the issue says: urgent instructions, replies, routine instructions, chasing, roll-calls', () => {
    const order = [...DELIVERY_LANES].sort((a, b) => LANE_POLICY[a].priority - LANE_POLICY[b].priority);
    expect(order).toEqual(['urgent', 'reply', 'routine', 'chase', 'bulk']);
    for (const lane of DELIVERY_LANES) expect(laneOf(priorityOf(lane))).toBe(lane);
  });

  it.each(INSTRUCTION_GRADES.map((g) => [g, g === 'I' || g === 'II' ? 'urgent' : 'routine'] as const))('a grade %s instruction travels in the %s lane', (grade, lane) => {
    expect(MESSAGE_LANES.instruction[grade]).toBe(lane);
    expect(instructionPriority(grade)).toBe(LANE_POLICY[lane].priority);
  });

  it('only replies are promoted past the broadcast lanes, after a short wait', () => {
    const promoted = DELIVERY_LANES.filter((l) => LANE_POLICY[l].promoteAfterMs !== null);
    expect(promoted).toEqual(['reply']);
    expect(LANE_POLICY.reply.promoteAfterMs).toBeLessThanOrEqual(1000);
  });
});

describe('pacing per account (token bucket with caps)', () => {
  const p: PacingPolicy = { intervalMs: 1000, burst: 2, perHour: 5, perDay: 8, rateLimitBackoffMs: 60_000, maxRateLimitBackoffMs: 240_000 };

  it('lets a burst go at once, then one send per interval', () => {
    let s = initialPacing(p, 0);
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 5; i++) {
      t = nextSendAt(s, p, t);
      times.push(t);
      s = afterSend(s, p, t);
    }
    expect(times).toEqual([0, 0, 1000, 2000, 3000]);
  });

  it('holds an account at its hourly cap until the hour window ends, and at its daily cap until the day ends', () => {
    let s = initialPacing(p, 0);
    let t = 0;
    for (let i = 0; i < 5; i++) s = afterSend(s, p, (t = nextSendAt(s, p, t)));
    expect(nextSendAt(s, p, t)).toBe(3600_000);
    for (let i = 0; i < 3; i++) s = afterSend(s, p, (t = nextSendAt(s, p, t)));
    expect(nextSendAt(s, p, t)).toBe(24 * 3600_000);
    expect(sendsWithin(s, p, t, 60_000, 10)).toBe(0);
  });

  it('backs off on WeChat\'s rate-limit answer, doubling up to the ceiling, and a success resets it', () => {
    let s = initialPacing(p, 0);
    s = afterRateLimit(s, p, 0);
    expect(nextSendAt(s, p, 0)).toBeGreaterThanOrEqual(60_000);
    s = afterRateLimit(s, p, 60_000);
    expect(s.blockedUntil).toBe(60_000 + 120_000);
    s = afterRateLimit(afterRateLimit(s, p, 180_000), p, 180_000 + 240_000);
    expect(s.blockedUntil - (180_000 + 240_000)).toBe(240_000);
    s = afterSend(s, p, nextSendAt(s, p, s.blockedUntil));
    expect(s.strikes).toBe(0);
  });

  it('an unpaced account (the demo) is never held', () => {
    const demo: PacingPolicy = { ...p, intervalMs: 0, perHour: 0, perDay: 0 };
    let s = initialPacing(demo, 0);
    for (let i = 0; i < 1000; i++) s = afterSend(s, demo, 5);
    expect(nextSendAt(s, demo, 5)).toBe(5);
    expect(sendsWithin(s, demo, 5, 1000, 32)).toBe(32);
  });

  it('the WeChat defaults send about 40 a minute', () => {
    expect(60_000 / WECHAT_PACING.intervalMs).toBe(40);
  });

  it.each([
    ['发送消息过于频繁，请稍后再试', true],
    ['操作频繁', true],
    ['Error: rate limit exceeded', true],
    ['the bot is not in room x@chatroom', false],
    ['the puppet did not confirm the send within 30000 ms', false],
  ])('tells WeChat\'s rate-limit answer: %s', (text, limited) => {
    expect(isRateLimitAnswer(text)).toBe(limited);
  });
});
