import { OutboxMarks } from '../../src/bots/outbox-marks';
import { OutboxWorker } from '../../src/bots/outbox-worker';
import { DEMO_POLICY } from '../../src/domain/outbox-policy';
import { DeliveryLedger } from '../../src/services/delivery-ledger.service';
import type { Hub } from '../setup/hub';

/**
 * Sends what is due in the outbox of `botAccount` (the account `bindGroups` binds) through the
 * real outbox worker, as if WeChat took every message, or refused the rooms `refuse` names
 * (one attempt each: refused means failed for good), with the delivery ledger as its hooks as
 * the bot runtime wires it. Returns how many messages were tried.
 */
export function deliverOutbox(hub: Hub, opts: { botAccount?: string; refuse?: (roomId: string) => boolean } = {}): Promise<number> {
  const worker = new OutboxWorker(
    hub.deps,
    opts.botAccount ?? 'bot-test',
    async (roomId) => {
      if (opts.refuse?.(roomId)) throw new Error(`WeChat refused ${roomId}`);
    },
    { ...DEMO_POLICY, maxAttempts: 1 },
    undefined,
    { marks: new OutboxMarks(hub.deps, new DeliveryLedger(hub.deps)) },
  );
  return worker.drain();
}
