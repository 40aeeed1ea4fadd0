import { randomUUID } from 'node:crypto';
import { FileBox } from 'file-box';
import { types, WechatyBuilder, type Wechaty as WechatyInterface } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import {
  DEMO_ACCOUNT,
  DEMO_BOT_CONTACT_ID,
  DEMO_GUEST_CONTACT,
  DEMO_MEMBER_CONTACT,
  DEMO_RESIDENT_CONTACT,
  DEMO_ROOM,
} from '../domain/demo-ids.js';
import { DomainError } from '../domain/errors.js';
import { normalizeGridCode } from '../domain/grid-levels.js';
import type { Place } from '../domain/places.js';
import { DemoRepository, type DemoGrid, type DemoMember } from '../repositories/demo.repository.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import type { AppDeps } from '../services/context.js';
import { BOT_NAME, DEMO_GROUP_SUFFIX, demoResidentName } from '../texts/zh/index.js';
import { STANDBY, type BotInbox, type InboxOutcome } from './inbox.js';
import type { SentEvent } from './outbox-worker.js';

type ContactMock = ReturnType<mock.Mocker['createContact']>;
type RoomMock = ReturnType<mock.Mocker['createRoom']>;

/** Role words `simulateMessage(from:)` accepts besides a member's name (docs/domain-rules.md#demo-city). */
export const SPEAKER_ROLES = ['chief', 'worker', 'instructor', 'commander', 'assistant', 'volunteer', 'department', 'resident'] as const;

export { DEMO_ACCOUNT };

/**
 * How long `speak` waits for the bot to take a message and send its reply (a reply jumps the
 * broadcast lanes within a second, but a loaded machine may be slow).
 */
const WAIT_MS = 60_000;

// The mock puppet tells images by name; the hub checks the bytes themselves anyway.
const photoName = (bytes: Uint8Array) => (bytes[0] === 0x89 ? 'photo.png' : 'photo.jpg');

/** One demo account's own simulated WeChat: a mock puppet holds one logged-in account. */
interface MockAccount {
  readonly mocker: mock.Mocker;
  readonly puppet: DemoPuppet;
  readonly bot: WechatyInterface;
  readonly rooms: Map<string, RoomMock>;
  readonly contacts: Map<string, ContactMock>;
}

/** What the demo world needs of the bots: their inbox, their sends, a nudge for their outbox. */
export interface DemoBots {
  readonly inbox: BotInbox;
  onSent(listener: (e: SentEvent) => void): () => void;
  kick(): void;
}

/** The demo accounts' own contact ids: the first is `demo-bot`, the others `demo-bot-<name>`. */
export const demoBotContactId = (account: string): string => (account === DEMO_ACCOUNT ? DEMO_BOT_CONTACT_ID : `${DEMO_BOT_CONTACT_ID}-${account}`);

/**
 * The mock puppet answers every location message with one fixed place; the demo world's
 * location messages carry their own (sent with `speak`), so this one remembers them by message id.
 */
export class DemoPuppet extends PuppetMock {
  readonly places = new Map<string, Place>();

  override async messageLocation(messageId: string) {
    const place = this.places.get(messageId);
    if (!place) return super.messageLocation(messageId);
    return { accuracy: 15, name: place.name ?? '', address: place.address ?? '', latitude: place.latitude, longitude: place.longitude };
  }
}

/**
 * Demo mode (docs/domain-rules.md#demo-city): a simulated WeChat on `wechaty-puppet-mock` where every grid has its
 * group with the bot accounts this instance serves, its members (bound) and a resident
 * (unbound) in it. `speak` sends a message as one of them through Wechaty's real message path
 * and returns what the bots then said in that group.
 */
