import { describe, expect, it } from 'vitest';
import { createUtxoBackend } from './create-utxo-backend.ts';

describe('createUtxoBackend', () => {
  it('builds the backend the chain configuration names', () => {
    expect(
      createUtxoBackend({ backend: { kind: 'bitcoind', url: 'http://u:p@127.0.0.1:18443/' } }).kind,
    ).toBe('bitcoind');
    expect(createUtxoBackend({ backend: { kind: 'esplora', url: 'http://127.0.0.1:3002' } }).kind).toBe(
      'esplora',
    );
  });

  it('refuses a kind it does not know', () => {
    const chain = { backend: { kind: 'electrum', url: 'tcp://x' } } as never;
    expect(() => createUtxoBackend(chain)).toThrow(/unknown UTXO backend kind electrum/);
  });
});
