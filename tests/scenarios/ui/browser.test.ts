/**
 * `esp32sim ui` in a real browser: Debian's Chromium driven by playwright-core
 * (no browser download; .ci/run installs the `chromium` package). The page is
 * bundled afresh from its sources for the test. Each case leaves a screenshot
 * in reports/ for a person to look at. Without Chromium the file fails, with
 * the reason: it never skips.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startUi } from '../../../scenarios/cli/ui';
import type { Io } from '../../../scenarios/cli/io';
import type { UiServer } from '../../../scenarios/ui/server';
import { REPO_ROOT } from '../../paths';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bundlePage } = require('../../../scenarios/cli/build.js') as { bundlePage: (out: string) => void };

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((x): x is string => Boolean(x));
const REPORTS = path.join(REPO_ROOT, 'reports');
const VIEWPORT = { width: 1440, height: 900 };

let browser: Browser;
let assets: string;
const servers: UiServer[] = [];

beforeAll(async () => {
  const exe = CANDIDATES.find((p) => existsSync(p));
  if (!exe) throw new Error(`the browser tests need Chromium from Debian (apt-get install chromium; .ci/run installs it): none of ${CANDIDATES.join(', ')} exists`);
  assets = mkdtempSync(path.join(tmpdir(), 'esp32sim-page-'));
  bundlePage(assets);
  if (!existsSync(path.join(assets, 'app.js'))) throw new Error('the page did not bundle (is esbuild installed? npm install)');
  mkdirSync(REPORTS, { recursive: true });
  browser = await chromium.launch({ executablePath: exe, args: ['--no-sandbox', '--disable-gpu'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) await s.close();
  if (assets) rmSync(assets, { recursive: true, force: true });
});

const quietIo = (): Io => ({ out: () => {}, err: () => {}, color: false });

async function openLab(lab: string): Promise<{ url: string; page: Page; errors: string[] }> {
  const srv = await startUi(lab, {}, quietIo(), assets);
  if (typeof srv === 'number') throw new Error(`esp32sim ui ${lab} exited ${srv}`);
  servers.push(srv);
  const { page, errors } = await newTab(srv.url);
  return { url: srv.url, page, errors };
}

async function newTab(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  page.setDefaultTimeout(120_000); // a shared CI machine can be slow; nothing here waits on wall time otherwise
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

// Code run in the page is given as text (this file is type-checked without the DOM); `esp32sim` is the page's test hook (page/main.ts).
const consoleText = (page: Page, device: string) => page.evaluate(`esp32sim.consoleText(${JSON.stringify(device)})`) as Promise<string>;
const waitConsole = (page: Page, device: string, text: string, times = 1, timeout = 120_000) =>
  page.waitForFunction(`esp32sim.consoleText(${JSON.stringify(device)}).split(${JSON.stringify(text)}).length > ${times}`, null, { timeout });
const pageNow = (page: Page) => page.evaluate('esp32sim.now()') as Promise<number>;
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(REPORTS, `ui-${name}.png`) });

let echo: { url: string; page: Page; errors: string[] };

test("the echo lab: hello typed into the PC's console reaches the ESP32, and its TCP segment decodes", async () => {
  echo = await openLab('echo');
  const { page } = echo;
  await waitConsole(page, 'esp32', "b'hello'"); // the scenario's own first line
  await page.click('.console[data-device=pc] .term');
  await page.keyboard.type('hello');
  await page.keyboard.press('Enter');
  await waitConsole(page, 'esp32', "b'hello'", 2); // ... and the one typed here
  // The PC's terminal echoes both lines (the typed one may come after a scripted line on a busy machine).
  expect((await consoleText(page, 'pc')).match(/^>>> hello$/gm)).toHaveLength(2);
  const row = (await page.evaluate(`esp32sim.frames().filter((r) => r.src === 'pc' && r.info.includes('"hello"')).at(-1)`)) as { n: number } | undefined;
  expect(row).toBeDefined();
  await page.click(`#packets tr[data-n="${row!.n}"]`);
  await page.waitForSelector('#decode details[data-layer="Data"]');
  const decode = await page.textContent('#decode');
  expect(decode).toContain('Ethernet II');
  expect(decode).toContain('IPv4');
  expect(decode).toMatch(/TCP\s*\d+ → 10000 \[P\.\]/);
  expect(decode).toContain('"hello"');
  expect(await page.textContent('#hex')).toContain('hello');
  await shot(page, 'echo-typing');
  expect(echo.errors).toEqual([]);
}, 240_000);

test('the LED lab: the LED element turns on and off as the steps drive it', async () => {
  const { page, errors } = await openLab('led-tcp');
  // Every level the LED element shows, in order.
  await page.evaluate(`window.ledSeen = []; setInterval(() => {
    const on = document.querySelector('[data-led=esp32]')?.getAttribute('data-on');
    if (on && ledSeen[ledSeen.length - 1] !== on) ledSeen.push(on);
  }, 10)`);
  await page.waitForFunction(`ledSeen.join('').includes('0101')`, null, { timeout: 120_000 });
  await page.waitForSelector('[data-led=esp32][data-on="1"]');
  await shot(page, 'led');
  // The later tests travel in this lab: keep the tab.
  led = { page, errors };
}, 240_000);

let led: { page: Page; errors: string[] };

test('pause, travel back to before the connection: no connection, LED off; resume', async () => {
  const { page } = led;
  await page.waitForSelector('#tcp .chip[data-state=ESTABLISHED]', { timeout: 120_000 });
  if ((await page.textContent('#btn-run')) === 'Pause') await page.click('#btn-run');
  await page.waitForFunction(`['paused', 'ended'].includes(esp32sim.status())`);
  // Drag the time slider to 0.5 s, before the PC (started at 1 s) has connected.
  await page.evaluate(`(() => {
    const s = document.getElementById('slider');
    s.value = '500000';
    s.dispatchEvent(new Event('input'));
    s.dispatchEvent(new Event('change'));
  })()`);
  await page.waitForFunction(`esp32sim.status() === 'paused' && esp32sim.now() === 500000`, null, { timeout: 120_000 });
  expect(await page.$$('#tcp .chip[data-state=ESTABLISHED]')).toHaveLength(0);
  expect(await page.getAttribute('[data-led=esp32]', 'data-on')).toBe('0');
  expect(await page.textContent('#time')).toContain('0.500 s');
  await shot(page, 'time-travel');
  await page.click('#btn-run');
  await page.waitForSelector('[data-led=esp32][data-on="1"]', { timeout: 120_000 });
  await page.waitForSelector('#tcp .chip[data-state=ESTABLISHED]', { timeout: 120_000 });
  expect(led.errors).toEqual([]);
}, 240_000);

test("a bad script edited in the page: its traceback in that device's console, the rest keeps running", async () => {
  const { page } = echo;
  await page.click('[data-edit=pc]');
  await page.waitForSelector('#editor:not([hidden])');
  expect(await page.inputValue('#editor-text')).toContain('raw_input');
  await page.fill('#editor-text', "import socket\nprint('client starting')\ns = socket.socket()\nprint(undefined_name)\n");
  await page.click('#editor-save');
  await waitConsole(page, 'pc', 'NameError');
  await waitConsole(page, 'esp32', 'accepting.....');
  expect(await consoleText(page, 'pc')).toMatch(/Traceback \(most recent call last\):\n\s+File "pc_tcp_client\.py", line 4, in <module>\n(.*\n)?NameError: name 'undefined_name' isn't defined/);
  await page.waitForSelector('.card[data-device=pc] [data-state=crashed]');
  // The ESP32 goes on serving: still running a second of virtual time later.
  const t0 = await pageNow(page);
  await page.waitForFunction(`esp32sim.now() > ${t0 + 1_000_000}`, null, { timeout: 120_000 });
  expect(await page.getAttribute('.card[data-device=esp32] .state', 'data-state')).toBe('running');
  await shot(page, 'bad-script');
  // A second tab sees the same simulation; closing it changes nothing.
  const second = await newTab(echo.url);
  await waitConsole(second.page, 'pc', 'NameError');
  expect(await consoleText(second.page, 'esp32')).toBe(await consoleText(page, 'esp32'));
  await second.page.close();
  expect(echo.errors).toEqual([]);
}, 240_000);
