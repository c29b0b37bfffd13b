/**
 * The send queue's ring: any sequence of writes (parts of a caller's array),
 * acknowledgements and segment reads gives the bytes a plain list of the
 * unacknowledged bytes would, across the ring's end and while it grows; and a
 * write is a copy (changing the caller's array later changes nothing queued).
 */
import fc from 'fast-check';
import { SendQueue } from '../../../stack/tcp/tcb';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) & 255);
const alloc = (n: number) => new Uint8Array(n);

type Op = { kind: 'push'; n: number; from: number } | { kind: 'ack'; n: number } | { kind: 'read'; off: number; len: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('push' as const), n: fc.integer({ min: 0, max: 3000 }), from: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant('ack' as const), n: fc.integer({ min: 0, max: 4000 }) }),
  fc.record({ kind: fc.constant('read' as const), off: fc.nat(), len: fc.integer({ min: 1, max: 1460 }) }),
);

test('reads give the bytes written and not yet acknowledged, in order', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
      const q = new SendQueue();
      let model: number[] = [];
      let seed = 0;
      for (const o of ops) {
        if (o.kind === 'push') {
          const src = bytes(o.from + o.n + 5, seed++);
          q.push(src, o.from, o.from + o.n);
          model.push(...src.subarray(o.from, o.from + o.n));
          src.fill(0xee); // the queue holds its own copy
        } else if (o.kind === 'ack') {
          const n = Math.min(o.n, model.length);
          q.consume(n);
          model = model.slice(n);
        } else if (model.length > 0) {
          const off = o.off % model.length;
          const len = Math.min(o.len, model.length - off);
          expect([...q.read(off, len, alloc)]).toEqual(model.slice(off, off + len));
        }
        expect(q.length).toBe(model.length);
      }
    }),
  );
});

test('a write of the whole array, and reads across the end of the ring', () => {
  const q = new SendQueue();
  q.push(bytes(1000, 1));
  q.consume(900);
  q.push(bytes(600, 2)); // 700 bytes from ring index 900 of 1024: wraps
  const want = [...bytes(1000, 1).subarray(900), ...bytes(600, 2)];
  expect([...q.read(0, 700, alloc)]).toEqual(want);
  expect([...q.read(50, 200, alloc)]).toEqual(want.slice(50, 250));
  q.push(bytes(5000, 3)); // grows, keeping the order
  expect([...q.read(0, 700, alloc)]).toEqual(want);
  expect([...q.read(700, 5000, alloc)]).toEqual([...bytes(5000, 3)]);
});
