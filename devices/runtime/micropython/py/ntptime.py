# ntptime: set the board's clock from an NTP server (an SNTP client, as the firmware's frozen module).
# ntptime.host and ntptime.timeout (seconds) may be changed before calling time() or settime().
import socket
import struct
import utime

host = 'pool.ntp.org'
timeout = 1

# NTP timestamps count from 1900; era 0 ends in 2036, so small values mean era 1.
_ERA_FLOOR = 3913056000  # 2024-01-01T00:00:00Z as an NTP timestamp


def time():
    # Seconds since the board's epoch (2000 on the ESP32, 1970 on a PC), as the server says.
    q = bytearray(48)
    q[0] = 0x1B  # leap 0, version 3, mode 3 (client)
    addr = socket.getaddrinfo(host, 123)[0][-1]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.settimeout(timeout)
        s.sendto(q, addr)
        msg = s.recv(48)
    finally:
        s.close()
    secs = struct.unpack('!I', msg[40:44])[0]
    if secs < _ERA_FLOOR:
        secs += 0x100000000
    epoch = utime.gmtime(0)[0]
    if epoch == 2000:
        return secs - 3155673600
    if epoch == 1970:
        return secs - 2208988800
    raise Exception('Unsupported epoch: {}'.format(epoch))


def settime():
    # Sets the RTC (UTC, whole seconds).
    import machine
    tm = utime.gmtime(time())
    machine.RTC().datetime((tm[0], tm[1], tm[2], tm[6] + 1, tm[3], tm[4], tm[5], 0))
