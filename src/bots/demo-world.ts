import { FileBox } from 'file-box';
import { WechatyBuilder, type Wechaty as WechatyInterface } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { DomainError } from '../domain/errors.js';
import { normalizeGridCode } from '../domain/grid-levels.js';
import { query } from '../repositories/sql.js';
import type { AppDeps } from '../scope.js';
import type { BotInbox, InboxOutcome } from './inbox.js';
import type { OutboxWorker, SentEvent } from './outbox-worker.js';

type ContactMock = ReturnType<mock.Mocker['createContact']>;
type RoomMock = ReturnType<mock.Mocker['createRoom']>;

/** Role words `simulateMessage(from:)` accepts besides a member's name (docs/domain-rules.md#demo-city). */
export const SPEAKER_ROLES = ['chief', 'worker', 'instructor', 'commander', 'assistant', 'volunteer', 'department', 'resident'] as const;

/** The demo world's bot account (its groups and contacts carry `demo-` ids). */
export const DEMO_ACCOUNT = 'demo';
const roomIdOf = (code: string) => `demo-${code}@chatroom`;
const memberContactId = (id: number) => `demo-m${id}`;
const residentContactId = (gridId: number) => `demo-r${gridId}`;

interface GridRow {
  id: number;
  code: string;
  name: string;
  path: string;
}
interface MemberRow {
  id: number;
  name: string;
  role: string;
  grid_id: number;
}

const WAIT_MS = 15_000;

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
    const em = this.app.orm.em.fork();
    const now = this.app.clock.now();
    await query(em, `insert into chat_group (room_id, topic, grid_id, bot_account, bound_at, created_at)
      select 'demo-' || g.code || '@chatroom', left(g.name || '网格群', 128), g.id, ?, ?, ? from grid g
      where not exists (select 1 from chat_group c where c.grid_id = g.id) on conflict (room_id) do nothing`, [DEMO_ACCOUNT, now, now]);
    await query(em, `insert into member_contact (member_id, contact_id, contact_name, bound_at)
      select m.id, 'demo-m' || m.id, m.name, ? from member m
      where not exists (select 1 from member_contact c where c.member_id = m.id) on conflict (contact_id) do nothing`, [now]);
    const grids = await query<GridRow>(em, `select id, code, name, path::text as path from grid order by path`);
    const members = await query<MemberRow>(em, `select id, name, role, grid_id from member order by id`);
    const byGrid = new Map<number, MemberRow[]>();
    for (const m of members) {
      this.contact(memberContactId(m.id), m.name);
      byGrid.set(m.grid_id, [...(byGrid.get(m.grid_id) ?? []), m]);
    }
    for (const g of grids) this.room(g, (byGrid.get(g.id) ?? []).map((m) => memberContactId(m.id)));
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
    const em = this.app.orm.em.fork();
    const code = normalizeGridCode(gridCode);
    const [grid] = await query<GridRow>(em, `select id, code, name, path::text as path from grid where code = ?`, [code]);
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
    const em = this.app.orm.em.fork();
    const deadline = Date.now() + WAIT_MS;
    this.worker!.kick();
    while (Date.now() < deadline) {
      const [row] = await query<{ status: string }>(em, `select status from outbox_message where dedupe_key = ?`, [dedupeKey]);
      if (!row || row.status !== 'pending') return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('the bot did not send its reply in time');
  }

  private async speaker(grid: GridRow, from: string): Promise<ContactMock> {
    const em = this.app.orm.em.fork();
    if (from === 'resident') return this.contact(residentContactId(grid.id), `居民${grid.name.slice(0, 8)}`, grid);
    const byRole = (SPEAKER_ROLES as readonly string[]).includes(from);
    // Nearest first: the grid itself, then its ancestors up to the root.
    const [m] = await query<MemberRow>(
      em,
      `select m.id, m.name, m.role, m.grid_id from member m join grid g on g.id = m.grid_id
       where g.path @> ?::ltree and ${byRole ? 'm.role = ?' : 'm.name = ?'} order by g.depth desc, m.id limit 1`,
      [grid.path, from],
    );
    if (!m) {
      if (byRole) throw new DomainError('NOT_FOUND', `no ${from} in grid ${grid.code} or above it`);
      // Someone the hub does not know: an unbound contact, i.e. a resident with that name.
      return this.contact(`demo-x-${Buffer.from(from).toString('hex').slice(0, 40)}`, from.slice(0, 32), grid);
    }
    return this.contact(memberContactId(m.id), m.name, grid);
  }

  private contact(id: string, name: string, grid?: GridRow): ContactMock {
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

  private room(grid: GridRow, memberIds: string[]): RoomMock {
    let room = this.rooms.get(grid.code);
    if (!room) {
      room = this.mocker.createRoom({ id: roomIdOf(grid.code), topic: `${grid.name}网格群`.slice(0, 64), memberIdList: [this.puppet.currentUserId, ...memberIds] });
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
      const me = mocker.createContact({ id: 'demo-bot', name: '网格助手' });
      mocker.login(me);
      // PuppetMock never emits `ready` by itself (stack notes).
      puppet.emit('ready', { data: 'ready' });
      await bot.ready();
      const populated = await world.populate();
      app.log.info(populated, 'demo mode: every grid has its mock WeChat group');
    },
  };
}
