/**
 * The page's server: HTTP on 127.0.0.1 only (the page, its bundled assets,
 * the downloads) and one WebSocket path (/ws) carrying the protocol of
 * protocol.ts. Every tab shares the one session; a closed tab changes
 * nothing. The assets are the package's own (built by `npm install`): no CDN.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientMsg, LabChoice, ServerMsg } from './protocol';
import { DOWNLOADS } from './protocol';
import type { UiSession } from './session';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png', '.svg': 'image/svg+xml' };
/** Largest message a tab may send (an edited script). */
const MAX_MESSAGE = 512 * 1024;
export const ASSET_FILES = ['index.html', 'app.js', 'app.css'];

/** Where the bundled page is: beside the compiled server (dist/scenarios/ui/page), or dist/ of a source checkout. */
export function assetsDir(): string | undefined {
  const here = path.join(__dirname, 'page');
  if (existsSync(path.join(here, 'app.js'))) return here;
  for (let d = __dirname; path.dirname(d) !== d; d = path.dirname(d)) {
    if (existsSync(path.join(d, 'package.json'))) {
      const built = path.join(d, 'dist', 'scenarios', 'ui', 'page');
      return existsSync(path.join(built, 'app.js')) ? built : undefined;
    }
  }
  return undefined;
}

export interface UiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeOptions {
  port?: number;
  assets: string;
  /** The labs to pick from when no scenario is open (the page lists them). */
  labs: LabChoice[];
  /** The lab or scenario given on the command line, tried again by each new tab while it has errors. */
  target?: string;
  /** Builds the session of a lab or scenario, or gives its errors (file:line: what). */
  open: (target: string) => UiSession | string[];
}

/** Starts the server; rejects with a one-line message when the port is taken. */
export async function serve(o: ServeOptions): Promise<UiServer> {
  let current: UiSession | undefined;
  let problems: string[] = [];
  const clients = new Set<WebSocket>();
  const broadcast = (m: ServerMsg) => {
    const text = JSON.stringify(m);
    for (const c of clients) if (c.readyState === c.OPEN) c.send(text);
  };
  const http: Server = createServer((req, res) => answer(req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });

  /** Only this machine's own names for the server: no page of another site (DNS rebinding, a cross-site WebSocket). */
  function local(req: IncomingMessage): boolean {
    const own = (h: string | undefined) => h === undefined || /^(127\.0\.0\.1|localhost|\[::1\]):\d+$/.test(h);
    const origin = req.headers.origin;
    return own(req.headers.host) && (origin === undefined || own(origin.replace(/^https?:\/\//, '')));
  }

  function answer(req: IncomingMessage, res: ServerResponse): void {
    if (!local(req)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('esp32sim ui answers this machine only\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const p = url.pathname;
    const dl = (Object.entries(DOWNLOADS) as [keyof typeof DOWNLOADS, string][]).find(([, v]) => v === p);
    if (dl) {
      const got = current?.download(dl[0]) ?? 'no scenario is open';
      if (typeof got === 'string') {
        res.writeHead(409, { 'content-type': 'text/plain; charset=utf-8' }).end(got + '\n');
        return;
      }
      res.writeHead(200, { 'content-type': got.type, 'content-disposition': `attachment; filename="${got.name}"` }).end(got.body);
      return;
    }
    const file = p === '/' ? 'index.html' : p.slice(1);
    if (!ASSET_FILES.includes(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(readFileSync(path.join(o.assets, file)));
  }

  http.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/ws' || !local(req)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  /** Opens a lab or scenario; its errors are kept for the page. */
  function open(target: string): UiSession | undefined {
    const got = o.open(target);
    if (Array.isArray(got)) {
      problems = got;
      return undefined;
    }
    problems = [];
    current = got;
    got.setBroadcast(broadcast);
    return got;
  }

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    const say = (m: ServerMsg) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
    if (!current && o.target) open(o.target); // the student may have fixed the scenario since
    if (current && !current.started) current.start(); // the run starts when the first tab opens
    if (current) say(current.snapshot());
    else say({ type: 'labs', labs: o.labs, problems });
    ws.on('close', () => clients.delete(ws));
    ws.on('error', () => clients.delete(ws));
    ws.on('message', (data) => {
      let msg: ClientMsg;
      try {
        msg = JSON.parse(String(data)) as ClientMsg;
        if (!msg || typeof msg.type !== 'string') throw new Error('no type');
      } catch {
        say({ type: 'error', text: 'a message that is not JSON with a type' });
        return;
      }
      void handle(msg).then(
        (reply) => reply && say(reply),
        (e: unknown) => say({ type: 'error', text: (e as Error)?.message ?? String(e) }),
      );
    });
  });

  async function handle(msg: ClientMsg): Promise<ServerMsg | undefined> {
    if (msg.type === 'open' && !current) {
      // Only the bundled labs: a tab never names a file on this machine.
      if (!o.labs.some((l) => l.id === msg.lab)) return { type: 'error', text: `no bundled lab "${String(msg.lab)}"` };
      const opened = open(String(msg.lab));
      if (!opened) return { type: 'labs', labs: o.labs, problems };
      opened.start();
      return undefined;
    }
    if (!current) return { type: 'labs', labs: o.labs, problems };
    return current.handle(msg);
  }

  if (o.target) open(o.target);

  await new Promise<void>((resolve, reject) => {
    http.once('error', (e: NodeJS.ErrnoException) => {
      const port = o.port ?? 0;
      if (e.code === 'EADDRINUSE') reject(new Error(`port ${port} on 127.0.0.1 is already in use (another esp32sim ui?): pick another with --port, or leave --port out for a free one`));
      else if (e.code === 'EACCES') reject(new Error(`port ${port} on 127.0.0.1 needs privileges: pick one above 1023 with --port`));
      else reject(new Error(`cannot listen on 127.0.0.1:${port}: ${e.code ?? e.message}`));
    });
    http.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    async close() {
      for (const c of clients) c.terminate();
      wss.close();
      await new Promise<void>((res) => http.close(() => res()));
      await current?.close();
    },
  };
}
