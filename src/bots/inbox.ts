import { EventEmitter } from 'node:events';
import { join, resolve } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { OPERATOR, type Actor } from '../domain/actor.js';
import { parseMessage, type ChatCommand, type ParsedMessage } from '../domain/chat/index.js';
import { isDomainError, type DomainError } from '../domain/errors.js';
import type { Place } from '../domain/places.js';
import { rateLimited } from '../infra/rate-limits.js';
import { storableText } from '../domain/text.js';
import { isDatabaseUnavailable } from '../infra/database-errors.js';
import type { Logger } from '../infra/logger.js';
import { Spool } from '../infra/spool.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import { InboundRepository, type PendingInboundMessage } from '../repositories/inbound.repository.js';
import { FleetRepository } from '../repositories/fleet.repository.js';
import { createScope } from '../scope.js';
import type { BindingService, ContactBinding, GroupBinding } from '../services/binding.service.js';
import type { AppDeps } from '../services/context.js';
import type { PhotoService } from '../services/photo.service.js';
import { CONTACT_NOT_BOUND, GROUP_NOT_BOUND, GROUP_ONLY, INTERNAL_ERROR, PHOTO_REFUSED, locatedText, photoAttachedText, refusalText } from '../texts/zh/index.js';
import type { BotAttachments, BotPlugin, BotReply } from './plugin.js';
import { PLUGINS } from './plugins/index.js';
import { MESSAGE_LANES, priorityOf } from '../domain/delivery-lanes.js';

/** A group message as the puppet delivered it. */
export interface IncomingMessage {
  botAccount: string;
  /** WeChat's message id: the same id delivered twice is acted on once. */
  messageId: string;
  roomId: string;
  roomTopic: string | null;
  senderId: string;
  senderName: string;
  kind: 'text' | 'image' | 'location' | 'other';
  text: string;
  /** An image message's bytes (read only when the photo is wanted). */
  readMedia?: () => Promise<Uint8Array>;
  /** A location message's place, checked (a location without usable coordinates arrives as `other`). */
  place?: Place | null;
}

/** What the inbox did with one message (returned for logs and tests, and emitted as `processed`). */
export interface InboxOutcome {
  /**
   * `spooled`: the database was away, the message is on disk and is acted on once it is back;
   * `retrying`: an unexpected error, the stored message is tried again later (then `failed`).
   */
  /**
   * `standby`: another of our accounts listens in the group; this one keeps the message and acts
   * on it only if that account never does (it died before its lease ran out, or lost the group).
   */
  action: 'ignored' | 'duplicate' | 'done' | 'refused' | 'failed' | 'skipped' | 'standby' | 'spooled' | 'retrying';
  roomId: string;
  senderId: string;
  messageId: string;
  command: ChatCommand | 'photo' | 'location' | null;
  /** The reply queued in the outbox, if any, and its dedupe key. */
  reply: string | null;
  replyKey: string | null;
}

/**
 * How far apart a photo or location and the report (or #处置, #办结) it belongs to may be, either
 * way round: sent after, it attaches at once; sent before, it waits (stored) for the sender's
 * next such command in the group within this window.
 */
export const ATTACH_WINDOW_MS = 2 * 60_000;

/** The commands a photo sent just before or after belongs to (the after-photo of 处置 and 办结), and those a location belongs to. */
const TAKES_PHOTOS: readonly ChatCommand[] = ['report', 'handle', 'close'];
const TAKES_PLACE: readonly ChatCommand[] = ['report'];
const NO_ATTACHMENTS: BotAttachments = { photos: [], place: null };

/**
 * A standby copy (see InboxOutcome `standby`): how far apart in time two accounts' copies of one
 * message may be stored, how long after it is first looked at again (the listener's lease has run
 * out by then if it died), how often after that, and after how long a listener that is alive but
 * never stored the message is no longer waited for.
 */
export const STANDBY = { sameMessageMs: 2 * 60_000, firstLookMs: 40_000, lookEveryMs: 20_000, giveUpMs: 90_000 };

