# protocol.py -- the station's line protocol (one command per line):
#   SET <key> <value>   store a reading       -> OK
#   GET <key>           read it back          -> OK <value> | ERR no <key>
#   LOG?                how many lines logged -> OK <n> lines
#   RESET               reboot the board      -> OK rebooting


def parse(line):
    """'set temp 21' -> ('SET', ['temp', '21']); a blank line -> (None, [])."""
    words = line.strip().split()
    if not words:
        return None, []
    return words[0].upper(), words[1:]


def answer(ok, text=''):
    return ('OK' if ok else 'ERR') + (' ' + text if text else '') + '\n'
