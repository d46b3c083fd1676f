/**
 * Environment → typed, validated configuration. Imports nothing from src so that every
 * process role can read it first and fail fast with one line naming the bad variable.
 */

export type Role = 'api' | 'worker' | 'all';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  role: Role;
  host: string;
  port: number;
  /** Postgres connection string; undefined means "start the embedded Postgres". */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: LogLevel;
  publicUrl: string;
  maxBodyBytes: number;
  graphql: { maxDepth: number; maxAliases: number; maxCost: number; maxTokens: number };
  rateLimitPerMinute: number;
  /** Process-wide maximum of Postgres connections used by Prisma. */
  dbPoolSize: number;
  /** Postgres connections of the job queue (pg-boss) per process. */
  jobsPoolSize: number;
  /**
   * Addresses each wallet keeps derived ahead of demand. Invoices take from this pool; a worker
   * refills it when it falls to half. Size it for the largest burst of invoices expected
   * between refills (a refill derives ~4,000 addresses per second per core).
   */
  addressPoolSize: number;
  /** JSON file listing chains, assets and rate sources; undefined means the local dev chain. */
  chainsConfigPath: string | undefined;
  webhooks: WebhooksConfig;
}

export interface WebhooksConfig {
  /**
   * Deliver to private, loopback, link-local and other non-public addresses. Off by default so a
   * store cannot point Kassa at its operator's own network (SSRF); tests and local development
   * turn it on.
   */
  allowPrivateAddresses: boolean;
  /** How long one attempt may take, connection and answer included. */
  timeoutMs: number;
  /** How long a delivery is retried (from its event) before it fails for good. */
  retryForMs: number;
  /** How long an endpoint may fail without a single success before it is disabled. */
  disableAfterMs: number;
}

/** A configuration problem, reported as one line that names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly variable: string;
  constructor(variable: string, problem: string) {
    super(`${variable} ${problem}`);
    this.variable = variable;
  }
}

type Env = Record<string, string | undefined>;

const HOUR_MS = 3_600_000;

function str(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw.trim());
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const value = str(env, name, fallback);
  if (!allowed.includes(value as T))
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${value}")`);
  return value as T;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol))
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got ${parsed.protocol})`);
  return value;
}

/** Reads and validates the configuration; throws ConfigError on the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  // 0 asks the OS for a free port (tests, benchmarks).
  const port = int(env, 'PORT', 4000, 0, 65535);
  const host = str(env, 'HOST', '127.0.0.1');
  return {
    role: oneOf(env, 'KASSA_ROLE', 'all', ['api', 'worker', 'all'] as const),
    host,
    port,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    dataDir: str(env, 'KASSA_DATA_DIR', '.kassa'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ] as const),
    publicUrl:
      url(env, 'KASSA_PUBLIC_URL', ['http:', 'https:']) ??
      `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
    maxBodyBytes: int(env, 'KASSA_MAX_BODY_BYTES', 1_048_576, 1024, 104_857_600),
    graphql: {
      maxDepth: int(env, 'KASSA_GRAPHQL_MAX_DEPTH', 12, 2, 100),
      maxAliases: int(env, 'KASSA_GRAPHQL_MAX_ALIASES', 30, 1, 1000),
      maxCost: int(env, 'KASSA_GRAPHQL_MAX_COST', 5000, 10, 1_000_000),
      maxTokens: int(env, 'KASSA_GRAPHQL_MAX_TOKENS', 2000, 100, 100_000),
    },
    rateLimitPerMinute: int(env, 'KASSA_RATE_LIMIT_PER_MINUTE', 1200, 1, 10_000_000),
    dbPoolSize: int(env, 'KASSA_DB_POOL_SIZE', 20, 1, 1000),
    jobsPoolSize: int(env, 'KASSA_JOBS_POOL_SIZE', 6, 2, 100),
    addressPoolSize: int(env, 'KASSA_ADDRESS_POOL_SIZE', 1000, 20, 1_000_000),
    chainsConfigPath: env.KASSA_CHAINS_CONFIG || undefined,
    webhooks: {
      allowPrivateAddresses: bool(env, 'KASSA_WEBHOOK_ALLOW_PRIVATE', false),
      timeoutMs: int(env, 'KASSA_WEBHOOK_TIMEOUT_SECONDS', 10, 1, 60) * 1000,
      retryForMs: int(env, 'KASSA_WEBHOOK_RETRY_HOURS', 72, 1, 720) * HOUR_MS,
      disableAfterMs: int(env, 'KASSA_WEBHOOK_DISABLE_AFTER_HOURS', 72, 1, 720) * HOUR_MS,
    },
  };
}
