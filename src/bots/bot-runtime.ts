import QRCode from 'qrcode';
import { WechatyBuilder, type Message, type Wechaty as WechatyInterface } from 'wechaty';
import { OPERATOR } from '../domain/actor.js';
import { EventEmitter } from 'node:events';
import { dayKey } from '../domain/day-key.js';
import { DEMO_ROOM } from '../domain/demo-ids.js';
import { checkPlace, type Place } from '../domain/places.js';
import { DEMO_POLICY, REAL_ACCOUNT_POLICY, type OutboxPolicy } from '../domain/outbox-policy.js';
import { DEMO_PACING, WECHAT_PACING, type PacingPolicy } from '../domain/pacing.js';
import type { BotAccountState } from '../entities/bot-account.entity.js';
import { FleetRepository } from '../repositories/fleet.repository.js';
import type { PhotoService } from '../services/photo.service.js';
import { DEMO_ACCOUNT, DemoWorld } from './demo-world.js';
import { FleetLeases, newInstanceId, type AccountHost } from './fleet.js';
import { NO_DELIVERY_HOOKS, OutboxMarks, type DeliveryHooks } from './outbox-marks.js';
import { createScope } from '../scope.js';
import type { BotAccountStatus, BotState, BotsPort } from '../services/bots.port.js';
import type { AppDeps } from '../services/context.js';
import { BotInbox } from './inbox.js';
import { OutboxWorker, type SendToRoom, type SentEvent } from './outbox-worker.js';

interface Account {
  readonly status: BotAccountStatus;
  readonly bot: WechatyInterface;
  readonly worker: OutboxWorker;
}

/** The bots of one hub: accounts, the shared inbox, and the demo world in demo mode. The rest of the hub sees them as a `BotsPort`. */
export interface BotRuntime extends BotsPort {
  readonly inbox: BotInbox;
  readonly demo: DemoWorld | null;
  /** This instance's share of the fleet (README "Running a fleet"). */
  readonly fleet: FleetLeases;
  worker(name: string): OutboxWorker | undefined;
  /** Every send of this instance's accounts. */
  onSent(listener: (e: SentEvent) => void): () => void;
  stop(): Promise<void>;
}

/** The account's state as the fleet table records it. */
const FLEET_STATE: Record<BotState, BotAccountState> = { starting: 'offline', scan: 'waiting_for_scan', logged_in: 'online', logged_out: 'offline', error: 'offline', stopped: 'offline' };

/** The pacing of every account of this instance: the puppet's defaults, then the configuration. */
export function pacingFor(app: AppDeps, puppet: string): PacingPolicy {
  const base = puppet === 'wechaty-puppet-mock' ? DEMO_PACING : WECHAT_PACING;
  const f = app.config.fleet;
  return {
    intervalMs: app.config.botSendIntervalMs ?? base.intervalMs,
    burst: f.burst ?? base.burst,
    perHour: f.perHour ?? base.perHour,
    perDay: f.perDay ?? base.perDay,
    rateLimitBackoffMs: f.rateLimitBackoffMs ?? base.rateLimitBackoffMs,
    maxRateLimitBackoffMs: Math.max(base.maxRateLimitBackoffMs, f.rateLimitBackoffMs ?? 0),
  };
}

/** The accounts BOT_ACCOUNTS / the service tokens seed: `demo`, `demo2`, … in demo mode, else `bot1`, `bot2`, … */
export function seededAccounts(app: AppDeps, puppet: string): Array<{ name: string; puppet: string; credentialsRef: string | null }> {
  return Array.from({ length: app.config.botAccounts }, (_, i) => {
    if (puppet === 'wechaty-puppet-mock') return { name: i === 0 ? DEMO_ACCOUNT : `${DEMO_ACCOUNT}${i + 1}`, puppet, credentialsRef: null };
    const name = `bot${i + 1}`;
    return { name, puppet, credentialsRef: puppet === 'wechaty-puppet-service' ? `token:${i + 1}` : `memory:gridhub-${name}` };
  });
}

/** Sends through an account's Wechaty: bound members are @-mentioned as contacts, others by name. */
export function sendVia(bot: WechatyInterface): SendToRoom {
  return async (roomId, text, mentions) => {
    const room = await bot.Room.find({ id: roomId });
    if (!room) {
      // A direct message (a department's contact): the "room" is the contact's id.
      const contact = await bot.Contact.find({ id: roomId });
      if (!contact) throw new Error(`the bot is not in room ${roomId} and knows no such contact`);
      await contact.say(text);
      return;
    }
    const contacts = [];
    const byName: string[] = [];
    for (const m of mentions) {
      const contact = m.contactId ? await bot.Contact.find({ id: m.contactId }) : undefined;
      if (contact) contacts.push(contact);
      else byName.push(`@${m.name}`);
    }
    await room.say(byName.length ? `${byName.join(' ')} ${text}` : text, ...contacts);
  };
}

