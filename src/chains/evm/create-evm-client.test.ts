import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Anvil, startAnvil } from '../../../test/support/anvil.ts';
import type { EvmChainConfig } from '../chains-config.ts';
import { createEvmClient } from './create-evm-client.ts';
import { createEvmHeadsClient } from './create-evm-heads-client.ts';
import { getEvmBlockRef, getEvmTip } from './scan-evm-blocks.ts';

let anvil: Anvil;
let chain: Pick<EvmChainConfig, 'name' | 'chainId' | 'backend'>;

beforeAll(async () => {
  anvil = await startAnvil({ chainId: 1337 });
  chain = {
    name: 'local',
    chainId: 1337,
    backend: { kind: 'rpc', url: anvil.url, wsUrl: anvil.wsUrl },
  };
});
afterAll(() => anvil?.stop());

describe('EVM clients from the chain configuration', () => {
  it('reads over HTTP with nothing cached: the tip moves as soon as a block is mined', async () => {
    const client = createEvmClient(chain);
    expect(client.chain.id).toBe(1337);
    expect(await client.getChainId()).toBe(1337);
    const tip = await getEvmTip(client);
    await anvil.mine(2);
    expect(await getEvmTip(client)).toBe(tip + 2n);
  });

  it('gives block refs by number, and null past the tip', async () => {
    const client = createEvmClient(chain);
    const tip = await getEvmTip(client);
    const ref = await getEvmBlockRef(client, tip);
    const parent = await getEvmBlockRef(client, tip - 1n);
    expect(ref).toEqual({
      number: tip,
      hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
      parentHash: parent?.hash,
    });
    expect(await getEvmBlockRef(client, tip + 1n)).toBeNull();
  });

  it('does not retry a failed request (the watcher retries)', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      response.writeHead(503).end('busy');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const client = createEvmClient({ ...chain, backend: { kind: 'rpc', url: `http://127.0.0.1:${port}` } });
      await expect(getEvmTip(client)).rejects.toThrow(/503|busy|HTTP request failed/);
      expect(requests).toBe(1);
    } finally {
      server.close();
    }
  });

  it('subscribes to new heads over the WebSocket URL, and has no heads client without one', async () => {
    expect(createEvmHeadsClient({ ...chain, backend: { kind: 'rpc', url: anvil.url } })).toBeNull();
    const heads = createEvmHeadsClient(chain)!;
    const seen: bigint[] = [];
    const unwatch = heads.watchBlockNumber({ onBlockNumber: (n) => seen.push(n), onError: () => {} });
    try {
      // The subscription is set up asynchronously: mine until a head arrives.
      const deadline = Date.now() + 5000;
      while (seen.length === 0 && Date.now() < deadline) {
        await anvil.mine(1);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.at(-1)).toBe(await getEvmTip(createEvmClient(chain)));
    } finally {
      unwatch();
      (await heads.transport.getRpcClient()).close();
    }
  });
});