/** How the inbox retries: a stored message is leased to whoever acts on it, tried MAX_ATTEMPTS times with a growing back-off. */
export const INBOX_RETRY = {
  /** How often the retry loop replays the spool and looks for due pending messages. */
  pollMs: 2_000,
  /** How long an attempt may take before the message counts as due again (a crash mid-way). */
  leaseMs: 30_000,
  /** Back-off after an unexpected error: this many ms times the attempts so far. */
  backoffMs: 10_000,
  maxAttempts: 3,
  /** Rows claimed at once. */
  batch: 50,
} as const;

/** A message as the spool keeps it: an image's bytes in base64. */
export interface SpooledMessage extends Omit<IncomingMessage, 'readMedia'> {
  media?: string;
}

// Commands that work in a group not yet bound to a grid, and from a contact not yet bound to a member.
const WITHOUT_GRID: ReadonlySet<ChatCommand> = new Set(['help', 'unknown', 'bind', 'bind_group']);
// A resident (unbound) may report, and give the verdict on what they reported (拍拍板).
const WITHOUT_MEMBER: ReadonlySet<ChatCommand> = new Set(['help', 'unknown', 'bind', 'report', 'rate']);
// What a direct message to the bot or a department's group may carry: a department's steps,
// progress and verdicts; nothing that belongs to a grid's group (reports, clearance, …).
const AWAY_FROM_GRID: ReadonlySet<ChatCommand> = new Set(['help', 'unknown', 'bind', 'start', 'return', 'close', 'progress', 'rate']);
const IN_DEPARTMENT_GROUP: ReadonlySet<ChatCommand> = new Set([...AWAY_FROM_GRID, 'bind_group']);

/** A direct message to the bot is stored with its sender as its room (a group's id never is a contact's). */
const isDirect = (msg: Pick<IncomingMessage, 'roomId' | 'senderId'>): boolean => msg.roomId === msg.senderId;
const directGroup = (msg: IncomingMessage): GroupBinding & { direct: true } => ({ roomId: msg.roomId, botAccount: msg.botAccount, grid: null, department: null, direct: true });


/**
 * The bot's inbox. Every message the bot acts on is stored first (unique per bot account and
 * WeChat message id), then acted on through the same services GraphQL uses, then marked done
 * in the same transaction that queues the reply. Ordinary chat is neither stored nor answered.
 * Messages of one group are handled in order.
 *
 * Nothing is lost when something fails. A message that arrives while the database is away is
 * appended to a spool file under DATA_DIR (fsync'd) and replayed once the database is back;
 * storing is idempotent by message id, so a replay never acts twice. A stored message whose
 * handling failed stays pending and the retry loop (`serve`) tries it again after a back-off,
 * up to INBOX_RETRY.maxAttempts, before the group is told it failed; it also picks up what a
 * crash left pending once its lease is over.
 */
export class BotInbox extends EventEmitter<{ processed: [InboxOutcome] }> {
  private readonly chains = new Map<string, Promise<unknown>>();
  /** Until when a sender has been told a limit refused them (contact|limit → ms), so they are told once a window. */
  private readonly toldUntil = new Map<string, number>();
  private readonly log: Logger;
  private readonly spool: Spool<SpooledMessage>;
  private readonly served = new Set<string>();
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wakeLoop: (() => void) | null = null;

  constructor(
    private readonly app: AppDeps,
    private readonly photos: PhotoService,
    private readonly plugins: readonly BotPlugin[] = PLUGINS,
    /** Called after a reply was queued, so the account's outbox worker sends it without waiting for its poll. */
    private readonly onQueued: (botAccount: string) => void = () => {},
  ) {
    super();
    this.log = app.log.child({ component: 'inbox' });
    this.spool = new Spool(join(resolve(app.config.dataDir), 'spool', 'inbound.jsonl'), this.log);
  }

  /** Receives one message; resolves once it is stored, acted on and its reply queued. */
  receive(incoming: IncomingMessage): Promise<InboxOutcome> {
    const msg: IncomingMessage = { ...incoming, text: storableText(incoming.text), senderName: storableText(incoming.senderName), roomTopic: incoming.roomTopic === null ? null : storableText(incoming.roomTopic) };
    return this.inRoomOrder(msg, () => this.receiveNow(msg));
  }

  /**
   * Serves `botAccount`: its pending messages (a crash's leftovers, failures due for a retry)
   * and the spool are taken up now and every INBOX_RETRY.pollMs until `stop`.
   */
  serve(botAccount: string): void {
    this.served.add(botAccount);
    if (this.loop) {
      this.wakeLoop?.();
      return;
    }
    this.stopping = false;
    this.loop = this.retryLoop();
  }

