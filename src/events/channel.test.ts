import { describe, expect, it, vi } from 'vitest';
import { createChannel } from './channel.ts';

describe('createChannel', () => {
  it('hands out values pushed before they were asked for, in order', async () => {
    const channel = createChannel<number>();
    channel.push(1);
    channel.push(2);
    expect(await channel.next()).toEqual({ value: 1, done: false });
    expect(await channel.next()).toEqual({ value: 2, done: false });
  });

  it('resolves a waiting next() with the next push', async () => {
    const channel = createChannel<string>();
    const pending = channel.next();
    channel.push('a');
    expect(await pending).toEqual({ value: 'a', done: false });
  });

  it('resolves several waiting next() calls in order with the next pushes', async () => {
    const channel = createChannel<number>();
    const first = channel.next();
    const second = channel.next();
    channel.push(1);
    channel.push(2);
    expect(await Promise.all([first, second])).toEqual([
      { value: 1, done: false },
      { value: 2, done: false },
    ]);
  }, 2000);

  it('ends every waiting next() when closed, and answers done from then on', async () => {
    const channel = createChannel<number>();
    const first = channel.next();
    const second = channel.next();
    channel.close();
    expect(await first).toEqual({ value: undefined, done: true });
    expect(await second).toEqual({ value: undefined, done: true });
    expect(await channel.next()).toEqual({ value: undefined, done: true });
  }, 2000);

  it('ignores pushes after close and drops what was buffered', async () => {
    const channel = createChannel<number>();
    channel.push(1);
    channel.close();
    channel.push(2);
    expect(await channel.next()).toEqual({ value: undefined, done: true });
  });

  it('runs onClose exactly once, whoever closes and however often', async () => {
    const onClose = vi.fn();
    const channel = createChannel<number>(onClose);
    channel.close();
    channel.close();
    await channel.return!();
    await expect(channel.throw!(new Error('x'))).rejects.toThrow('x');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('closes on return(), as when a subscriber goes away', async () => {
    const onClose = vi.fn();
    const channel = createChannel<number>(onClose);
    const pending = channel.next();
    expect(await channel.return!()).toEqual({ value: undefined, done: true });
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('closes on throw() and rejects with the error', async () => {
    const onClose = vi.fn();
    const channel = createChannel<number>(onClose);
    await expect(channel.throw!(new Error('consumer failed'))).rejects.toThrow('consumer failed');
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(await channel.next()).toEqual({ value: undefined, done: true });
  });

  it('works with for await: breaking out of the loop closes the channel', async () => {
    const onClose = vi.fn();
    const channel = createChannel<number>(onClose);
    for (const n of [1, 2, 3]) channel.push(n);
    const seen: number[] = [];
    for await (const n of channel) {
      seen.push(n);
      if (n === 2) break;
    }
    expect(seen).toEqual([1, 2]);
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('ends a for await loop when the producer closes', async () => {
    const channel = createChannel<number>();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const n of channel) seen.push(n);
    })();
    channel.push(1);
    // Let the loop take the first value before the producer closes.
    await vi.waitFor(() => expect(seen).toEqual([1]));
    channel.close();
    await loop;
    expect(seen).toEqual([1]);
  });
});
