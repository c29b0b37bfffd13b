# One asyncio TCP server, many clients at once: each connection is its own task,
# and each task gives its client TIMEOUT seconds to send its next line.
import asyncio

TIMEOUT = 3
active = 0


async def handle(reader, writer):
    global active
    peer = writer.get_extra_info('peername')[0]
    active += 1
    print(peer, 'connected (%d at once)' % active)
    served = 0
    try:
        while True:
            line = await asyncio.wait_for(reader.readline(), TIMEOUT)
            if not line:
                break
            served += 1
            writer.write(line.upper())
            await writer.drain()
    except asyncio.TimeoutError:
        print(peer, 'said nothing for', TIMEOUT, 's')
        writer.write(b'idle for %d s: bye\n' % TIMEOUT)
        await writer.drain()
    active -= 1
    print(peer, 'done after %d line%s' % (served, '' if served == 1 else 's'))
    writer.close()
    await writer.wait_closed()


async def main():
    await asyncio.start_server(handle, '0.0.0.0', 7000)
    print('asyncio server on port 7000')
    while True:
        await asyncio.sleep(60)


asyncio.run(main())