  /** Stops retrying for `botAccount` (its lease went to another instance, which serves it now). */
  unserve(botAccount: string): void {
    this.served.delete(botAccount);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeLoop?.();
    await this.loop;
    this.loop = null;
  }

  /** One round of the retry loop: replays the spool, then acts on due pending messages. Returns how many it took up. */
  async retryNow(): Promise<number> {
    let n = await this.replaySpool();
    for (const account of this.served) n += await this.retryDue(account);
    return n;
  }

  private async retryLoop(): Promise<void> {
    let away = false;
    while (!this.stopping) {
      try {
        await this.retryNow();
        away = false;
      } catch (err) {
        // The database is away: say so once, keep looking.
        if (!isDatabaseUnavailable(err)) this.log.error({ err }, 'inbox retry round failed');
        else if (!away) this.log.warn({ err: (err as Error).message }, 'inbox retries wait for the database');
        away = isDatabaseUnavailable(err);
      }
      if (this.stopping) break;
      await new Promise<void>((done) => {
        const timer = setTimeout(done, INBOX_RETRY.pollMs);
        this.wakeLoop = () => {
          clearTimeout(timer);
          done();
        };
      });
      this.wakeLoop = null;
    }
  }

  /** Receives every spooled message again; one the database still cannot take is spooled anew. */
  private async replaySpool(): Promise<number> {
    if (!this.spool.pending) return 0;
    const batch = await this.spool.take();
    if (!batch) return 0;
    this.log.info({ messages: batch.items.length }, 'replaying spooled messages');
    for (const { media, ...msg } of batch.items) {
      await this.receive({ ...msg, ...(media ? { readMedia: async () => Buffer.from(media, 'base64') } : {}) });
    }
    await batch.done();
    return batch.items.length;
  }

