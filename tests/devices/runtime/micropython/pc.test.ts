import { Simulator } from '../../../../sim/simulator';
import { FakeBoard, FakeNet } from '../typescript/fake-board';
import { runPy, startPy } from './helpers';

describe('PC personality (CPython-flavoured)', () => {
  test('Linux errno and CPython exception names and texts', async () => {
    const r = await runPy(
      [
        'import socket, errno',
        's = socket.socket(socket.AF_INET, socket.SOCK_STREAM)',
        'try:',
        '    s.connect(("192.168.2.231", 1))',
        'except ConnectionRefusedError as e:',
        '    print(type(e).__name__, e, e.errno == errno.ECONNREFUSED)',
        'print(issubclass(socket.error, OSError), socket.timeout is TimeoutError)',
        'print(socket.gethostbyname("towel.blinkenlights.nl"))',
        'try:',
        '    socket.gethostbyname("no.such.host")',
        'except socket.gaierror as e:',
        '    print(e)',
        'srv = socket.socket()',
        'srv.bind(("", 5000))',
        'srv.listen(1)',
        'srv.settimeout(0.2)',
        'try:',
        '    srv.accept()',
        'except socket.timeout as e:',
        '    print("timeout:", e)',
        'c = socket.socket()',
        'c.connect(("192.168.2.231", 5000))',
        'c.recv(1)',
      ].join('\n'),
      { kind: 'pc', filename: 'client.py' },
    );
    expect(r.out()).toBe(
      [
        'ConnectionRefusedError [Errno 111] Connection refused True',
        'True True',
        '213.136.8.188',
        '[Errno -2] Name or service not known',
        'timeout: timed out',
        // c.recv(1) blocks forever: no traceback
        '',
      ].join('\n'),
    );
    expect(r.proc.state).toBe('killed');
  });

  test('Star Wars loop spinning on b"" after the server closed does not freeze the simulation', async () => {
    const sim = new Simulator(1);
    const net = new FakeNet(sim);
    const srv = new FakeBoard(net, 'towel', '213.136.8.188', 'pc');
    const esp = new FakeBoard(net, 'esp', '192.168.2.231', 'esp32');
    const server = startPy(
      'import socket\ns = socket.socket()\ns.bind(("", 23))\ns.listen(1)\nc, a = s.accept()\nc.send(b"A long time ago")\nc.close()\n',
      { board: srv },
    );
    const client = startPy(
      [
        'import socket',
        'addr_info = socket.getaddrinfo("towel.blinkenlights.nl", 23)',
        'addr = addr_info[0][-1]',
        's = socket.socket()',
        's.connect(addr)',
        'while True:',
        '    data = s.recv(500)',
        "    print(str(data, 'utf8'), end='')",
      ].join('\n'),
      { board: esp },
    );
    await sim.run({ until: 300_000 });
    expect(sim.now).toBe(300_000);
    expect(esp.console.text()).toBe('A long time ago');
    expect(client.proc.state).toBe('running');
    server.proc.kill();
    client.proc.kill();
  });
});
