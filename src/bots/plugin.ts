import type { Actor } from '../domain/actor.js';
import type { ChatCommand, ParsedMessage } from '../domain/chat/index.js';
import type { Place } from '../domain/places.js';
import type { Scope } from '../scope.js';

/** The grid group a message came from (a group not yet bound to a grid has `grid: null`). */
export interface BotGroup {
  readonly roomId: string;
  readonly botAccount: string;
  readonly grid: { readonly id: number; readonly code: string; readonly path: string; readonly name: string } | null;
  /** A department's group (dispatch notices arrive there). */
  readonly department?: { readonly id: number; readonly name: string } | null;
  /** A direct message to the bot: `roomId` is the sender's contact id, there is no grid. */
  readonly direct?: boolean;
}

/** Who spoke: a WeChat contact, bound to a registered member or not (a resident, 网格粉丝). */
export interface BotSender {
  readonly contactId: string;
  readonly name: string;
  /** The member this contact is bound to (`#绑定 CODE`), or null for residents. */
  readonly memberId: number | null;
}

/**
 * Photos (storage keys) and a place (a WeChat location) the sender sent in the group shortly
 * before this message, for the commands that take them (a report; photos also #处置 and #办结).
 * The inbox marks them taken when the command's reply names the incident.
 */
export interface BotAttachments {
  readonly photos: readonly string[];
  readonly place: Place | null;
}

/**
 * Everything a command handler gets for one message. `scope` is bound to the sender's actor:
 * a bound member acts with their role and grid subtree; an unbound contact acts as a
 * `resident` confined to the group's grid. Handlers call the same service methods GraphQL
 * calls, so who may do what, in which state and scope, lives once.
 */
export interface BotCommandContext {
  readonly scope: Scope;
  readonly actor: Actor;
  readonly group: BotGroup;
  readonly sender: BotSender;
  readonly parsed: ParsedMessage;
  /** The WeChat message id (unique per bot account): a stable idempotency key for the act. */
  readonly messageId: string;
  readonly now: Date;
  readonly attachments: BotAttachments;
}

/** What the bot answers in the group (short Chinese), and whom it @-mentions. */
export interface BotReply {
  readonly text: string;
  readonly mentionMemberIds?: readonly number[];
  /** The code the reply concerns, for delivery status. */
  readonly ref?: string | null;
}

/**
 * One feature of the bot: the commands it answers. Return a reply, or null to stay silent.
 * Throw a DomainError to refuse: the inbox turns it into a short Chinese reason
 * (`src/texts/zh/refusals.ts`). Register plugins in `src/bots/plugins/index.ts`.
 */
export interface BotPlugin {
  readonly name: string;
  readonly commands: readonly ChatCommand[];
  handle(ctx: BotCommandContext): Promise<BotReply | null>;
}
