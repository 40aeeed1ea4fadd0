import { Kind, type OperationDefinitionNode } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** An operation's metric labels: its first root field (bounded by the schema, unlike client-chosen operation names) and its type. */
export function operationLabels(operation: OperationDefinitionNode | null | undefined): { operation: string; type: string } {
  const field = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  return { operation: field?.kind === Kind.FIELD ? field.name.value : 'unknown', type: operation ? String(operation.operation) : 'unknown' };
}

/**
 * Labels of `gridhub_outbox_depth`, in the order the outbox repository groups its pending
 * rows by: the delivery lane (domain/delivery-lanes.ts), the account and the kind. A new
 * dimension is one more name here and one more column in `OutboxRepository.depth`.
 */
export const OUTBOX_DEPTH_LABELS = ['priority', 'account', 'kind'] as const;
export type OutboxDepthRow = Record<(typeof OUTBOX_DEPTH_LABELS)[number], string> & { pending: number };

/** The database pool as the metrics show it. */
export interface PoolUsage {
  used: number;
  free: number;
  /** Statements waiting for a connection. */
  pending: number;
  max: number;
}

/** What the metrics read when scraped (the composition root wires them to the database). */
export interface MetricSources {
  outboxDepth(): Promise<OutboxDepthRow[]>;
  pool(): PoolUsage | null;
}

/** Seconds: from a millisecond GraphQL query to a stats query over a large subtree. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: a puppet send (WeChat paces accounts), and a job's run. */
const SLOW_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The hub's Prometheus metrics, on a registry of this hub's own (never prom-client's global
 * one), so several hubs in one process (the tests) each count their own. Names are documented
 * in README "Metrics"; GET /metrics (http/metrics.route.ts) serves them.
 */
export class HubMetrics {
  readonly registry = new Registry();

  /** GraphQL operations by root field, type and outcome (`ok` or the first error's code). */
  readonly operations = new Counter({
    name: 'gridhub_graphql_operations_total',
    help: 'GraphQL operations by root field (operation), type and outcome (ok or the error code)',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly operationSeconds = new Histogram({
    name: 'gridhub_graphql_operation_duration_seconds',
    help: 'GraphQL operation latency by root field and type',
    labelNames: ['operation', 'type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly websockets = new Gauge({ name: 'gridhub_websockets_open', help: 'Open GraphQL WebSocket connections', registers: [this.registry] });
  readonly subscriptions = new Gauge({
    name: 'gridhub_subscriptions_active',
    help: 'Active GraphQL subscriptions by root field',
    labelNames: ['field'] as const,
    registers: [this.registry],
  });
  readonly sendSeconds = new Histogram({
    name: 'gridhub_bot_send_duration_seconds',
    help: 'Time a bot account took to send one outbox message through its puppet, by outcome (sent, failed, rate_limited)',
    labelNames: ['account', 'outcome'] as const,
    buckets: SLOW_BUCKETS,
    registers: [this.registry],
  });
  readonly inbox = new Counter({
    name: 'gridhub_inbox_messages_total',
    help: 'Chat messages the bot inbox took up, by action (done, refused, spooled, retrying, failed, ...)',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly jobRuns = new Counter({
    name: 'gridhub_job_runs_total',
    help: 'Scheduled job runs by job and outcome (ok, failed, skipped: another instance held the lock)',
    labelNames: ['job', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly jobSeconds = new Histogram({
    name: 'gridhub_job_duration_seconds',
    help: 'Scheduled job run time by job',
    labelNames: ['job'] as const,
    buckets: SLOW_BUCKETS,
    registers: [this.registry],
  });

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    new Gauge({
      name: 'gridhub_outbox_depth',
      help: 'Outbox messages waiting to be sent, by delivery lane (priority), bot account and kind',
      labelNames: OUTBOX_DEPTH_LABELS,
      registers,
      async collect() {
        // With the database away the last values stand; /readyz says why.
        const rows = await sources.outboxDepth().catch(() => null);
        if (!rows) return;
        this.reset();
        for (const row of rows) this.set(Object.fromEntries(OUTBOX_DEPTH_LABELS.map((l) => [l, row[l]])) as Record<(typeof OUTBOX_DEPTH_LABELS)[number], string>, row.pending);
      },
    });
    new Gauge({
      name: 'gridhub_db_pool_connections',
      help: 'Database pool connections by state (used, free, pending: statements waiting for one; max: the pool size)',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const usage = sources.pool();
        if (!usage) return;
        for (const [state, n] of Object.entries(usage) as Array<[string, number]>) this.set({ state }, n);
      },
    });
    // Process metrics: CPU, memory, heap, handles, GC, and event-loop lag (nodejs_eventloop_lag_*).
    collectDefaultMetrics({ register: this.registry });
  }
}
