import { FileBox } from 'file-box';
import { WechatyBuilder, type Wechaty as WechatyInterface } from 'wechaty';
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
import { DemoRepository, type DemoGrid, type DemoMember } from '../repositories/demo.repository.js';
import { OutboxRepository } from '../repositories/outbox.repository.js';
import type { AppDeps } from '../services/context.js';
import { BOT_NAME, DEMO_GROUP_SUFFIX, demoResidentName } from '../texts/zh/index.js';
import type { BotInbox, InboxOutcome } from './inbox.js';
import type { OutboxWorker, SentEvent } from './outbox-worker.js';

type ContactMock = ReturnType<mock.Mocker['createContact']>;
type RoomMock = ReturnType<mock.Mocker['createRoom']>;

/** Role words `simulateMessage(from:)` accepts besides a member's name (docs/domain-rules.md#demo-city). */
export const SPEAKER_ROLES = ['chief', 'worker', 'instructor', 'commander', 'assistant', 'volunteer', 'department', 'resident'] as const;

export { DEMO_ACCOUNT };

/**
 * How long `speak` waits for the bot to take a message and send its reply. Replies share the
 * account's outbox with broadcasts (no priority lanes yet), so the commander's "已下达" waits
 * behind a 631-group broadcast: seconds on a quiet machine, tens of seconds on a loaded one.
 */
const WAIT_MS = 60_000;

// The mock puppet tells images by name; the hub checks the bytes themselves anyway.
const photoName = (bytes: Uint8Array) => (bytes[0] === 0x89 ? 'photo.png' : 'photo.jpg');

/**
 * Demo mode (docs/domain-rules.md#demo-city): a simulated WeChat on `wechaty-puppet-mock` where every grid has its
 * group with the bot, its members (bound) and a resident (unbound) in it. `speak` sends a
 * message as one of them through Wechaty's real message path and returns what the bot then
 * said in that group.
 */
