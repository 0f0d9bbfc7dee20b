import { Semaphore } from './semaphore';

describe('Semaphore', () => {
  it('lets waiters in, in order, as slots are released', async () => {
    const semaphore = new Semaphore(1);
    const order: string[] = [];
    const first = await semaphore.acquire();
    const second = semaphore.acquire().then(release => {
      order.push('second');
      return release;
    });
    const third = semaphore.acquire().then(release => {
      order.push('third');
      return release;
    });
    await new Promise(r => setImmediate(r));
    expect(order).toEqual([]);
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    // All slots are free again: two releases of one slot count once.
    first();
    const again = await semaphore.acquire();
    again();
  });

  it('drops a waiter whose signal aborts, without losing the slot', async () => {
    const semaphore = new Semaphore(1);
    const held = await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    held();
    const next = await semaphore.acquire();
    next();
  });
});
