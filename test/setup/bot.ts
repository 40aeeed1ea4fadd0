import type * as Op from '../generated/operations';
import { SIMULATE_MESSAGE } from '../operations';
import { ADMIN, gql, gqlOk, type Hub } from './hub';

/**
 * Says `text` in a grid's mock WeChat group as `from` (a member's name or chief, worker,
 * instructor, commander, resident) through Wechaty, over GraphQL as a tester would, and
 * returns the bot's replies in that group. An `image` is sent after the text, a WeChat
 * `location` message last. The hub must run with `bots: true`.
 */
export async function say(hub: Hub, grid: string, from: string, text: string | null, image?: Buffer | null, location?: Op.PlaceInput): Promise<string[]> {
  const data = await gqlOk<Op.SimulateMessageMutation, Op.SimulateMessageMutationVariables>(hub, ADMIN, SIMULATE_MESSAGE, { grid, from, text, image: image ? image.toString('base64') : null, location: location ?? null });
  return data.simulateMessage;
}

/** Like `say`, but returns the raw GraphQL result (for refused calls). */
export const sayRaw = (hub: Hub, token: string, grid: string, from: string, text: string) => gql<Op.SimulateMessageMutation, Op.SimulateMessageMutationVariables>(hub, token, SIMULATE_MESSAGE, { grid, from, text });

/** The incident code in a bot reply (`已登记 E20261122-0012【…】…`). */
export const codeIn = (reply: string | undefined): string => {
  const m = /E\d{8}-\d{4,}/.exec(reply ?? '');
  if (!m) throw new Error(`no incident code in reply: ${reply}`);
  return m[0];
};
