# An MQTT temperature sensor: publish a reading every 2 seconds.
# umqtt.robust reconnects by itself when the connection to the broker breaks.
import time
from umqtt.robust import MQTTClient

BROKER = 'broker'   # the router's DNS knows every device by its id
STATUS = b'sensors/esp32/status'
TOPIC = b'sensors/esp32/temperature'


class Sensor(MQTTClient):
    # After a reconnect, say again that we are online (the broker published our last will).
    def reconnect(self):
        super().reconnect()
        print('reconnected')
        self.publish(STATUS, b'online', retain=True)


c = Sensor('esp32-sensor', BROKER, keepalive=5)
c.DEBUG = True                      # print why it reconnects
c.set_last_will(STATUS, b'offline', retain=True)
c.connect(clean_session=False)
c.publish(STATUS, b'online', retain=True)
print('connected to', BROKER)

n = 0
while True:
    n += 1
    celsius = 21.0 + (n % 10) / 10  # a pretend sensor
    c.publish(TOPIC, b'%.1f' % celsius)
    print('published', n, celsius)
    time.sleep(2)
