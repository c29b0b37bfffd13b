# attack: find the host's SharedArrayBuffer (memory figure, state and exit words) in wasm memory by its canary and overwrite it; scans until the end of memory traps
# family: forge
# expect: crash /^VM error: the VM trapped/
# out: /scanned \d+ KiB; canary found at: \[\]/
import uctypes, struct, time
P = struct.pack('<i', 0x5AFE5AFE)  # the host put it twice in a row in spare SAB words; every copy of P here ends in a NUL
hits = []
addr = 0
step = 16384
while True:
    chunk = bytes(uctypes.bytearray_at(addr, step + 8))
    i = chunk.find(P)
    while 0 <= i < step:
        if chunk[i + 4:i + 8] == P:
            hits.append(addr + i)
        i = chunk.find(P, i + 1)
    chunk = None  # the next copy needs 16 KiB in one piece: free this one first (the heap is the board's 192 KiB)
    addr += step
    print('scanned %d KiB; canary found at: %s' % (addr >> 10, hits))
    if hits:
        print('ESCAPED: SAB visible in wasm memory')
        uctypes.struct(hits[0] - 64, {'w': (uctypes.ARRAY | 0, uctypes.INT32 | 32)}).w[14] = 0
        break
    time.sleep_ms(0)
