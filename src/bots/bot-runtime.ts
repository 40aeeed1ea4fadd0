import QRCode from 'qrcode';
import { WechatyBuilder, type Message, type Wechaty as WechatyInterface } from 'wechaty';
import { OPERATOR } from '../domain/actor.js';
import { DEMO_POLICY, REAL_ACCOUNT_POLICY, type OutboxPolicy } from '../domain/outbox-policy.js';
import type { PhotoService } from '../services/photo.service.js';
import { createDemoWorld, DEMO_ACCOUNT, type DemoWorld } from './demo-world.js';
import { createScope } from '../scope.js';
import type { BotAccountStatus, BotState, BotsPort } from '../services/bots.port.js';
import type { AppDeps } from '../services/context.js';
import { BotInbox } from './inbox.js';
import { OutboxWorker, type SendToRoom } from './outbox-worker.js';

interface Account {
  readonly status: BotAccountStatus;
  readonly bot: WechatyInterface;
  readonly worker: OutboxWorker;
}

/** The bots of one hub: accounts, the shared inbox, and the demo world in demo mode. The rest of the hub sees them as a `BotsPort`. */
export interface BotRuntime extends BotsPort {
  readonly inbox: BotInbox;
  readonly demo: DemoWorld | null;
  worker(name: string): OutboxWorker | undefined;
  stop(): Promise<void>;
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

/**
 * Starts the bot accounts WECHATY_PUPPET asks for: the demo world on the mock puppet when it
 * is unset (or `wechaty-puppet-mock`), else BOT_ACCOUNTS accounts on wechat4u (QR login) or
 * the service puppet (one token each). Each account has its own outbox worker.
 */
export async function startBots(app: AppDeps, photos: PhotoService): Promise<BotRuntime> {
  const log = app.log.child({ component: 'bot' });
  const accounts = new Map<string, Account>();
  const inbox = new BotInbox(app, photos, undefined, (name) => accounts.get(name)?.worker.kick());
  const puppet = app.config.puppet ?? 'wechaty-puppet-mock';
  const policy: OutboxPolicy = {
    ...(puppet === 'wechaty-puppet-mock' ? DEMO_POLICY : REAL_ACCOUNT_POLICY),
    ...(app.config.botSendIntervalMs !== undefined ? { intervalMs: app.config.botSendIntervalMs } : {}),
  };

  /** Resumes stored messages and starts sending: at login, or once the demo world is built. */
  const serve = (name: string, worker: OutboxWorker) => {
    inbox.resume(name).then((n) => n && log.info({ bot: name, resumed: n }, 'resumed stored messages'), (err: unknown) => log.error({ err }, 'resume failed'));
    worker.start();
  };

  const add = (name: string, bot: WechatyInterface, serveOnLogin: boolean): Account => {
    const status: BotAccountStatus = { name, puppet, state: 'starting', user: null, qr: null, since: app.clock.now(), error: null };
    const worker = new OutboxWorker(app, name, sendVia(bot), policy);
    const account: Account = { status, bot, worker };
    const set = (state: BotState, patch: Partial<BotAccountStatus> = {}) => Object.assign(status, { state, since: app.clock.now(), ...patch });
    bot.on('scan', (qr, scanStatus) => {
      set('scan', { qr });
      log.info({ bot: name, scanStatus }, `scan the QR code to log in bot ${name} (also at /bot/login)`);
      QRCode.toString(qr, { type: 'terminal', small: true }).then((art) => process.stdout.write(`bot ${name}: scan to log in\n${art}\n`), () => {});
    });
    bot.on('login', (user) => {
      set('logged_in', { user: user.name(), qr: null, error: null });
      log.info({ bot: name, user: user.name() }, 'bot logged in');
      if (serveOnLogin) serve(name, worker);
    });
    bot.on('logout', (user, reason) => {
      const stopping = status.state === 'stopped';
      set(stopping ? 'stopped' : 'logged_out');
      if (stopping) log.info({ bot: name }, 'bot stopped');
      else log.warn({ bot: name, user: user.name(), reason }, 'bot logged out');
    });
    bot.on('error', (err) => {
      status.error = err.message;
      log.error({ bot: name, err }, 'bot error');
    });
    bot.on('message', (msg) => {
      onMessage(name, msg).catch((err: unknown) => log.error({ bot: name, err }, 'could not take a message'));
    });
    accounts.set(name, account);
    return account;
  };

  const onMessage = async (name: string, msg: Message) => {
    if (msg.self()) return;
    const room = msg.room();
    if (!room) return;
    const talker = msg.talker();
    const type = msg.type();
    const kind = type === msg.wechaty.Message.Type.Text ? 'text' : type === msg.wechaty.Message.Type.Image ? 'image' : 'other';
    await inbox.receive({
      botAccount: name,
      messageId: msg.id,
      roomId: room.id,
      roomTopic: await room.topic().catch(() => null),
      senderId: talker.id,
      senderName: talker.name(),
      kind,
      text: kind === 'text' ? msg.text() : '',
      readMedia: async () => (await msg.toFileBox()).toBuffer(),
    });
  };

  let demo: DemoWorld | null = null;
  try {
    if (puppet === 'wechaty-puppet-mock') {
      const built = await createDemoWorld(app);
      demo = built.world;
      const account = add(DEMO_ACCOUNT, built.bot, false);
      await built.start();
      demo.attach(inbox, account.worker);
      // Only now do the demo groups exist to send to.
      serve(DEMO_ACCOUNT, account.worker);
    } else {
      // A database that once ran the demo would keep its grids bound to mock groups.
      const retired = await createScope(app, OPERATOR).bindings.retireDemo(DEMO_ACCOUNT);
      if (retired.groups || retired.contacts || retired.messages) log.warn(retired, 'demo mode bindings removed: bind the real groups with #绑定群 or bindGroup');
      for (let i = 1; i <= app.config.botAccounts; i++) {
        const name = `bot${i}`;
        const token = app.config.puppetServiceTokens[i - 1];
        const bot = WechatyBuilder.build({
          name: `gridhub-${name}`,
          puppet,
          ...(puppet === 'wechaty-puppet-service' && token ? { puppetOptions: { token } } : {}),
        });
        add(name, bot, true);
        await bot.start();
      }
    }
  } catch (err) {
    for (const a of accounts.values()) await a.bot.stop().catch(() => {});
    throw err;
  }

  return {
    inbox,
    demo,
    status: () => [...accounts.values()].map((a) => ({ ...a.status })),
    worker: (name) => accounts.get(name)?.worker,
    async stop() {
      for (const a of accounts.values()) {
        a.status.state = 'stopped';
        await a.worker.stop();
        await a.bot.stop().catch((err: unknown) => log.warn({ err }, 'bot stop failed'));
      }
    },
  };
}