/** A location message's place; null when the puppet cannot read it (wechat4u) or its coordinates are unusable. */
async function placeOf(msg: Message): Promise<Place | null> {
  try {
    // Straight from the puppet: Wechaty 1.20's `message.toLocation()` builds its Location with the
    // un-wechatified class and always throws ("WUC can not be instantiated directly").
    return checkPlace(await msg.wechaty.puppet.messageLocation(msg.id));
  } catch {
    return null;
  }
}

/**
 * Starts this instance's share of the bot fleet: seeds the accounts BOT_ACCOUNTS asks for,
 * then serves the accounts its leases give it (`FleetLeases`), each with its own Wechaty and
 * outbox worker: the demo world's mock accounts when WECHATY_PUPPET is unset (or
 * `wechaty-puppet-mock`), else accounts on wechat4u (QR login) or the service puppet (a token
 * each). `hooks` hear of every message sent, failed for good or undeliverable.
 */
export async function startBots(app: AppDeps, photos: PhotoService, hooks: DeliveryHooks = NO_DELIVERY_HOOKS): Promise<BotRuntime> {
  const log = app.log.child({ component: 'bot' });
  const accounts = new Map<string, Account>();
  const sent = new EventEmitter<{ sent: [SentEvent] }>();
  const kickAll = () => {
    for (const a of accounts.values()) a.worker.kick();
  };
  const inbox = new BotInbox(app, photos, undefined, kickAll);
  const puppet = app.config.puppet ?? 'wechaty-puppet-mock';
  const demoMode = puppet === 'wechaty-puppet-mock';
  const policy: OutboxPolicy = {
    ...(demoMode ? DEMO_POLICY : REAL_ACCOUNT_POLICY),
    ...(app.config.botSendIntervalMs !== undefined ? { intervalMs: app.config.botSendIntervalMs } : {}),
  };
  const pacing = pacingFor(app, puppet);
  const marks = new OutboxMarks(app, hooks);
  const instanceId = newInstanceId();
  const fleetRepo = () => new FleetRepository(app.orm.em.fork());
  const day = () => dayKey(app.clock.now(), app.config.timeZone);

  const seeds = seededAccounts(app, puppet);
  await fleetRepo().seed(seeds, app.clock.now());
  let demo: DemoWorld | null = null;
  if (demoMode) {
    demo = new DemoWorld(app);
    const populated = await demo.populate();
    // Every demo account sits in every demo group.
    await fleetRepo().joinAllGroups(seeds.map((a) => a.name), DEMO_ROOM.prefix, app.clock.now());
    app.log.info({ ...populated, accounts: seeds.length }, 'demo mode: every grid has its mock WeChat group with the demo accounts in it');
  } else {
    // A database that once ran the demo would keep its grids bound to mock groups.
    const retired = await createScope(app, OPERATOR).bindings.retireDemo(DEMO_ACCOUNT);
    if (retired.groups || retired.contacts || retired.messages) log.warn(retired, 'demo mode bindings removed: bind the real groups with #绑定群 or bindGroup');
  }

  const host: AccountHost = {
    async serve(acc, mayServe) {
      const name = acc.name;
      const setFleetState = (state: BotAccountState, until: Date | null = null) =>
        fleetRepo().setState(instanceId, name, state, until).catch((err: unknown) => log.warn({ bot: name, err }, 'could not record the account state'));
      let bot: WechatyInterface;
      let startDemo: (() => Promise<void>) | null = null;
      if (demo) {
        const built = demo.account(name);
        bot = built.bot;
        startDemo = () => built.start();
      } else {
        const tokenIndex = /^token:(\d+)$/.exec(acc.credentialsRef ?? '');
        const token = tokenIndex ? app.config.puppetServiceTokens[Number(tokenIndex[1]) - 1] : undefined;
        const memory = /^memory:(.+)$/.exec(acc.credentialsRef ?? '');
        bot = WechatyBuilder.build({
          name: memory ? memory[1]! : `gridhub-${name}`,
          puppet: acc.puppet as never,
          ...(acc.puppet === 'wechaty-puppet-service' && token ? { puppetOptions: { token } } : {}),
        });
      }
      const status: BotAccountStatus = { name, puppet: acc.puppet, state: 'starting', user: null, qr: null, since: app.clock.now(), error: null };
      // Sends only while this instance holds the lease and the account is logged in: a logged-out
      // account's worker gives its batch back, and its groups' messages go to the other accounts in them.
      const sending = () => mayServe() && status.state === 'logged_in';
      const worker = new OutboxWorker(app, name, sendVia(bot), policy, undefined, { pacing, marks, mayServe: sending, sentToday: acc.sendsDay === day() ? acc.sendsToday : 0 });
      worker.on('sent', (e) => sent.emit('sent', e));
      worker.on('rateLimited', (until) => void setFleetState('rate_limited', until));
      worker.on('resumed', () => void setFleetState('online'));
      const account: Account = { status, bot, worker };
      const set = (state: BotState, patch: Partial<BotAccountStatus> = {}) => {
        Object.assign(status, { state, since: app.clock.now(), ...patch });
        void setFleetState(FLEET_STATE[state]);
      };
      const serveNow = async () => {
        if (!demo) {
          // The groups it is in: messages to them may now go through it.
          const rooms = await bot.Room.findAll().catch(() => []);
          await fleetRepo().joinGroups(name, rooms.map((r) => r.id), app.clock.now());
        }
        // Stored and spooled messages are taken up now and in the inbox's retry loop.
        inbox.serve(name);
        worker.start();
      };
      bot.on('scan', (qr, scanStatus) => {
        set('scan', { qr });
        log.info({ bot: name, scanStatus }, `scan the QR code to log in bot ${name} (also at /bot/login)`);
        QRCode.toString(qr, { type: 'terminal', small: true }).then((art) => process.stdout.write(`bot ${name}: scan to log in\n${art}\n`), () => {});
      });
      bot.on('login', (user) => {
        set('logged_in', { user: user.name(), qr: null, error: null });
        log.info({ bot: name, user: user.name() }, 'bot logged in');
        if (!demo) serveNow().catch((err: unknown) => log.error({ bot: name, err }, 'could not start serving'));
      });
      bot.on('logout', (user, reason) => {
        const stopping = status.state === 'stopped';
        set(stopping ? 'stopped' : 'logged_out');
        if (stopping) log.info({ bot: name }, 'bot stopped');
        else log.warn({ bot: name, user: user.name(), reason }, 'bot logged out: its groups are served by the other accounts in them');
      });
      bot.on('error', (err) => {
        status.error = err.message;
        log.error({ bot: name, err }, 'bot error');
      });
      bot.on('message', (msg) => {
        onMessage(name, msg).catch((err: unknown) => log.error({ bot: name, err }, 'could not take a message'));
      });
      accounts.set(name, account);
      if (startDemo) {
        await startDemo();
        await serveNow();
      } else {
        await bot.start();
      }
    },
    async drop(name) {
      const a = accounts.get(name);
      if (!a) return;
      accounts.delete(name);
      inbox.unserve(name);
      a.status.state = 'stopped';
      await a.worker.stop();
      await a.bot.stop().catch((err: unknown) => log.warn({ err }, 'bot stop failed'));
      demo?.forget(name);
    },
  };

  const onMessage = async (name: string, msg: Message) => {
    if (msg.self()) return;
    const room = msg.room();
    const talker = msg.talker();
    const type = msg.type();
    const { Text, Image, Location } = msg.wechaty.Message.Type;
    const place = type === Location ? await placeOf(msg) : null;
    const kind = type === Text ? 'text' : type === Image ? 'image' : place ? 'location' : 'other';
    await inbox.receive({
      botAccount: name,
      messageId: msg.id,
      // A direct message to the bot (a department's contact, a resident's verdict): its "room" is the sender.
      roomId: room?.id ?? talker.id,
      roomTopic: room ? await room.topic().catch(() => null) : null,
      senderId: talker.id,
      senderName: talker.name(),
      kind,
      text: kind === 'text' ? msg.text() : '',
      readMedia: async () => (await msg.toFileBox()).toBuffer(),
      place,
    });
  };

  const fleet = new FleetLeases(app, instanceId, puppet, host, marks);
  const onSent = (listener: (e: SentEvent) => void) => {
    sent.on('sent', listener);
    return () => void sent.off('sent', listener);
  };
  try {
    await fleet.start();
  } catch (err) {
    await fleet.stop().catch(() => {});
    throw err;
  }
  demo?.attach({ inbox, onSent, kick: kickAll });

  return {
    inbox,
    demo,
    fleet,
    status: () => [...accounts.values()].map((a) => ({ ...a.status })),
    worker: (name) => accounts.get(name)?.worker,
    onSent,
    async stop() {
      await inbox.stop();
      await fleet.stop();
      await marks.close();
    },
  };
}
