# The board's errno numbers in the VM's own errno module.
#
# This build's errno module and its errorcode dict are constant tables in the
# VM's memory, with Linux numbers. The compiler folds `errno.EXXX` from the
# same table, and OSError printing looks names up in errorcode. Rewriting the
# numbers in place at boot, before any user code is compiled, gives the ESP32's
# newlib numbers everywhere: the main script, imported modules, exec/eval, and
# "[Errno 116] ETIMEDOUT" from OSError itself. Only small-int entries change.
import uctypes, errno

_W = 4  # bytes per machine word (wasm32)


def _get(addr):
    return int.from_bytes(uctypes.bytearray_at(addr, _W), 'little')


def _put(addr, v):
    uctypes.bytearray_at(addr, _W)[:] = v.to_bytes(_W, 'little')


def _small_ints(dict_addr, key_side):
    # mp_obj_dict_t: base, then mp_map_t {used << 3 | flags, alloc, table}; table entries {key, value}.
    used = _get(dict_addr + _W) >> 3
    table = _get(dict_addr + 3 * _W)
    out = []
    for i in range(used):
        a = table + 2 * _W * i + (0 if key_side else _W)
        v = _get(a)
        if v & 1:
            out.append((a, v >> 1))
    return out


def adopt(numbers):
    # numbers: name -> the board's number, for every name the module has.
    names = dict(errno.errorcode)
    module_dict = _get(id(errno) + _W)
    for side, d in ((False, module_dict), (True, id(errno.errorcode))):
        for a, n in _small_ints(d, side):
            _put(a, (numbers[names[n]] << 1) | 1)
