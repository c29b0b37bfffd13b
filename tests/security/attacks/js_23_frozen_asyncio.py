# attack: the build's own frozen asyncio schedules through JS (setTimeout, promises): drop /.frozen (our modules) and run it
# family: js
# expect: violation
import sys
for n in ('asyncio', 'js', 'jsffi'):
    sys.modules.pop(n, None)
sys.path[:] = [p for p in sys.path if p != '/.frozen']
import asyncio
async def main():
    await asyncio.sleep_ms(1)
    print('ESCAPED: asyncio ran on JS timers')
t = asyncio.create_task(main())
asyncio.get_event_loop().run_forever()
