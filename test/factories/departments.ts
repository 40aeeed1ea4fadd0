import type * as Op from '../generated/operations';
import { ISSUE_TOKEN } from '../operations';
import { ADMIN, gqlOk, type Hub } from '../setup/hub';
import { rowsOf } from './chat-groups';

/**
 * A token of the demo city's contact for department `name` serving community `grid` (one
 * `department` member per department and community): department work is theirs alone.
 */
export async function departmentToken(hub: Hub, databaseUrl: string, grid: string, name: string): Promise<string> {
  const [member] = await rowsOf<{ id: number }>(
    databaseUrl,
    `select m.id from member m join department d on d.id = m.department_id join grid g on g.id = d.grid_id where g.code = $1 and d.name = $2 order by m.id limit 1`,
    [grid, name],
  );
  if (!member) throw new Error(`no ${name} contact at ${grid}`);
  const input: Op.IssueTokenInput = { role: 'DEPARTMENT', grid, member: String(member.id) };
  return (await gqlOk<Op.IssueTokenMutation, Op.IssueTokenMutationVariables>(hub, ADMIN, ISSUE_TOKEN, { input })).issueToken.token;
}
