/**
 * YAML text → JS data with line numbers, and YAML mistakes explained in the
 * words a student knows: indentation, tabs, colons, quotes and brackets, with
 * the offending line shown. Only the first syntax error is reported (the
 * parser's recovery errors after it are noise). Aliases are limited, so an
 * alias bomb is refused instead of expanding.
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { ScenarioError } from './model';

/** At most this many alias expansions (the yaml library's own guard). */
export const MAX_ALIASES = 100;

export type YamlResult =
  | { ok: true; doc: Document; data: unknown; lineAt: (offset: number | undefined) => number }
  | { ok: false; errors: ScenarioError[] };

const indentOf = (line: string) => /^[ \t]*/.exec(line)![0];

export function parseYaml(text: string, file: string): YamlResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: true });
  const lineAt = (offset: number | undefined) => (offset === undefined ? 1 : lc.linePos(Math.min(offset, text.length)).line);
  const lines = text.split(/\r?\n/);
  const at = (line: number, message: string): ScenarioError => ({ file, line, message, source: lines[line - 1] });
  // A tab in any indentation is the mistake a student makes most: say it first, wherever the parser tripped.
  const tabLine = lines.findIndex((l) => /^ *\t/.test(l) && l.trim() !== '');
  if (doc.errors.length) {
    const e = doc.errors[0];
    const line = lineAt(e.pos[0]);
    if (tabLine >= 0 && tabLine + 1 <= line + 1) {
      return { ok: false, errors: [at(tabLine + 1, 'YAML: this line is indented with a tab; YAML indents with spaces only (replace the tab with spaces)')] };
    }
    return { ok: false, errors: [at(line, `YAML: ${explain(e.code, e.message, lines, line)}`)] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    const msg = (e as Error).message;
    const m = /Unresolved alias.*?: (.*)$/.exec(msg);
    const aliasLine = (name: string) => Math.max(1, lines.findIndex((l) => l.includes(`*${name}`)) + 1);
    if (m) return { ok: false, errors: [at(aliasLine(m[1]), `YAML: the alias *${m[1]} has no anchor &${m[1]} before it`)] };
    if (/Excessive alias count/.test(msg)) {
      return { ok: false, errors: [at(Math.max(1, lines.findIndex((l) => /\*\w/.test(l)) + 1), `YAML: the aliases (*name) expand to a huge document; a scenario may expand at most ${MAX_ALIASES} aliases`)] };
    }
    return { ok: false, errors: [at(1, `YAML: ${msg.split('\n')[0]}`)] };
  }
  return { ok: true, doc, data, lineAt };
}

function explain(code: string, message: string, lines: string[], line: number): string {
  const here = lines[line - 1] ?? '';
  const prevIdx = (() => {
    for (let i = line - 2; i >= 0; i--) if (lines[i].trim() && !lines[i].trim().startsWith('#')) return i;
    return -1;
  })();
  const next = lines.slice(line).find((l) => l.trim() && !l.trim().startsWith('#'));
  const cols = (l: string) => indentOf(l).length;
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'this line is indented with a tab; YAML indents with spaces only (replace the tab with spaces)';
    case 'DUPLICATE_KEY': {
      const key = /^\s*-?\s*([^:#]+):/.exec(here)?.[1]?.trim();
      return `${key ? `the key "${key}"` : 'a key'} appears twice in the same map (keep one)`;
    }
    case 'BAD_INDENT':
      if (/Flow (sequence|map)/.test(message)) return 'a [ or { opened here is not closed on this line (check the brackets, or quote text that contains them)';
      if (prevIdx >= 0) {
        return `the indentation does not line up: this line starts after ${cols(here)} spaces, the line above after ${cols(lines[prevIdx])}; keys of one map start in the same column`;
      }
      return 'the indentation does not line up: keys of one map start in the same column';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY': {
      const body = here.replace(/#.*$/, '');
      if (/:\s+[^'"\s][^'"]*:(\s|$)/.test(body)) {
        return 'two "key: value" pairs on one line; put the inner map on its own lines (indented), or quote the value';
      }
      if (!/:(\s|$)/.test(body)) return `no colon after "${body.trim()}": a key is written "${body.trim()}:"`;
      if (next !== undefined && cols(next) > cols(here)) {
        return `the next line is indented further than this one, but this line already has a value; indent the next line like this one, or move the value onto its own indented lines`;
      }
      return 'the indentation is wrong here: each key of a map starts on its own line, at the same column as the others';
    }
    case 'MISSING_CHAR':
      if (/quote/.test(message)) return 'a quoted text is not closed (a missing closing quote on this line or above)';
      return `${message.split('\n')[0]} (check the brackets and quotes)`;
    case 'BAD_SCALAR_START':
      return `this value cannot start with "${here.trim().replace(/^-?\s*[^:]*:\s*/, '').charAt(0)}" unquoted; put it in quotes`;
    case 'UNEXPECTED_TOKEN':
      return `unexpected text; check the indentation and quoting of this line (${message.split('\n')[0]})`;
    default:
      return message.split('\n')[0];
  }
}
