import { DomainError, type ErrorDetail } from '../../src/domain/errors.js';
import {
  CONTACT_NOT_BOUND,
  formatDeadline,
  GROUP_NOT_BOUND,
  incidentProgressText,
  instructionProgressText,
  mediatedText,
  periodName,
  ratedText,
  refusalText,
  reportedText,
  wholeUnitsBetween,
} from '../../src/texts/zh/index.js';

const SH = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);

describe('times in the grids’ time zone', () => {
  it.each([
    ['another day in full', '2026-11-23T06:00:00Z', undefined, '11月23日 14:00'],
    ['the same day as the reference as a clock time', '2026-11-23T06:00:00Z', '2026-11-23T00:30:00Z', '14:00'],
    ['the same UTC day but the next grid day in full', '2026-11-23T17:00:00Z', '2026-11-23T06:00:00Z', '11月24日 01:00'],
    ['no zero padding on month and day', '2026-01-05T01:05:00Z', undefined, '1月5日 09:05'],
  ])('a deadline on %s', (_name, deadline, sameDayAs, text) => {
    expect(formatDeadline(at(deadline), SH, sameDayAs ? at(sameDayAs) : undefined)).toBe(text);
  });

  it('follows the zone it is given', () => {
    expect(formatDeadline(at('2026-11-23T06:00:00Z'), 'UTC')).toBe('11月23日 06:00');
  });

  it.each([
    ['hours', 0, 'hours', 1],
    ['hours', 24 * 3_600_000, 'hours', 24],
    ['hours', 2.25 * 3_600_000, 'hours', 3],
    ['minutes', 30 * 60_000, 'minutes', 30],
    ['minutes', 30 * 60_000 + 1, 'minutes', 31],
    ['minutes', 10_000, 'minutes', 1],
    ['minutes', -60_000, 'minutes', 1],
  ] as const)('whole %s from a span of %d ms round up and never fall below 1', (_u, span, unit, n) => {
    const from = at('2026-11-23T00:00:00Z');
    expect(wholeUnitsBetween(from, new Date(from.getTime() + span), unit)).toBe(n);
  });

  it('names a week by its first and last day', () => {
    expect(periodName({ period: 'weekly', start: at('2026-11-22T16:00:00Z'), end: at('2026-11-29T16:00:00Z') }, SH)).toBe('11月23日—11月29日');
    expect(periodName({ period: 'monthly', start: at('2026-10-31T16:00:00Z'), end: at('2026-11-30T16:00:00Z') }, SH)).toBe('2026年11月');
  });
});

describe('incident replies', () => {
  const incident = {
    code: 'E20261123-0012',
    category: 'safety_hazard',
    status: 'reported',
    urgent: false,
    createdAt: at('2026-11-23T02:00:00Z'),
    deadlineAt: at('2026-11-24T02:00:00Z'),
    closedAt: null,
  };

  it('a report says the code, category and hours allowed', () => {
    expect(reportedText(incident, false)).toBe('已登记 E20261123-0012【安全隐患】，限 24 小时内处置');
    expect(reportedText({ ...incident, urgent: true }, true)).toBe('已登记 E20261123-0012【安全隐患】（紧急），群众反映，请网格员核实，限 24 小时内处置');
  });

  it('progress gives the state and, while open, the deadline', () => {
    expect(incidentProgressText(incident, at('2026-11-23T03:00:00Z'), SH)).toBe('E20261123-0012【安全隐患】 已登记，11月24日 10:00前办结');
    expect(incidentProgressText(incident, at('2026-11-25T03:00:00Z'), SH)).toBe('E20261123-0012【安全隐患】 已登记，11月24日 10:00前办结，已超期');
    expect(incidentProgressText({ ...incident, status: 'closed', closedAt: at('2026-11-23T05:00:00Z') }, at('2026-11-25T03:00:00Z'), SH)).toBe('E20261123-0012【安全隐患】 已结案');
  });

  it('mediation and rating say what was recorded', () => {
    expect(mediatedText('E1', 'failure', 3, true)).toBe('E1 已记录：调解失败（第 3 次），调解三次未成，已转黄色（多部门联合化解）');
    expect(mediatedText('E1', 'success', 0, false)).toBe('E1 已记录：调解成功');
    expect(ratedText('E1', true, 'closed')).toBe('E1 评价满意，已结案');
    expect(ratedText('E1', false, 'dispatched')).toBe('E1 评价不满意，已退回重新办理');
  });

  it('instruction progress counts answers, or says it was cancelled', () => {
    const p = { targets: 12, acknowledged: 10, reported: 4, overdue: 2 };
    expect(instructionProgressText({ code: 'I1', title: '排查', cancelled: false }, p)).toBe('I1 排查：签收 10/12，反馈 4/12，逾期 2');
    expect(instructionProgressText({ code: 'I1', title: '排查', cancelled: true }, p)).toBe('I1 排查：已撤销');
  });
});

