import { DomainError } from '../../src/domain/errors';
import { GRID_LEVELS } from '../../src/domain/grid-levels';
import { CHASE_STAGES, stageDue, stageDueAt } from '../../src/domain/instruction-chase';
import { defaultLevels, GRADE_POLICY, INSTRUCTION_GRADES, MAX_MINUTES, resolvePolicy } from '../../src/domain/instruction-grades';
import { ackReplyText, issuedText, overdueListText, LIST_LIMIT } from '../../src/texts/zh/index.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as DomainError).code;
  }
  return null;
};

describe('grades as data', () => {
  it.each([
    ['I', ['block', 'community', 'grid', 'micro_grid', 'unit'], 5, 30, true],
    ['II', ['block', 'community', 'grid', 'micro_grid', 'unit'], 10, 60, true],
    ['III', ['block', 'community', 'grid', 'micro_grid'], 30, 240, true],
    ['IV', ['block', 'community'], 120, 1440, false],
  ] as const)('grade %s from a street reaches %j, ack %d min, result %d min, mentions %s', (grade, levels, ack, result, mention) => {
    expect(resolvePolicy(grade, 'street')).toEqual({ levels, ackMinutes: ack, resultMinutes: result, mentionChiefs: mention });
  });

  it('never lets a grade reach the scope itself or above it', () => {
    for (const grade of INSTRUCTION_GRADES) {
      for (const scope of GRID_LEVELS) {
        for (const l of defaultLevels(grade, scope)) expect(GRID_LEVELS.indexOf(l)).toBeGreaterThan(GRID_LEVELS.indexOf(scope));
      }
    }
  });

  it('takes every override and refuses bad ones', () => {
    expect(resolvePolicy('IV', 'street', { levels: ['unit', 'community'], ackWithinMinutes: 3, resultWithinMinutes: 7, mentionChiefs: true })).toEqual({ levels: ['community', 'unit'], ackMinutes: 3, resultMinutes: 7, mentionChiefs: true });
    // A shorter ack keeps the grade's result window; a long ack stretches it.
    expect(resolvePolicy('I', 'street', { ackWithinMinutes: 45 }).resultMinutes).toBe(45);
    expect(code(() => resolvePolicy('I', 'community', { levels: ['block'] }))).toBe('BAD_USER_INPUT');
    expect(code(() => resolvePolicy('I', 'street', { ackWithinMinutes: 0 }))).toBe('BAD_USER_INPUT');
    expect(code(() => resolvePolicy('I', 'street', { ackWithinMinutes: MAX_MINUTES + 1 }))).toBe('BAD_USER_INPUT');
    expect(code(() => resolvePolicy('I', 'street', { ackWithinMinutes: 20, resultWithinMinutes: 10 }))).toBe('BAD_USER_INPUT');
    expect(code(() => resolvePolicy('IV', 'community'))).toBe('BAD_USER_INPUT'); // nothing below a community at grade IV
    expect(code(() => resolvePolicy('V' as never, 'street'))).toBe('BAD_USER_INPUT');
  });

  it('gives every grade a result window no shorter than its acknowledgement', () => {
    for (const g of INSTRUCTION_GRADES) expect(GRADE_POLICY[g].resultMinutes).toBeGreaterThanOrEqual(GRADE_POLICY[g].ackMinutes);
  });
});

describe('chase stages', () => {
  const issued = new Date('2026-11-22T02:00:00Z');
  const deadline = new Date('2026-11-22T02:10:00Z');
  it.each(CHASE_STAGES.map((s) => [s.name, s] as const))('%s fires at its fraction of the window', (_n, stage) => {
    const at = stageDueAt(stage, issued, deadline);
    expect(at.getTime()).toBe(issued.getTime() + 600_000 * stage.fraction);
    expect(stageDue(stage, issued, deadline, new Date(at.getTime() - 1))).toBe(false);
    expect(stageDue(stage, issued, deadline, at)).toBe(true);
  });
});

describe('bot texts', () => {
  const now = new Date('2026-11-22T02:00:00Z');
  const head = { code: 'I20261122-003', grade: 'II' as const, title: '返沪人员排查', body: null, ackDeadline: new Date('2026-11-22T02:10:00Z'), resultDeadline: new Date('2026-11-22T02:30:00Z') };
  it('tells a grid its own items and both windows, which run from when the group is told', () => {
    expect(issuedText(head, ['张某 3栋'], now, 'Asia/Shanghai')).toBe('【Ⅱ级（重大）指令】I20261122-003 返沪人员排查\n本网格任务（1项）：\n1. 张某 3栋\n请在 10 分钟内回复"收到"，30 分钟内发"#反馈 I20261122-003 结果"。');
  });
  it('answers an acknowledgement with the code and what is next', () => {
    expect(ackReplyText({ code: head.code, resultDeadline: head.resultDeadline, first: true, reported: false }, now)).toBe('已收到 I20261122-003，请在 30 分钟内反馈结果');
    expect(ackReplyText({ code: head.code, resultDeadline: head.resultDeadline, first: false, reported: false }, now)).toBe('I20261122-003 本网格已签收过，请在 30 分钟内反馈结果');
  });
  it('cuts a long overdue list', () => {
    const names = Array.from({ length: LIST_LIMIT + 5 }, (_, i) => `网格${i}`);
    expect(overdueListText(head.code, head.title, 'ack', names)).toMatch(/签收逾期 35 个网格：网格0、.*网格29 等 35 个，请督促$/);
  });
});