  /** Acts on the pending messages of `botAccount` that are due, oldest first. */
  private async retryDue(botAccount: string): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.app.clock.now();
      const rows = await this.inbound().claimDue(botAccount, now, new Date(now.getTime() + INBOX_RETRY.leaseMs), INBOX_RETRY.batch);
      for (const row of rows) await this.retry(row);
      total += rows.length;
      if (rows.length < INBOX_RETRY.batch) return total;
    }
  }

  private retry(row: PendingInboundMessage): Promise<InboxOutcome> {
    const kind = row.kind === 'image' || row.kind === 'location' ? row.kind : 'text';
    const msg: IncomingMessage = { botAccount: row.botAccount, messageId: row.messageId, roomId: row.roomId, roomTopic: null, senderId: row.senderId, senderName: row.senderName, kind, text: row.text, place: row.place ?? null };
    if (row.standbyFor) return this.inRoomOrder(msg, () => this.lookAgain(msg, row));
    this.log.info({ messageId: row.messageId, roomId: row.roomId, attempt: row.attempts }, 'acting on a stored message again');
    return this.inRoomOrder(msg, () => (kind === 'text' ? this.act(msg, row.id, parseMessage(row.text, this.app.categorise)) : this.actOnAttachment(msg, row.id, row.mediaKey)));
  }

  /** Keeps a message heard in a group another account listens in, for when that account never acts on it. */
  private async standBy(msg: IncomingMessage, command: ChatCommand, listener: string): Promise<InboxOutcome> {
    const now = this.app.clock.now();
    const id = await this.inbound().store({ ...msg, mediaKey: null, standbyFor: listener }, now, new Date(now.getTime() + STANDBY.firstLookMs));
    return this.outcome(msg, id ? 'standby' : 'duplicate', command);
  }

  /**
   * A standby copy is due. The listener stored the message: nothing to do. It did not, and has
   * died (its lease ran out): this account takes the group over and acts. It is alive but never
   * got the message: after STANDBY.giveUpMs this account acts in its place.
   */
  private async lookAgain(msg: IncomingMessage, row: PendingInboundMessage): Promise<InboxOutcome> {
    const inbound = this.inbound();
    const parsed = parseMessage(row.text, this.app.categorise);
    const heardBy = await inbound.heardElsewhere(row.id, STANDBY.sameMessageMs);
    if (heardBy) return this.finish(msg, row.id, 'duplicate', null, null, `heard by ${heardBy}`);
    const now = this.app.clock.now();
    const listener = await new FleetRepository(this.app.orm.em.fork()).takeOverListening(row.roomId, row.botAccount, now);
    if (listener && listener !== row.botAccount && now.getTime() - row.receivedAt.getTime() < STANDBY.giveUpMs) {
      await inbound.standBy(row.id, new Date(now.getTime() + STANDBY.lookEveryMs));
      return this.outcome(msg, 'standby', parsed.command);
    }
    this.log.warn({ messageId: row.messageId, roomId: row.roomId, listener: row.standbyFor, now: listener }, 'acting on a message the group\'s listening account never stored');
    const group = await this.bindings().seeGroup(row.roomId, row.botAccount, null);
    return this.act(msg, row.id, parsed, { ...group, botAccount: row.botAccount });
  }

  /** Runs `fn` after everything queued before it in the same group, so a photo follows its report. */
  private inRoomOrder(msg: IncomingMessage, fn: () => Promise<InboxOutcome>): Promise<InboxOutcome> {
    const prev = this.chains.get(msg.roomId) ?? Promise.resolve();
    const next = prev.then(fn).catch((err: unknown) => this.failed(msg, err));
    this.chains.set(msg.roomId, next);
    void next.finally(() => {
      if (this.chains.get(msg.roomId) === next) this.chains.delete(msg.roomId);
    });
    return next;
  }

  private async receiveNow(msg: IncomingMessage): Promise<InboxOutcome> {
    if (msg.kind === 'image' || msg.kind === 'location') return this.receiveAttachment(msg);
    if (msg.kind !== 'text') return this.outcome(msg, 'ignored', null);
    const parsed = parseMessage(msg.text, this.app.categorise);
    if (parsed.command === 'none') return this.outcome(msg, 'ignored', null);
    if (isDirect(msg)) {
      const id = await this.store(msg, null);
      if (!id) return this.outcome(msg, 'duplicate', parsed.command);
      return this.act(msg, id, parsed, directGroup(msg));
    }
    let group = await this.bindings().seeGroup(msg.roomId, msg.botAccount, msg.roomTopic);
    const fleet = new FleetRepository(this.app.orm.em.fork());
    await fleet.joinGroups(msg.botAccount, [msg.roomId], this.app.clock.now());
    if (group.botAccount !== msg.botAccount) {
      // Another of our accounts listens in this group; it acts, this one stays quiet, unless
      // that account is offline: then this one takes the group over.
      const listener = await fleet.takeOverListening(msg.roomId, msg.botAccount, this.app.clock.now());
      if (listener && listener !== msg.botAccount) return this.standBy(msg, parsed.command, listener);
      group = { ...group, botAccount: msg.botAccount };
    }
    const id = await this.store(msg, null);
    if (!id) return this.outcome(msg, 'duplicate', parsed.command);
    // Late (a replay after an outage): another account, on standby here, has acted on it already.
    const actedBy = await this.inbound().actedOnByStandby(id, STANDBY.sameMessageMs);
    if (actedBy) return this.finish(msg, id, 'duplicate', null, null, `acted on by ${actedBy}`);
    return this.act(msg, id, parsed, group);
  }

  /**
   * A photo or location in a grid's group. It is stored first (a photo's bytes before its row,
   * so a resumed photo still has them), then attached to the sender's report (or #处置, #办结)
   * of the last two minutes; without one it waits for the sender's next such command.
   */
  private async receiveAttachment(msg: IncomingMessage): Promise<InboxOutcome> {
    if (msg.kind === 'image' ? !msg.readMedia : !msg.place) return this.outcome(msg, 'ignored', null);
    const group = await this.bindings().group(msg.roomId);
    // Photos in groups no grid owns are chat; in a group another of our accounts listens in, that
    // account takes them, unless it is offline: then this one takes the group over, as for text.
    if (!group?.grid) return this.outcome(msg, 'ignored', null);
    if (group.botAccount !== msg.botAccount) {
      const listener = await new FleetRepository(this.app.orm.em.fork()).takeOverListening(msg.roomId, msg.botAccount, this.app.clock.now());
      if (listener !== msg.botAccount) return this.outcome(msg, 'ignored', null);
    }
    let key: string | null = null;
    if (msg.kind === 'image') {
      try {
        // Recorded with the group's grid (and the sender, when bound): whoever may use the group's photos in a step.
        // A bound sender whose role uploads nothing (a viewer) is refused, as over HTTP.
        const sender = await this.bindings().contact(msg.senderId);
        key = (await this.photos.uploadFromChat(group.grid.id, sender?.actor ?? null, await msg.readMedia!())).key;
      } catch (err) {
        if (!isDomainError(err)) throw err;
        this.log.info({ messageId: msg.messageId, err: err.message }, 'photo refused');
      }
    }
    const id = await this.store(msg, key);
    if (!id) return this.outcome(msg, 'duplicate', msg.kind === 'image' ? 'photo' : 'location');
    return this.actOnAttachment(msg, id, key);
  }

  private async actOnAttachment(msg: IncomingMessage, id: string, key: string | null): Promise<InboxOutcome> {
    const place = msg.kind === 'location' ? (msg.place ?? null) : null;
    const kind = place ? 'location' : 'photo';
    const target = await this.inbound().lastStepped(msg.botAccount, msg.roomId, msg.senderId, id, ATTACH_WINDOW_MS, place ? TAKES_PLACE : TAKES_PHOTOS);
    const group = await this.bindings().group(msg.roomId);
    if (!target || !group?.grid) return this.finish(msg, id, 'skipped', kind, null, 'waiting for a report');
    if (!place && !key) return this.finish(msg, id, 'refused', kind, { text: PHOTO_REFUSED }, 'photo refused');
    const sender = await this.bindings().contact(msg.senderId);
    const actor = sender?.actor ?? residentOf(group);
    try {
      const incidents = createScope(this.app, actor).incidents;
      const incident = place ? await incidents.locate(actor, target, place) : await incidents.attachPhotos(actor, target, [key!]);
      const text = place ? locatedText(incident.code, place) : photoAttachedText(incident.code);
      return this.finish(msg, id, 'done', kind, { text, ref: incident.code }, `${kind} ${incident.code}`);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      return this.finish(msg, id, 'refused', kind, { text: refusalText(err, 'report', target) }, `refused ${err.code}`);
    }
  }

  /** Photos and a place the sender sent just before a command that takes them, not yet claimed. */
  private async attachmentsFor(msg: IncomingMessage, id: string, command: ChatCommand): Promise<{ ids: string[]; taken: BotAttachments }> {
    const photos = TAKES_PHOTOS.includes(command);
    const places = TAKES_PLACE.includes(command);
    if (!photos && !places) return { ids: [], taken: NO_ATTACHMENTS };
    const waiting = await this.inbound().waiting(msg.botAccount, msg.roomId, msg.senderId, id, ATTACH_WINDOW_MS);
    const keys = photos ? waiting.filter((w) => w.kind === 'image' && w.mediaKey) : [];
    // The latest location, if several.
    const located = places ? waiting.filter((w) => w.kind === 'location' && w.place).pop() : undefined;
    const used = [...keys, ...(located ? [located] : [])];
    return { ids: used.map((w) => w.id), taken: { photos: keys.map((w) => w.mediaKey!), place: located?.place ?? null } };
  }

  private async act(msg: IncomingMessage, id: string, parsed: ParsedMessage, knownGroup?: GroupBinding & { direct?: boolean }): Promise<InboxOutcome> {
    const command = parsed.command;
    const budget = await this.app.limits.take('botCommand', msg.senderId);
    if (!budget.allowed) return this.refuseLimited(msg, id, command, rateLimited('botCommand', budget, 'bot commands'), parsed.ref);
    const group: GroupBinding & { direct?: boolean } = knownGroup ?? (isDirect(msg) ? directGroup(msg) : await this.bindings().seeGroup(msg.roomId, msg.botAccount, msg.roomTopic));
    const sender: ContactBinding | null = await this.bindings().contact(msg.senderId);
    const away = group.direct ? AWAY_FROM_GRID : group.department && !group.grid ? IN_DEPARTMENT_GROUP : null;
    if (away && !away.has(command)) {
      if (parsed.bare) return this.finish(msg, id, 'ignored', command, null, 'ignored bare keyword away from a grid group');
      return this.finish(msg, id, 'refused', command, { text: GROUP_ONLY }, 'refused grid command away from a grid group');
    }
    if (!away && !WITHOUT_GRID.has(command) && !group.grid) return this.finish(msg, id, 'refused', command, { text: GROUP_NOT_BOUND }, 'refused group not bound');
    if (!WITHOUT_MEMBER.has(command) && !sender) {
      // A resident's bare 收到 is chat; a # command from them is told how to bind.
      if (parsed.bare) return this.finish(msg, id, 'ignored', command, null, 'ignored bare keyword from an unbound contact');
      return this.finish(msg, id, 'refused', command, { text: CONTACT_NOT_BOUND }, 'refused sender not bound');
    }
    const actor: Actor = sender?.actor ?? residentOf(group);
    const attachments = await this.attachmentsFor(msg, id, command);
    const ctx = {
      scope: createScope(this.app, actor),
      actor,
      group,
      sender: { contactId: msg.senderId, name: msg.senderName, memberId: sender?.memberId ?? null },
      parsed,
      messageId: msg.messageId,
      now: this.app.clock.now(),
      attachments: attachments.taken,
    };
    try {
      let reply: BotReply | null = null;
      for (const plugin of this.plugins) {
        if (!plugin.commands.includes(command)) continue;
        reply = await plugin.handle(ctx);
        if (reply) break;
      }
      // The photos and place went to the incident the command acted on.
      const claimed = reply?.ref?.startsWith('E') ? attachments.ids : [];
      return this.finish(msg, id, 'done', command, reply, `${command}${reply?.ref ? ` ${reply.ref}` : ''}`, claimed);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      if (err.code === 'RATE_LIMITED') return this.refuseLimited(msg, id, command, err, parsed.ref);
      return this.finish(msg, id, 'refused', command, { text: refusalText(err, command, parsed.ref) }, `refused ${err.code}`);
    }
  }

  /**
   * A limit refused the sender: one short line the first time in the limit's window, then
   * silence until it ends (a flood gets no flood of replies).
   */
  private refuseLimited(msg: IncomingMessage, id: string, command: ChatCommand, err: DomainError, ref: string | null): Promise<InboxOutcome> {
    const d = err.detail?.reason === 'RATE_LIMITED' ? err.detail : null;
    const key = `${msg.senderId}|${d?.limit ?? ''}`;
    const now = this.app.clock.now().getTime();
    const say = (this.toldUntil.get(key) ?? 0) <= now;
    if (say) {
      if (this.toldUntil.size > 10_000) for (const [k, until] of this.toldUntil) if (until <= now) this.toldUntil.delete(k);
      this.toldUntil.set(key, now + (d?.retryAfterSeconds ?? 60) * 1000);
    }
    return this.finish(msg, id, 'refused', command, say ? { text: refusalText(err, command, ref) } : null, 'refused RATE_LIMITED');
  }

  /** Queues the reply and marks the message handled, in one transaction. */
  private async finish(msg: IncomingMessage, id: string, action: InboxOutcome['action'], command: InboxOutcome['command'], reply: BotReply | null, outcome: string, claimed: readonly string[] = []): Promise<InboxOutcome> {
    const replyKey = reply ? `reply:${msg.botAccount}:${msg.messageId}` : null;
    const now = this.app.clock.now();
    await this.app.orm.em.fork().transactional(async (tx) => {
      if (reply) {
        await new OutboxRepository(tx).enqueueForRooms(
          // A direct message is answered by the account that got it (only it knows the contact).
          [{ roomId: msg.roomId, ...(isDirect(msg) ? { botAccount: msg.botAccount } : {}), text: reply.text, dedupeKey: replyKey!, kind: 'reply', priority: priorityOf(MESSAGE_LANES.reply), ref: reply.ref ?? null, mentionMemberIds: reply.mentionMemberIds ?? [] }],
          now,
        );
      }
      const done = action === 'done' ? (reply?.ref ?? null) : null;
      // A report (#处置, #办结) links its message to the incident, so a photo or location sent right after finds it.
      const stepped = done && command !== null && (TAKES_PHOTOS as readonly string[]).includes(command) ? done : null;
      const attached = done && (command === 'photo' || command === 'location') ? done : null;
      const inbound = this.inbound(tx);
      await inbound.markHandled(id, { status: action === 'failed' ? 'failed' : 'done', outcome, command, steppedCode: stepped, attachedCode: attached }, now);
      if (stepped) await inbound.claim(claimed, stepped);
    });
    if (reply) this.onQueued(msg.botAccount);
    const result: InboxOutcome = { action, roomId: msg.roomId, senderId: msg.senderId, messageId: msg.messageId, command, reply: reply?.text ?? null, replyKey };
    this.app.metrics.inbox.inc({ action });
    this.emit('processed', result);
    return result;
  }

  /**
   * Something went wrong. The database away: the message is spooled. Anything else: logged,
   * and a stored message is retried after a back-off; after the last attempt it is marked
   * failed and the group told once.
   */
  private async failed(msg: IncomingMessage, err: unknown): Promise<InboxOutcome> {
    if (isDatabaseUnavailable(err)) return this.spoolMessage(msg, err);
    this.log.error({ err, messageId: msg.messageId, roomId: msg.roomId }, 'bot message failed');
    const pending = await this.inbound()
      .pendingAttempt(msg.botAccount, msg.messageId)
      .catch(() => null);
    if (!pending) return this.outcome(msg, 'failed', null);
    if (pending.attempts < INBOX_RETRY.maxAttempts) {
      const retryAt = new Date(this.app.clock.now().getTime() + INBOX_RETRY.backoffMs * pending.attempts);
      return this.inbound()
        .postpone(pending.id, retryAt)
        .then(
          () => this.outcome(msg, 'retrying', null),
          () => this.outcome(msg, 'failed', null),
        );
    }
    return this.finish(msg, pending.id, 'failed', null, { text: INTERNAL_ERROR }, `failed ${(err as Error)?.message ?? String(err)}`).catch(() => this.outcome(msg, 'failed', null));
  }

  /** Keeps a message the database could not take in the spool (an image with its bytes), for the retry loop to replay. */
  private async spoolMessage(msg: IncomingMessage, err: unknown): Promise<InboxOutcome> {
    const { readMedia, ...rest } = msg;
    let media: string | undefined;
    if (msg.kind === 'image' && readMedia) {
      try {
        media = Buffer.from(await readMedia()).toString('base64');
      } catch (readErr) {
        this.log.warn({ err: readErr, messageId: msg.messageId }, 'could not read a photo to spool it');
      }
    }
    try {
      await this.spool.append({ ...rest, ...(media ? { media } : {}) });
    } catch (spoolErr) {
      this.log.error({ err: spoolErr, messageId: msg.messageId, roomId: msg.roomId }, 'database unavailable and the message could not be spooled: it is lost');
      return this.outcome(msg, 'failed', null);
    }
    this.log.warn({ messageId: msg.messageId, roomId: msg.roomId, err: (err as Error)?.message }, 'database unavailable: message spooled until it is back');
    return this.outcome(msg, 'spooled', null);
  }

  private store(msg: IncomingMessage, mediaKey: string | null): Promise<string | null> {
    const now = this.app.clock.now();
    return this.inbound().store({ ...msg, mediaKey }, now, new Date(now.getTime() + INBOX_RETRY.leaseMs));
  }

  /** The inbox table, on its own entity manager unless a transaction is given. */
  private inbound(em: EntityManager = this.app.orm.em.fork()): InboundRepository {
    return new InboundRepository(em);
  }

  private bindings(): BindingService {
    return createScope(this.app, OPERATOR).bindings;
  }

  private outcome(msg: IncomingMessage, action: InboxOutcome['action'], command: InboxOutcome['command']): InboxOutcome {
    const result: InboxOutcome = { action, roomId: msg.roomId, senderId: msg.senderId, messageId: msg.messageId, command, reply: null, replyKey: null };
    if (action !== 'ignored') this.app.metrics.inbox.inc({ action });
    this.emit('processed', result);
    return result;
  }
}

/** An unbound contact in a grid's group: a resident who may report there and nowhere else. */
function residentOf(group: GroupBinding): Actor {
  // '0' is no grid's path: a resident in an unbound group sees nothing.
  return { role: 'resident', path: group.grid?.path ?? '0', gridId: group.grid?.id ?? null, gridCode: group.grid?.code ?? null, memberId: null, tokenId: null };
}
