# esp32: the ESP32-specific module of the firmware, as far as esp32sim simulates it:
# wake_on_ext0() (the ext0 wake-up from light and deep sleep, as Pin.irq(wake=...) sets it) and
# the WAKEUP_ALL_LOW / WAKEUP_ANY_HIGH levels. Everything else the board's module has (NVS,
# Partition, RMT, ULP, ext1 and touch wake-up, the temperature sensor, idf_heap_info) raises
# NotImplementedError naming itself. Our own code.
from _kern import call

WAKEUP_ALL_LOW = False
WAKEUP_ANY_HIGH = True

_MSG = 'esp32.%s is not simulated by esp32sim (see the README: peripherals)'
_NOT_SIMULATED = ('wake_on_ext1', 'wake_on_touch', 'wake_on_ulp', 'gpio_deep_sleep_hold', 'raw_temperature',
                  'mcu_temperature', 'idf_heap_info', 'NVS', 'Partition', 'RMT', 'ULP', 'PCNT')


def wake_on_ext0(pin, level):
    if pin is None:
        call('pin.wake', -1, 0, 0)
        return
    from _mpin import pin_id
    try:
        call('pin.wake', pin_id(pin), 1 if level else 0, 6)  # machine.SLEEP | machine.DEEPSLEEP
    except OSError:
        raise ValueError('invalid pin for wake')


def __getattr__(name):
    if name in _NOT_SIMULATED:
        def not_simulated(*args, **kwargs):
            raise NotImplementedError(_MSG % name)
        return not_simulated
    raise AttributeError(name)
