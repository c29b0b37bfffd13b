# ESP-IDF errors as the ESP32 port raises them (check_esp_err): OSError(code, 'ESP_ERR_...'),
# where code is -esp_err_t except for the few that map to an errno. The kernel answers them as
# errno FLAG + esp_err_t; ecall/ecallw/ecallr turn those into the board's OSError.
from _kern import call, callw, callr

FLAG = 0x10000
_BASE = 0x3000 + 100
NAMES = {
    0x101: 'ESP_ERR_NO_MEM', 0x102: 'ESP_ERR_INVALID_ARG', 0x103: 'ESP_ERR_INVALID_STATE',
    0x105: 'ESP_ERR_NOT_FOUND', 0x106: 'ESP_ERR_NOT_SUPPORTED', 0x107: 'ESP_ERR_TIMEOUT',
    _BASE + 1: 'ESP_ERR_ESPNOW_NOT_INIT', _BASE + 2: 'ESP_ERR_ESPNOW_ARG', _BASE + 3: 'ESP_ERR_ESPNOW_NO_MEM',
    _BASE + 4: 'ESP_ERR_ESPNOW_FULL', _BASE + 5: 'ESP_ERR_ESPNOW_NOT_FOUND', _BASE + 6: 'ESP_ERR_ESPNOW_INTERNAL',
    _BASE + 7: 'ESP_ERR_ESPNOW_EXIST', _BASE + 8: 'ESP_ERR_ESPNOW_IF', _BASE + 9: 'ESP_ERR_ESPNOW_CHAN',
}
# ESP_ERR_NO_MEM -> ENOMEM, ESP_ERR_TIMEOUT -> ETIMEDOUT, ESP_ERR_NOT_SUPPORTED -> EOPNOTSUPP
_ERRNO = {0x101: 12, 0x107: 116, 0x106: 95}


def error(code):
    return OSError(_ERRNO.get(code, -code), NAMES.get(code, 'ESP_FAIL'))


def _fix(e):
    n = e.args[0] if e.args else 0
    if isinstance(n, int) and n >= FLAG:
        return error(n - FLAG)
    return e


def ecall(op, a=None, b=None, c=None, d=None, e=None):
    try:
        return call(op, a, b, c, d, e)
    except OSError as x:
        raise _fix(x)


def ecallw(op, data, a=None, b=None, c=None, d=None):
    try:
        return callw(op, data, a, b, c, d)
    except OSError as x:
        raise _fix(x)


def ecallr(op, n, a=None, b=None, c=None, d=None):
    try:
        return callr(op, n, a, b, c, d)
    except OSError as x:
        raise _fix(x)