describe('refusals rendered from codes and reasons', () => {
  const refuse = (code: DomainError['code'], detail?: ErrorDetail, ref: string | null = 'E20261123-0012') =>
    refusalText(new DomainError(code, 'english', detail), 'close', ref);

  it.each([
    ['an illegal step', 'CONFLICT', { reason: 'ILLEGAL_STEP', state: 'reported', event: 'close', allowed: ['accept', 'reject'] }, 'E20261123-0012 当前状态：已登记，不能结案，可进行：受理、驳回'],
    ['a step a role may not take', 'FORBIDDEN', { reason: 'ROLE_MAY_NOT', role: 'worker', event: 'close' }, '网格员不能结案 E20261123-0012，请联系网格长或指挥中心'],
    ['a cancelled instruction', 'CONFLICT', { reason: 'INSTRUCTION_CANCELLED', code: 'I20261123-001', state: 'cancelled' }, 'I20261123-001 已撤销，无需签收和反馈'],
    ['a grid outside the round', 'BAD_USER_INPUT', { reason: 'GRID_NOT_IN_ROUND', grid: 'XHG-B03', period: 'daily', levels: ['grid', 'micro_grid'] }, 'XHG-B03 不参加日清，由各网格、微网格确认'],
    ['a role that may not confirm', 'FORBIDDEN', { reason: 'ROLE_MAY_NOT_CONFIRM', role: 'resident', period: 'weekly' }, '群众不能确认周清，请网格员或网格长回复'],
    ['an unbound group', 'BAD_USER_INPUT', { reason: 'GROUP_NOT_BOUND' }, GROUP_NOT_BOUND],
    ['an incomplete instruction', 'BAD_USER_INPUT', { reason: 'COMMAND_INCOMPLETE', need: 'grade' }, '请写明等级，如：#指令 重大 返沪人员排查'],
    ['a conflict with no more to say', 'CONFLICT', { reason: 'GRID_IN_USE', children: 1, members: 0, departments: 0, incidents: 0, instructions: 0, groups: 0, clearances: 0 }, '未办理 E20261123-0012：状态已变化，请先发 #进度 E20261123-0012 查询'],
    ['missing fields, with the command’s usage', 'BAD_USER_INPUT', { reason: 'MISSING_FIELDS', event: 'close', missing: ['note'] }, '格式不对，请按：#办结 事件编号 说明'],
    ['a bare forbidden', 'FORBIDDEN', undefined, '无权操作 E20261123-0012，请联系网格长或指挥中心'],
    ['a bare not found', 'NOT_FOUND', undefined, '没找到 E20261123-0012，请核对编号'],
    ['an unbound contact', 'UNAUTHENTICATED', undefined, CONTACT_NOT_BOUND],
  ] as Array<[string, DomainError['code'], ErrorDetail | undefined, string]>)('%s', (_name, code, detail, text) => {
    expect(refuse(code, detail)).toBe(text);
  });

  it('says what it can without a reference', () => {
    expect(refuse('NOT_FOUND', undefined, null)).toBe('没找到对应记录，请核对后再发');
    expect(refuse('CONFLICT', undefined, null)).toBe('未办理：状态已变化，请先发 #进度 编号 查询');
  });
});
