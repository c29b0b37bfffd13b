import { lines, runEsp32 } from '../micropython-real/helpers';

describe('upysh on the ESP32 (real Simulation)', () => {
  test('from upysh import * prints its help; ls, pwd, cd, mkdir, head, cat, cp, mv, rm work on the filesystem', async () => {
    const { esp } = await runEsp32([
      'from upysh import *',
      "mkdir('work')",
      "cd('work')",
      'print(pwd)',
      "with open('notes.txt', 'w') as f:",
      "    f.write('one\\ntwo\\nthree\\n')",
      "head('notes.txt', 2)",
      "cat('notes.txt')",
      "cp('notes.txt', 'copy.txt')",
      "mv('copy.txt', 'moved.txt')",
      "mkdir('sub')",
      'ls()',
      "rm('moved.txt')",
      "cd('..')",
      "rm('work', recursive=True)",
      "import os",
      "print('work' in os.listdir())",
    ]);
    const out = lines(esp);
    expect(out[1]).toMatch(/from upysh import \*/);
    const body = out.slice(out.indexOf('/work'));
    expect(body.slice(0, 8)).toEqual(['/work', 'one', 'two', 'one', 'two', 'three', '   <dir> sub', expect.stringMatching(/^ +(\d+ )?moved\.txt$/)]);
    expect(body).toContainEqual(expect.stringMatching(/^ +(\d+ )?notes\.txt$/));
    expect(out.at(-1)).toBe('False');
    expect(esp.exitCode()).toBe(0);
  }, 30_000);
});
