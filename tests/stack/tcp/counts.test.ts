/** The data path's counts show in the record as in-place bumps would have left it. */
import { bump, type Counters } from '../../../stack/contracts';
import { HotCounts } from '../../../stack/tcp/counts';

test('keys in the order first counted, values as bumped, a zero-byte count present', () => {
  const record: Counters = {};
  const hot = new HotCounts(record);
  const plain: Counters = {};
  hot.rxSegment();
  plain.rxSegments = (plain.rxSegments ?? 0) + 1;
  bump(record, 'rxOutOfWindow');
  bump(plain, 'rxOutOfWindow');
  hot.sent(0); // a FIN without data still counts txData
  plain.txData = (plain.txData ?? 0) + 0;
  for (let i = 0; i < 3; i++) {
    hot.txSegment();
    plain.txSegments = (plain.txSegments ?? 0) + 1;
    hot.received(1460);
    plain.rxData = (plain.rxData ?? 0) + 1460;
  }
  const out = hot.flush();
  expect(out).toBe(record);
  expect(Object.entries(out)).toEqual(Object.entries(plain));
});
