/**
 * The schema library's issues in plain words: what is wrong and what would be
 * right ("seed: -1 is too small (at least 0)"), never its own wording. Paths
 * read as the user counts: `step 1: wait-serail`, `network.internet host 2: ip`.
 */
import type { z } from 'zod';
import { didYouMean, showValue } from './words';

export type Path = (string | number)[];

/** `steps.0.wait-serial.text` → `step 1: wait-serial.text`; other lists count from 1 too. */
export function pathText(p: Path): string {
  const parts: string[] = [];
  let prefix = '';
  for (let i = 0; i < p.length; i++) {
    const k = p[i];
    if (typeof k === 'number') {
      const owner = parts.pop() ?? '';
      const noun = owner === 'steps' ? 'step' : owner.endsWith('internet') ? `${owner} host` : owner.endsWith('stdin') ? `${owner} line` : owner.endsWith('routes') ? owner.replace(/routes$/, 'route') : `${owner} item`;
      const label = `${noun} ${k + 1}`;
      if (i === p.length - 1) parts.push(label);
      else {
        prefix += (prefix && !prefix.endsWith(': ') ? '.' : '') + [...parts, label].join('.') + ': ';
        parts.length = 0;
      }
    } else parts.push(k);
  }
  const tail = parts.join('.');
  return (prefix + tail).replace(/: $/, '');
}

/** A path and a message → `path: message` (the message alone at the top level). */
export function withPath(p: Path, message: string): string {
  const t = pathText(p);
  return t ? `${t}: ${message}` : message;
}

type Issue = z.core.$ZodIssue;

const TYPE_WORDS: Record<string, string> = {
  string: 'a text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map (key: value lines)',
  array: 'a list (- item lines)',
  record: 'a map (key: value lines)',
};

/** Allowed keys of the object at `p` in the schema, for "did you mean". */
export type KeysAt = (p: Path) => readonly string[];

export function issueMessages(issues: readonly Issue[], valueAt: (p: Path) => unknown, keysAt: KeysAt): { path: Path; message: string }[] {
  const out: { path: Path; message: string }[] = [];
  for (const i of issues) {
    const p = i.path as Path;
    const v = valueAt(p);
    switch (i.code) {
      case 'unrecognized_keys':
        for (const k of i.keys) {
          const allowed = keysAt(p);
          const guess = didYouMean(k, allowed);
          const hint = guess ? ` (did you mean "${guess}"?)` : allowed.length ? ` (known keys: ${allowed.join(', ')})` : '';
          out.push({ path: [...p, k], message: `unknown key${hint}` });
        }
        break;
      case 'invalid_type': {
        const want = TYPE_WORDS[i.expected] ?? i.expected;
        if (v === undefined) out.push({ path: p, message: `missing: expected ${want}` });
        else if (typeof v === 'number' && !Number.isFinite(v)) out.push({ path: p, message: `${showValue(v)} is not a usable number: expected a finite ${i.expected === 'number' ? 'number' : want.replace(/^an? /, '')}` });
        else out.push({ path: p, message: `expected ${want}, got ${showValue(v)}` });
        break;
      }
      case 'invalid_value':
        if (v === undefined) out.push({ path: p, message: `missing: expected ${i.values.map((x) => showValue(x)).join(' or ')}` });
        else if (i.message && !i.message.startsWith('Invalid')) out.push({ path: p, message: i.message });
        else if (i.values.length === 1) out.push({ path: p, message: `${showValue(v)} is not supported: expected ${showValue(i.values[0])}` });
        else out.push({ path: p, message: `${showValue(v)} is not one of ${i.values.map((x) => showValue(x)).join(', ')}` });
        break;
      case 'too_small':
        if (i.origin === 'string') out.push({ path: p, message: v === '' ? 'is empty: give a value' : `${showValue(v)} is too short (at least ${i.minimum} characters)` });
        else if (i.origin === 'array') out.push({ path: p, message: `needs at least ${i.minimum} item(s)` });
        else out.push({ path: p, message: `${showValue(v)} is too small (at least ${i.minimum})` });
        break;
      case 'too_big':
        if (i.origin === 'string') out.push({ path: p, message: `is too long (at most ${i.maximum} characters)` });
        else out.push({ path: p, message: `${showValue(v)} is too large (at most ${i.maximum})` });
        break;
      case 'invalid_union':
        out.push({ path: p, message: `${showValue(v)} is not valid here` });
        break;
      case 'invalid_key':
        out.push({ path: p, message: i.issues[0]?.message ?? 'bad key' });
        break;
      case 'invalid_format':
        out.push({ path: p, message: `${showValue(v)} does not have the right form` });
        break;
      default:
        out.push({ path: p, message: i.message });
    }
  }
  return out;
}
