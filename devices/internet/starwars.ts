/**
 * An original ASCII animation for the simulated telnet "movie" host (written
 * for esp32sim; not the towel.blinkenlights.nl film). A title card, a ship
 * crossing a starfield past a planet, and an end card; 13 lines of 67 columns
 * per frame, each frame preceded by cursor-home + clear-screen.
 */
export const FRAME_ROWS = 13;
export const FRAME_COLS = 67;
export const CLEAR_HOME = '\x1b[H\x1b[J';

function blank(): string[][] {
  return Array.from({ length: FRAME_ROWS }, () => Array.from({ length: FRAME_COLS }, () => ' '));
}

function put(g: string[][], row: number, col: number, text: string): void {
  if (row < 0 || row >= FRAME_ROWS) return;
  for (let i = 0; i < text.length; i++) {
    const c = col + i;
    if (c >= 0 && c < FRAME_COLS && text[i] !== '\0') g[row][c] = text[i];
  }
}

function centre(g: string[][], row: number, text: string): void {
  put(g, row, Math.floor((FRAME_COLS - text.length) / 2), text);
}

/** Star positions from a fixed LCG: the same every run. */
function stars(): [number, number, string][] {
  let s = 20260101;
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  return Array.from({ length: 36 }, () => [Math.floor(next() * FRAME_ROWS), Math.floor(next() * FRAME_COLS), next() < 0.2 ? '*' : '.']);
}

const SHIP = ['  __', ' /  \\___', '<= (o)___>', ' \\__/'];
const PLANET = ['   .--.', '  /    \\', ' |      |', '  \\    /', "   '--'"];

function title(step: number): string[][] {
  const g = blank();
  const lines = ['A short while ago, on a', 'virtual LAN not so far away....', '', 'E S P 3 2   W A R S', '', 'Episode 23: The Telnet Awakens'];
  lines.forEach((l, i) => {
    const row = FRAME_ROWS - 1 - step + i;
    if (row >= 0 && row < FRAME_ROWS) centre(g, row, l);
  });
  return g;
}

function flight(step: number, field: [number, number, string][]): string[][] {
  const g = blank();
  for (const [r, c, ch] of field) {
    const col = (((c - step * 2) % FRAME_COLS) + FRAME_COLS) % FRAME_COLS;
    put(g, r, col, ch);
  }
  PLANET.forEach((l, i) => put(g, 1 + i, 50 - Math.floor(step / 3), l));
  const x = -10 + step * 3;
  const y = 6 + (step % 4 < 2 ? 0 : 1);
  SHIP.forEach((l, i) => put(g, y + i - 1, x, l));
  if (step > 16 && step < 22) put(g, y, x + 11, '- - - =>');
  return g;
}

function ending(step: number): string[][] {
  const g = blank();
  centre(g, 5, step % 2 ? 'T H E   E N D' : 'T H E   E N D ');
  centre(g, 7, '(an esp32sim original -- thanks for watching)');
  return g;
}

/** Every frame of the scene as text (13 lines joined by CRLF, as a telnet server sends). */
export function starwarsFrames(): string[] {
  const out: string[][][] = [];
  const field = stars();
  for (let i = 0; i < 18; i++) out.push(title(i));
  for (let i = 0; i < 26; i++) out.push(flight(i, field));
  for (let i = 0; i < 6; i++) out.push(ending(i));
  return out.map((g) => g.map((row) => row.join('').trimEnd()).join('\r\n') + '\r\n');
}

/** Frames per second of the stream. */
export const STARWARS_FPS = 12;
