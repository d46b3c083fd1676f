import pg from 'pg';
import { type Channel, createChannel } from './channel.ts';

export interface BusEvent {
  id: bigint;
  topic: string;
  storeId: string | null;
  payload: Record<string, unknown>;
  createdAt: Date;
}

interface Logger {
  warn(obj: object, msg: string): void;
}

const CHANNEL = 'kassa_events';

export interface EventBusOptions {
  /** How often to read the event table without a notification: polling is the truth. */
  pollIntervalMs?: number;
  /**
   * How long a missing id is waited for. Ids come from a sequence, so a transaction that took
   * id 10 may commit after one that took 11; a rolled-back one leaves a gap forever.
   */
  gapTimeoutMs?: number;
}

/**
 * Fans events out to this process's subscribers. Events are rows of "Event" written in their
 * cause's transaction by any process; a NOTIFY after commit is only a latency hint, and a poll
 * every `pollIntervalMs` catches anything whose hint was lost (publisher died after commit,
 * listener reconnecting). Each event is dispatched once per process, in id order per fetch.
 */
export class EventBus {
  readonly #pool: pg.Pool;
  readonly #databaseUrl: string;
  readonly #log: Logger;
  readonly #pollIntervalMs: number;
  readonly #gapTimeoutMs: number;
  readonly #listeners = new Map<string, Set<Channel<BusEvent>>>();
  #listener: pg.Client | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #notifyScheduled = false;
  #notifying = false;
  #running = false;
  #fetching: Promise<void> | undefined;
  #fetchAgain = false;
  /** Every id ≤ cursor has been dispatched or given up on. */
  #cursor = 0n;
  #maxSeen = 0n;
  #seenAboveCursor = new Set<bigint>();
  #missingSince = new Map<bigint, number>();

  constructor(pool: pg.Pool, databaseUrl: string, log: Logger, options: EventBusOptions = {}) {
    this.#pool = pool;
    this.#databaseUrl = databaseUrl;
    this.#log = log;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.#gapTimeoutMs = options.gapTimeoutMs ?? 10_000;
  }

  /** Starts listening; only events committed from now on are dispatched. */
  async start(): Promise<void> {
    const { rows } = await this.#pool.query<{ max: string | null }>('SELECT max(id) AS max FROM "Event"');
    this.#cursor = BigInt(rows[0].max ?? 0);
    this.#maxSeen = this.#cursor;
    this.#running = true;
    await this.#connectListener();
    this.#pollTimer = setInterval(() => this.#requestFetch(), this.#pollIntervalMs);
    this.#pollTimer.unref();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearInterval(this.#pollTimer);
    for (const set of this.#listeners.values()) for (const channel of set) channel.close();
    this.#listeners.clear();
    await this.#fetching;
    await this.#listener?.end().catch(() => {});
    this.#listener = undefined;
  }

  /** Events of one topic from now on; `return()` on the iterator unsubscribes. */
  subscribe(topic: string): Channel<BusEvent> {
    let set = this.#listeners.get(topic);
    if (!set) {
      set = new Set();
      this.#listeners.set(topic, set);
    }
    const channel = createChannel<BusEvent>(() => {
      set.delete(channel);
      if (set.size === 0 && this.#listeners.get(topic) === set) this.#listeners.delete(topic);
    });
    set.add(channel);
    return channel;
  }

  /** How many subscriptions this process holds (for metrics). */
  get subscriberCount(): number {
    let n = 0;
    for (const set of this.#listeners.values()) n += set.size;
    return n;
  }

  /**
   * Call after a transaction that published events has committed. The NOTIFY is only a
   * latency hint (every process also polls): hints from one tick share one NOTIFY, and while
   * one is in flight the next waits for it, so a stream of commits costs at most one NOTIFY
   * per round trip instead of one per commit. A commit during the flight still gets a NOTIFY
   * sent after it.
   */
  notifyCommitted(): void {
    if (this.#notifyScheduled) return;
    this.#notifyScheduled = true;
    if (!this.#notifying) this.#sendNotify();
  }

  #sendNotify(): void {
    this.#notifying = true;
    setImmediate(() => {
      this.#notifyScheduled = false;
      this.#pool
        .query(`SELECT pg_notify('${CHANNEL}', '')`)
        .catch((error: Error) => {
          this.#log.warn({ err: error.message }, 'event notify failed; subscribers will poll');
        })
        .finally(() => {
          this.#notifying = false;
          if (this.#notifyScheduled) this.#sendNotify();
        });
    });
  }

  async #connectListener(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#databaseUrl });
    client.on('notification', () => this.#requestFetch());
    client.on('error', (error) => {
      this.#log.warn({ err: error.message }, 'event listener lost its connection; reconnecting');
      this.#listener = undefined;
      client.end().catch(() => {});
      if (this.#running) setTimeout(() => this.#reconnect(), 500).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.#listener = client;
  }

  #reconnect(): void {
    if (!this.#running || this.#listener) return;
    this.#connectListener()
      .then(() => this.#requestFetch())
      .catch(() => setTimeout(() => this.#reconnect(), 1000).unref());
  }

  #requestFetch(): void {
    if (!this.#running) return;
    if (this.#fetching) {
      this.#fetchAgain = true;
      return;
    }
    this.#fetching = this.#fetch()
      .catch((error: Error) => this.#log.warn({ err: error.message }, 'event fetch failed'))
      .finally(() => {
        this.#fetching = undefined;
        if (this.#fetchAgain) {
          this.#fetchAgain = false;
          this.#requestFetch();
        }
      });
  }

  async #fetch(): Promise<void> {
    const missing = [...this.#missingSince.keys()].map(String);
    const { rows } = await this.#pool.query<{
      id: string;
      topic: string;
      storeId: string | null;
      payload: Record<string, unknown>;
      createdAt: Date;
    }>(
      `SELECT id, topic, "storeId", payload, "createdAt" FROM "Event"
       WHERE id > $1 OR id = ANY($2::bigint[]) ORDER BY id LIMIT 5000`,
      [String(this.#maxSeen), missing],
    );
    for (const row of rows) {
      const id = BigInt(row.id);
      if (id <= this.#cursor || this.#seenAboveCursor.has(id)) continue;
      this.#seenAboveCursor.add(id);
      this.#missingSince.delete(id);
      if (id > this.#maxSeen) {
        for (let gap = this.#maxSeen + 1n; gap < id; gap++) {
          if (!this.#seenAboveCursor.has(gap)) this.#missingSince.set(gap, Date.now());
        }
        this.#maxSeen = id;
      }
      this.#dispatch({ ...row, id });
    }
    this.#advanceCursor();
    if (rows.length === 5000) this.#fetchAgain = true;
  }

  #advanceCursor(): void {
    const now = Date.now();
    while (this.#cursor < this.#maxSeen) {
      const next = this.#cursor + 1n;
      if (this.#seenAboveCursor.delete(next)) {
        this.#cursor = next;
        continue;
      }
      const since = this.#missingSince.get(next);
      if (since !== undefined && now - since < this.#gapTimeoutMs) break;
      this.#missingSince.delete(next);
      this.#cursor = next;
    }
  }

  #dispatch(event: BusEvent): void {
    const set = this.#listeners.get(event.topic);
    if (!set) return;
    for (const channel of set) channel.push(event);
  }
}
