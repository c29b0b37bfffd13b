# button_irq.py -- a button on GPIO 14 watched by an interrupt (Pin.irq), the LED on GPIO 2
# blinked by a hardware timer (machine.Timer). Each press switches the blinking off or on.
#
# The button connects GPIO 14 to GND: the internal pull-up makes the pin read 1, a press
# pulls it to 0, letting go brings it back to 1. The contacts bounce for a few milliseconds,
# so one press (and one release) gives several edges. The interrupt handler only notes that
# an edge came and when; the main loop waits until the pin has been quiet for 50 ms, then
# reads the settled level: a change from 1 to 0 is one press.
import time
from machine import Pin, Timer

DEBOUNCE_MS = 50

led = Pin(2, Pin.OUT, value=0)
button = Pin(14, Pin.IN, Pin.PULL_UP)

edges = 0          # every edge the interrupt saw (falling and rising)
last_edge_ms = 0   # when the last one came
blinking = True


def on_edge(pin):
    # Runs for each edge, soon after it. Keep it short: note it, the main loop does the rest.
    global edges, last_edge_ms
    edges += 1
    last_edge_ms = time.ticks_ms()


def on_timer(t):
    # Every 250 ms: toggle the LED while blinking.
    if blinking:
        led.value(not led.value())


button.irq(trigger=Pin.IRQ_FALLING | Pin.IRQ_RISING, handler=on_edge)
blink = Timer(0)
blink.init(period=250, mode=Timer.PERIODIC, callback=on_timer)
print('ready: press the button (GPIO 14) to stop or start the blinking')

settled = button.value()   # 1: released
seen = 0                   # edges already looked at
presses = 0
while True:
    if edges != seen and time.ticks_diff(time.ticks_ms(), last_edge_ms) >= DEBOUNCE_MS:
        seen = edges
        level = button.value()
        if level != settled:
            settled = level
            if level == 0:
                presses += 1
                blinking = not blinking
                if not blinking:
                    led.value(0)
                print('presses: %d (edges so far: %d), blinking %s' % (presses, edges, 'on' if blinking else 'off'))
    time.sleep_ms(10)
