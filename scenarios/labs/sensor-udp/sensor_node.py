# sensor_node.py -- reads the DHT22 on GPIO 4 about every 2 seconds and sends each reading to
# the collector on the PC as one UDP datagram: "seq=3 t=22.5 C h=45.0 %".
#
# A DHT22 needs 2 s between two readings (a DHT11: 1 s). Asked earlier it does not answer
# and measure() raises OSError ETIMEDOUT: the script shows that once at the start.
import socket
import time
import dht
from machine import Pin

COLLECTOR = ('192.168.1.20', 5005)

sensor = dht.DHT22(Pin(4))
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

time.sleep(1)          # the sensor's own start-up time after power-on
sensor.measure()
print('first reading: %.1f C, %.1f %%' % (sensor.temperature(), sensor.humidity()))
try:
    sensor.measure()   # again at once: too soon
except OSError as e:
    print('too soon:', e)

seq = 0
while True:
    time.sleep(2)      # 2 s, plus the reading itself (about 0.27 s): never too soon
    try:
        sensor.measure()
    except OSError as e:
        print('sensor error:', e)
        continue
    seq += 1
    msg = 'seq=%d t=%.1f C h=%.1f %%' % (seq, sensor.temperature(), sensor.humidity())
    sock.sendto(msg.encode(), COLLECTOR)
    print('sent', msg)
