import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('loadConfig', () => {
  it('has working defaults for an empty environment (embedded Postgres, all roles, local port 4000)', () => {
    // Strict: a new setting must state its default here.
    expect(loadConfig({})).toStrictEqual({
      role: 'all',
      host: '127.0.0.1',
      port: 4000,
      databaseUrl: undefined,
      dataDir: '.kassa',
      logLevel: 'info',
      publicUrl: 'http://127.0.0.1:4000',
      maxBodyBytes: 1_048_576,
      graphql: { maxDepth: 12, maxAliases: 30, maxCost: 5000, maxTokens: 2000 },
      rateLimitPerMinute: 1200,
      dbPoolSize: 20,
      jobsPoolSize: 6,
      addressPoolSize: 1000,
      chainsConfigPath: undefined,
      webhooks: {
        allowPrivateAddresses: false,
        timeoutMs: 10_000,
        retryForMs: 72 * 3_600_000,
        disableAfterMs: 72 * 3_600_000,
      },
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', KASSA_ROLE: '', DATABASE_URL: '', LOG_LEVEL: '', HOST: '' })).toEqual(
      loadConfig({}),
    );
  });

  it('reads every variable', () => {
    const config = loadConfig({
      KASSA_ROLE: 'worker',
      HOST: '0.0.0.0',
      PORT: '8080',
      DATABASE_URL: 'postgresql://kassa@db:5432/kassa',
      KASSA_DATA_DIR: '/var/lib/kassa',
      LOG_LEVEL: 'debug',
      KASSA_MAX_BODY_BYTES: '2048',
      KASSA_GRAPHQL_MAX_DEPTH: '8',
      KASSA_GRAPHQL_MAX_ALIASES: '5',
      KASSA_GRAPHQL_MAX_COST: '100',
      KASSA_GRAPHQL_MAX_TOKENS: '500',
      KASSA_RATE_LIMIT_PER_MINUTE: '60',
      KASSA_DB_POOL_SIZE: '4',
      KASSA_CHAINS_CONFIG: 'config/mainnet.json',
      KASSA_WEBHOOK_ALLOW_PRIVATE: 'true',
      KASSA_WEBHOOK_TIMEOUT_SECONDS: '5',
      KASSA_WEBHOOK_RETRY_HOURS: '24',
      KASSA_WEBHOOK_DISABLE_AFTER_HOURS: '120',
    });
    expect(config).toEqual({
      role: 'worker',
      host: '0.0.0.0',
      port: 8080,
      databaseUrl: 'postgresql://kassa@db:5432/kassa',
      dataDir: '/var/lib/kassa',
      logLevel: 'debug',
      // Listening on every interface: the public URL names the machine as people reach it locally.
      publicUrl: 'http://localhost:8080',
      maxBodyBytes: 2048,
      graphql: { maxDepth: 8, maxAliases: 5, maxCost: 100, maxTokens: 500 },
      rateLimitPerMinute: 60,
      dbPoolSize: 4,
      jobsPoolSize: 6,
      addressPoolSize: 1000,
      chainsConfigPath: 'config/mainnet.json',
      webhooks: {
        allowPrivateAddresses: true,
        timeoutMs: 5_000,
        retryForMs: 24 * 3_600_000,
        disableAfterMs: 120 * 3_600_000,
      },
    });
  });

  it('takes KASSA_PUBLIC_URL as given, and PORT=0 (a free port) for tests', () => {
    expect(loadConfig({ KASSA_PUBLIC_URL: 'https://pay.example.com' }).publicUrl).toBe(
      'https://pay.example.com',
    );
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
    expect(loadConfig({ PORT: '65535' }).port).toBe(65535);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '80.5'],
    ['PORT', '1e3'],
    ['KASSA_ROLE', 'boss'],
    ['KASSA_ROLE', 'API'],
    ['DATABASE_URL', 'mysql://x'],
    ['DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['KASSA_PUBLIC_URL', 'ftp://example.com'],
    ['KASSA_MAX_BODY_BYTES', '100'],
    ['KASSA_GRAPHQL_MAX_DEPTH', '1'],
    ['KASSA_GRAPHQL_MAX_TOKENS', '99'],
    ['KASSA_RATE_LIMIT_PER_MINUTE', '0'],
    ['KASSA_DB_POOL_SIZE', '0'],
    ['KASSA_WEBHOOK_ALLOW_PRIVATE', 'yes'],
    ['KASSA_WEBHOOK_TIMEOUT_SECONDS', '0'],
    ['KASSA_WEBHOOK_RETRY_HOURS', '1000'],
  ])('refuses %s=%j with a ConfigError naming the variable', (variable, value) => {
    const error = refusal({ [variable]: value });
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable} `)).toBe(true);
    expect(error.message).not.toContain('\n');
  });

  it('does not echo a connection string, which may hold a password', () => {
    expect(refusal({ DATABASE_URL: 'mysql://root:s3cret@db/kassa' }).message).not.toContain('s3cret');
    expect(refusal({ DATABASE_URL: 's3cret' }).message).not.toContain('s3cret');
  });
});
