/**
 * `esp32sim init [DIR]`: a small working lab to start from (a TCP echo server
 * on the ESP32, a PC client, the scenario that checks them, a README). It
 * passes as written; nothing that exists is overwritten.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXIT_BAD_INPUT } from '../runner/result';
import type { Io } from './io';

export const TEMPLATE: Record<string, string> = {
  'scenario.yaml': `name: My first lab
description: An ESP32 echo server and a PC that talks to it over TCP.
version: 1
seed: 1
timeout: 30s
network:
  subnet: 192.168.4.0/24
devices:
  esp32:
    board: esp32
    script: main.py          # MicroPython on the ESP32
    ip: 192.168.4.50         # the address the PC connects to (a DHCP reservation)
  pc:
    board: pc
    script: client.py        # Python on a PC of the same WiFi
    stdin: ["hello", "esp32"]  # what the PC user types
    start: 1s                # the PC starts once the ESP32 is up
steps:
  - wait-serial: "listening on port 7000"
  - wait-serial: { device: pc, text: "got: HELLO", timeout: 5s }
  - wait-serial: { device: pc, text: "got: ESP32", timeout: 2s }
  - expect-exit: { device: pc, code: 0, timeout: 2s }
`,
  'main.py': `# The ESP32: a TCP server that answers every line in upper case.
import socket

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(('0.0.0.0', 7000))
srv.listen(1)
print('listening on port 7000')
while True:
    conn, addr = srv.accept()
    print('client', addr[0], 'connected')
    while True:
        data = conn.recv(128)
        if not data:
            break
        print('received', data)
        conn.send(data.upper())
    conn.close()
    print('client left')
`,
  'client.py': `# The PC: sends each line the user types and prints the answer.
import socket

s = socket.socket()
s.connect(('192.168.4.50', 7000))
for i in range(2):
    line = input()
    s.send(line.encode())
    print('got:', s.recv(128).decode())
s.close()
`,
  'README.md': `# My first lab

An ESP32 runs \`main.py\` (MicroPython): a TCP server on port 7000 that answers every
line in upper case. A PC on the same WiFi runs \`client.py\` and types two lines.
\`scenario.yaml\` describes the network and the devices, and the steps check the output.

Run it (from the folder above this one):

\`\`\`sh
npx esp32sim run DIR
npx esp32sim run DIR --packets      # also every frame on the air
\`\`\`

Then change something: make the server answer \`b'you said: ' + data\` instead, and fix
the steps so the lab passes again. \`npx esp32sim run --help\` lists every option.
`,
};

export function cmdInit(dirArg: string | undefined, io: Io): number {
  const dir = dirArg ?? '.';
  const cmd = io.cmd ?? 'npx esp32sim';
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    io.err(`esp32sim: init ${dir}: is a file, not a folder`);
    return EXIT_BAD_INPUT;
  }
  const taken = Object.keys(TEMPLATE).filter((f) => existsSync(path.join(dir, f)));
  if (taken.length) {
    io.err(`esp32sim: init ${dir}: ${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''} there; init never overwrites files (choose another folder)`);
    return EXIT_BAD_INPUT;
  }
  try {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(TEMPLATE)) writeFileSync(path.join(dir, name), text.replace(/\bDIR\b/g, dir === '.' ? '.' : dir));
  } catch (e) {
    io.err(`esp32sim: init ${dir}: cannot write there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    return EXIT_BAD_INPUT;
  }
  io.out(`Wrote a new lab to ${dir}${path.sep}: ${Object.keys(TEMPLATE).join(', ')}`);
  io.out(`Run it with: ${cmd} run ${dir}`);
  return 0;
}
