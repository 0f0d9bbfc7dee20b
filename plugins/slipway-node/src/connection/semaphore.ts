/**
 * Limits how many things run at once; waiters are served in order and can give up through an
 * AbortSignal (a command that times out while queued never starts).
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.active < this.limit) {
      this.active++;
    } else {
      // release() hands its slot straight to a waiter, so the count does not change here.
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          grant: () => {
            signal?.removeEventListener('abort', waiter.giveUp);
            resolve();
          },
          giveUp: () => {
            this.waiting.splice(this.waiting.indexOf(waiter.grant), 1);
            reject(signal?.reason);
          },
        };
        this.waiting.push(waiter.grant);
        signal?.addEventListener('abort', waiter.giveUp, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}
