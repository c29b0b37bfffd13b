/**
 * Threads started before the command loads (worker-start.ts): the first VM threads asked for are
 * those, in the order they were started; a test's probe thread and shared threads are always new.
 */
import { prestartVmThreads, vmWorker } from '../../../../devices/runtime/micropython/worker-start';
import type { Worker } from 'node:worker_threads';

const started: Worker[] = [];
afterAll(async () => {
  await Promise.all(started.map((w) => w.terminate()));
});

test('early threads are handed out first, oldest first, then new ones', () => {
  prestartVmThreads(2);
  const take = (...a: Parameters<typeof vmWorker>) => {
    const w = vmWorker(...a);
    started.push(w);
    return w;
  };
  const probe = take(1, { outerProbe: true });
  const a = take();
  const b = take();
  const c = take();
  // Thread ids are handed out as threads are started: the two early ones came before the probe's.
  expect(a.threadId).toBeLessThan(b.threadId);
  expect(b.threadId).toBeLessThan(probe.threadId);
  expect(c.threadId).toBeGreaterThan(probe.threadId);
});
