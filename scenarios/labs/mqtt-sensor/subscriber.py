# A PC that prints every message under sensors/ as it arrives.
from umqtt.simple import MQTTClient


def show(topic, msg):
    print(topic.decode(), msg.decode())


c = MQTTClient('pc-display', 'broker')
c.set_callback(show)
c.connect()
c.subscribe(b'sensors/#', qos=1)
print('subscribed to sensors/#')
while True:
    c.wait_msg()