export class DemoWorld {
  private inbox: BotInbox | null = null;
  private worker: OutboxWorker | null = null;
  private readonly rooms = new Map<string, RoomMock>();
  private readonly contacts = new Map<string, ContactMock>();
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly app: AppDeps,
    readonly mocker: mock.Mocker,
    readonly puppet: PuppetMock,
  ) {}

  attach(inbox: BotInbox, worker: OutboxWorker): void {
    this.inbox = inbox;
    this.worker = worker;
  }

  /** Creates a mock group for every grid and a contact for every member, and binds them. Idempotent. */
  async populate(): Promise<{ groups: number; members: number }> {
    const repo = this.repo();
    const now = this.app.clock.now();
    await repo.bindMockGroups(DEMO_ACCOUNT, DEMO_GROUP_SUFFIX, now);
    await repo.bindMockContacts(now);
    const grids = await repo.grids();
    const members = await repo.members();
    const byGrid = new Map<number, DemoMember[]>();
    for (const m of members) {
      this.contact(DEMO_MEMBER_CONTACT.of(m.id), m.name);
      byGrid.set(m.gridId, [...(byGrid.get(m.gridId) ?? []), m]);
    }
    for (const g of grids) this.room(g, (byGrid.get(g.id) ?? []).map((m) => DEMO_MEMBER_CONTACT.of(m.id)));
    return { groups: grids.length, members: members.length };
  }

  /**
   * Says `text` (and/or sends `image`) in `gridCode`'s group as `from`: a member's name or a
   * role word (that grid's member in that role, else the nearest ancestor's; `resident` is an
   * unbound resident of the grid). Resolves with the bot's replies in that group.
   */
  speak(gridCode: string, from: string, text: string | null, image: Uint8Array | null): Promise<string[]> {
    const next = this.turn.then(() => this.speakNow(gridCode, from, text, image));
    this.turn = next.catch(() => undefined);
    return next;
  }

  private async speakNow(gridCode: string, from: string, text: string | null, image: Uint8Array | null): Promise<string[]> {
    if (!this.inbox || !this.worker) throw new Error('the demo world is not attached to a bot');
    if (!text?.trim() && !image) throw new DomainError('BAD_USER_INPUT', 'say something: text or image');
    const code = normalizeGridCode(gridCode);
    const grid = await this.repo().grid(code);
    if (!grid) throw new DomainError('NOT_FOUND', `grid ${code} not found`);
    const room = this.room(grid, []);
    const speaker = await this.speaker(grid, from.trim());
    const roomId = room.id;
    const replies: string[] = [];
    const onSent = (e: SentEvent) => {
      if (e.roomId === roomId) replies.push(e.text);
    };
    this.worker.on('sent', onSent);
    try {
      for (const part of [text?.trim() ? text : null, image ? FileBox.fromBase64(Buffer.from(image).toString('base64'), photoName(image)) : null]) {
        if (!part) continue;
        const processed = this.nextOutcome(roomId, speaker.id);
        speaker.say(part).to(room);
        const outcome = await processed;
        if (outcome.replyKey) await this.delivered(outcome.replyKey);
      }
    } finally {
      this.worker.off('sent', onSent);
    }
    return replies;
  }

  private nextOutcome(roomId: string, senderId: string): Promise<InboxOutcome> {
    const inbox = this.inbox!;
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
    this.worker!.kick();
    while (Date.now() < deadline) {
      const status = await outbox.statusOf(dedupeKey);
      if (status !== 'pending') return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the bot did not send its reply in time');
  }

  private async speaker(grid: DemoGrid, from: string): Promise<ContactMock> {
    if (from === 'resident') return this.contact(DEMO_RESIDENT_CONTACT.of(grid.id), demoResidentName(grid.name), grid);
    const byRole = (SPEAKER_ROLES as readonly string[]).includes(from);
    // Nearest first: the grid itself, then its ancestors up to the root.
    const m = await this.repo().nearestMember(grid.path, byRole ? { role: from } : { name: from });
    if (!m) {
      if (byRole) throw new DomainError('NOT_FOUND', `no ${from} in grid ${grid.code} or above it`);
      // Someone the hub does not know: an unbound contact, i.e. a resident with that name.
      return this.contact(DEMO_GUEST_CONTACT.of(Buffer.from(from).toString('hex').slice(0, 40)), from.slice(0, 32), grid);
    }
    return this.contact(DEMO_MEMBER_CONTACT.of(m.id), m.name, grid);
  }

  private contact(id: string, name: string, grid?: DemoGrid): ContactMock {
    let c = this.contacts.get(id);
    if (!c) {
      c = this.mocker.createContact({ id, name });
      this.contacts.set(id, c);
    }
    if (grid) {
      const room = this.room(grid, []);
      const payload = this.mocker.roomPayload(room.id);
      if (!payload.memberIdList.includes(id)) this.mocker.roomPayload(room.id, { ...payload, memberIdList: [...payload.memberIdList, id] });
    }
    return c;
  }

  private repo(): DemoRepository {
    return new DemoRepository(this.app.orm.em.fork());
  }

  private room(grid: DemoGrid, memberIds: string[]): RoomMock {
    let room = this.rooms.get(grid.code);
    if (!room) {
      room = this.mocker.createRoom({ id: DEMO_ROOM.of(grid.code), topic: `${grid.name}${DEMO_GROUP_SUFFIX}`.slice(0, 64), memberIdList: [this.puppet.currentUserId, ...memberIds] });
      this.rooms.set(grid.code, room);
    }
    return room;
  }
}

/** Builds the simulated WeChat and its bot; `start` logs the bot in once the world is populated. */
export async function createDemoWorld(app: AppDeps): Promise<{ world: DemoWorld; bot: WechatyInterface; start(): Promise<void> }> {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const bot = WechatyBuilder.build({ name: 'gridhub-demo', puppet });
  const world = new DemoWorld(app, mocker, puppet);
  return {
    world,
    bot,
    async start() {
      await bot.start();
      const me = mocker.createContact({ id: DEMO_BOT_CONTACT_ID, name: BOT_NAME });
      mocker.login(me);
      // PuppetMock never emits `ready` by itself (stack notes).
      puppet.emit('ready', { data: 'ready' });
      await bot.ready();
      const populated = await world.populate();
      app.log.info(populated, 'demo mode: every grid has its mock WeChat group');
    },
  };
}