export class DemoWorld {
  private bots: DemoBots | null = null;
  private readonly accounts = new Map<string, MockAccount>();
  private grids: DemoGrid[] = [];
  private byGrid = new Map<number, DemoMember[]>();
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly app: AppDeps) {}

  attach(bots: DemoBots): void {
    this.bots = bots;
  }

  /** The listening account's mock WeChat (the first demo account when this instance serves it). */
  get mocker(): mock.Mocker {
    return this.listener().mocker;
  }

  get puppet(): PuppetMock {
    return this.listener().puppet;
  }

  /** Binds a mock group to every grid and a contact to every member (idempotent), and remembers them for the accounts. */
  async populate(): Promise<{ groups: number; members: number }> {
    const repo = this.repo();
    const now = this.app.clock.now();
    await repo.bindMockGroups(DEMO_ACCOUNT, DEMO_GROUP_SUFFIX, now);
    await repo.bindMockContacts(now);
    this.grids = await repo.grids();
    const members = await repo.members();
    this.byGrid = new Map();
    for (const m of members) this.byGrid.set(m.gridId, [...(this.byGrid.get(m.gridId) ?? []), m]);
    return { groups: this.grids.length, members: members.length };
  }

  /** A Wechaty for demo account `name` on a mock WeChat of its own; `start` logs it in, in every demo group. */
  account(name: string): { bot: WechatyInterface; start(): Promise<void> } {
    const mocker = new mock.Mocker();
    const puppet = new DemoPuppet({ mocker });
    const bot = WechatyBuilder.build({ name: `gridhub-${name}`, puppet });
    const acc: MockAccount = { mocker, puppet, bot, rooms: new Map(), contacts: new Map() };
    return {
      bot,
      start: async () => {
        await bot.start();
        const me = mocker.createContact({ id: demoBotContactId(name), name: BOT_NAME });
        mocker.login(me);
        // PuppetMock never emits `ready` by itself (stack notes).
        puppet.emit('ready', { data: 'ready' });
        await bot.ready();
        // The mock puppet takes a few ms per contact or group: let heartbeats and requests through meanwhile.
        let n = 0;
        const breathe = () => (++n % 50 === 0 ? new Promise((r) => setImmediate(r)) : null);
        for (const list of this.byGrid.values()) {
          for (const m of list) {
            this.contact(acc, DEMO_MEMBER_CONTACT.of(m.id), m.name);
            await breathe();
          }
        }
        for (const g of this.grids) {
          this.room(acc, g, (this.byGrid.get(g.id) ?? []).map((m) => DEMO_MEMBER_CONTACT.of(m.id)));
          await breathe();
        }
        this.accounts.set(name, acc);
      },
    };
  }

  /** Demo account `name`'s mock puppet when it runs here (to log it out and in, as WeChat would). */
  puppetOf(name: string): DemoPuppet | null {
    return this.accounts.get(name)?.puppet ?? null;
  }

  /** The account no longer runs here (stopped, or another instance took it). */
  forget(name: string): void {
    this.accounts.delete(name);
  }

  /**
   * Says `text` (and/or sends `image`, then a WeChat location `place`) in `gridCode`'s group as
   * `from`: a member's name or a role word (that grid's member in that role, else the nearest
   * ancestor's; `resident` is an unbound resident of the grid). Resolves with the bots' replies
   * in that group.
   */
  speak(gridCode: string, from: string, text: string | null, image: Uint8Array | null, place: Place | null = null): Promise<string[]> {
    const next = this.turn.then(() => this.speakNow(gridCode, from, text, image, place));
    this.turn = next.catch(() => undefined);
    return next;
  }

  private listener(): MockAccount {
    const acc = this.accounts.get(DEMO_ACCOUNT) ?? this.accounts.values().next().value;
    if (!acc) throw new DomainError('CONFLICT', 'no demo bot account runs on this instance');
    return acc;
  }

  private async speakNow(gridCode: string, from: string, text: string | null, image: Uint8Array | null, place: Place | null): Promise<string[]> {
    const bots = this.bots;
    if (!bots) throw new Error('the demo world is not attached to a bot');
    if (!text?.trim() && !image && !place) throw new DomainError('BAD_USER_INPUT', 'say something: text, image or location');
    const code = normalizeGridCode(gridCode);
    const grid = await this.repo().grid(code);
    if (!grid) throw new DomainError('NOT_FOUND', `grid ${code} not found`);
    // The group's listening account when this instance serves it; else one of ours, as a second
    // account in the group would hear it (the inbox takes the message over only from a dead one).
    const listening = await this.repo().listeningAccount(grid.id);
    const acc = (listening ? this.accounts.get(listening) : undefined) ?? this.listener();
    const room = this.room(acc, grid, []);
    const speaker = await this.speaker(acc, grid, from.trim());
    const roomId = room.id;
    const replies: string[] = [];
    const off = bots.onSent((e: SentEvent) => {
      if (e.roomId === roomId) replies.push(e.text);
    });
    try {
      for (const part of [text?.trim() ? text : null, image ? FileBox.fromBase64(Buffer.from(image).toString('base64'), photoName(image)) : null, place]) {
        if (!part) continue;
        const processed = this.nextOutcome(bots.inbox, roomId, speaker.id);
        if (typeof part === 'string' || FileBox.valid(part)) speaker.say(part).to(room);
        else this.sayPlace(acc, speaker, room, part);
        const outcome = await processed;
        if (outcome.action === 'standby' && part === text) {
          // Kept on standby: acted on here only if that account never hears it (it will not: it is a mock on another instance).
          throw new DomainError('CONFLICT', `group of ${code} is served by bot account ${listening} on another instance: simulate the message there (this one is kept and acted on in ${STANDBY.giveUpMs / 1000} s if that account never hears it)`);
        }
        if (outcome.replyKey) await this.delivered(outcome.replyKey);
      }
    } finally {
      off();
    }
    return replies;
  }

  /** A WeChat location message from `speaker` in `room` (ContactMock.say sends only text and files). */
  private sayPlace(acc: MockAccount, speaker: ContactMock, room: RoomMock, place: Place): void {
    const id = `demo-location-${randomUUID()}`;
    acc.puppet.places.set(id, place);
    acc.mocker.MessageMock.create({ id, talkerId: speaker.id, roomId: room.id, timestamp: Date.now(), type: types.Message.Location, mentionIdList: [] });
    acc.puppet.emit('message', { messageId: id });
  }

  private nextOutcome(inbox: BotInbox, roomId: string, senderId: string): Promise<InboxOutcome> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        inbox.off('processed', on);
        reject(new Error('the bot did not take the message in time'));
      }, WAIT_MS);
      const on = (o: InboxOutcome) => {
        if (o.roomId !== roomId || o.senderId !== senderId) return;
        clearTimeout(timer);
        inbox.off('processed', on);
        resolve(o);
      };
      inbox.on('processed', on);
    });
  }

  /** Waits until the outbox row with this dedupe key has been sent (or has failed for good). */
  private async delivered(dedupeKey: string): Promise<void> {
    const outbox = new OutboxRepository(this.app.orm.em.fork());
    const deadline = Date.now() + WAIT_MS;
    this.bots!.kick();
    while (Date.now() < deadline) {
      const status = await outbox.statusOf(dedupeKey);
      if (status !== 'pending') return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the bot did not send its reply in time');
  }

  private async speaker(acc: MockAccount, grid: DemoGrid, from: string): Promise<ContactMock> {
    if (from === 'resident') return this.contact(acc, DEMO_RESIDENT_CONTACT.of(grid.id), demoResidentName(grid.name), grid);
    const byRole = (SPEAKER_ROLES as readonly string[]).includes(from);
    // Nearest first: the grid itself, then its ancestors up to the root.
    const m = await this.repo().nearestMember(grid.path, byRole ? { role: from } : { name: from });
    if (!m) {
      if (byRole) throw new DomainError('NOT_FOUND', `no ${from} in grid ${grid.code} or above it`);
      // Someone the hub does not know: an unbound contact, i.e. a resident with that name.
      return this.contact(acc, DEMO_GUEST_CONTACT.of(Buffer.from(from).toString('hex').slice(0, 40)), from.slice(0, 32), grid);
    }
    return this.contact(acc, DEMO_MEMBER_CONTACT.of(m.id), m.name, grid);
  }

  private contact(acc: MockAccount, id: string, name: string, grid?: DemoGrid): ContactMock {
    let c = acc.contacts.get(id);
    if (!c) {
      c = acc.mocker.createContact({ id, name });
      acc.contacts.set(id, c);
    }
    if (grid) {
      const room = this.room(acc, grid, []);
      const payload = acc.mocker.roomPayload(room.id);
      if (!payload.memberIdList.includes(id)) acc.mocker.roomPayload(room.id, { ...payload, memberIdList: [...payload.memberIdList, id] });
    }
    return c;
  }

  private repo(): DemoRepository {
    return new DemoRepository(this.app.orm.em.fork());
  }

  private room(acc: MockAccount, grid: DemoGrid, memberIds: string[]): RoomMock {
    let room = acc.rooms.get(grid.code);
    if (!room) {
      room = acc.mocker.createRoom({ id: DEMO_ROOM.of(grid.code), topic: `${grid.name}${DEMO_GROUP_SUFFIX}`.slice(0, 64), memberIdList: [acc.puppet.currentUserId, ...memberIds] });
      acc.rooms.set(grid.code, room);
    }
    return room;
  }
}
