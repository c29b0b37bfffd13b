/**
 * The service keys of a scenario: `service:` with `port`, `routes` (http) and
 * `users` (mqtt), on an internet host or a LAN PC (`board: broker` is a PC
 * running `service: mqtt`). A route answers with `body` (text), `json` (any
 * YAML value, sent as JSON) or `file` (a text file next to the scenario, read
 * when the scenario is loaded and carried in its trace).
 */
import * as path from 'node:path';
import { z } from 'zod';
import type { HttpRoute, InternetService, ServiceSpec } from '../../devices/simulation/api';
import { readInputFile } from './files';
import type { Path } from './issues';
import { duration, port } from './values';

export const SERVICES: [InternetService, ...InternetService[]] = ['starwars', 'echo', 'discard', 'http', 'daytime', 'ntp', 'mqtt'];
/** A body file's size limit. */
export const MAX_BODY_FILE_BYTES = 1024 * 1024;

const METHOD = /^([A-Z]+|\*)$/;

export const route = z.strictObject({
  method: z.string().refine((v) => METHOD.test(v), { error: (iss) => `${JSON.stringify(iss.input)} is not an HTTP method (GET, POST, PUT, DELETE, ... in capitals, or * for any)` }).optional(),
  path: z.string().refine((v) => v.startsWith('/'), { error: (iss) => `${JSON.stringify(iss.input)} is not a path: it starts with / (e.g. /api/weather)` }),
  status: z.number().int().min(100).max(599).optional(),
  headers: z.record(z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, { error: 'a header name is letters, digits and -' }), z.union([z.string(), z.number()]).transform(String)).optional(),
  body: z.string().optional(),
  json: z.unknown().optional(),
  file: z.string().min(1).optional(),
  'content-type': z.string().optional(),
  delay: duration.optional(),
  chunked: z.boolean().optional(),
});

/** Keys of a service host (internet host or LAN PC) besides its own. */
export const serviceKeys = {
  port: port.optional(),
  routes: z.array(route).optional(),
  users: z.record(z.string().min(1), z.union([z.string(), z.number()]).transform(String)).optional(),
};

type RouteIn = z.infer<typeof route>;

/** A data file a route reads, kept for the trace (by the path the YAML gives). */
export interface DataFile {
  ref: string;
  text: string;
}

export interface ServiceReadOptions {
  dir: string;
  /** The trace's files: nothing is read from disk. */
  files?: Readonly<Record<string, string>>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.csv': 'text/csv',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
};

/**
 * A service spec from the YAML keys, or issues with paths relative to `at`.
 * `data` collects the route files read.
 */
export function serviceSpec(
  at: Path,
  service: InternetService,
  v: { port?: number; routes?: RouteIn[]; users?: Record<string, string> },
  o: ServiceReadOptions,
  data: DataFile[],
): { spec: ServiceSpec; issues: { path: Path; message: string }[] } {
  const issues: { path: Path; message: string }[] = [];
  const spec: ServiceSpec = { service };
  if (v.port !== undefined) spec.port = v.port;
  if (v.routes !== undefined && service !== 'http') issues.push({ path: [...at, 'routes'], message: `routes are for service: http (this is ${service})` });
  if (v.users !== undefined && service !== 'mqtt') issues.push({ path: [...at, 'users'], message: `users are for service: mqtt (this is ${service})` });
  if (service === 'ntp' && v.port !== undefined && v.port !== 123) issues.push({ path: [...at, 'port'], message: `an ntp server answers on UDP port 123, not ${v.port}` });
  if (v.users) spec.users = v.users;
  if (v.routes && service === 'http') {
    spec.routes = [];
    v.routes.forEach((r, i) => {
      const p: Path = [...at, 'routes', i];
      const given = (['body', 'json', 'file'] as const).filter((k) => r[k] !== undefined);
      if (given.length > 1) issues.push({ path: [...p, given[1]], message: `a route answers with one of body, json or file (it has ${given.join(' and ')})` });
      const out: HttpRoute = { path: r.path };
      if (r.method !== undefined) out.method = r.method;
      if (r.status !== undefined) out.status = r.status;
      if (r.headers !== undefined) out.headers = r.headers;
      if (r.delay !== undefined) out.delayUs = r.delay;
      if (r.chunked !== undefined) out.chunked = r.chunked;
      if (r.body !== undefined) out.body = r.body;
      else if (r.json !== undefined) {
        out.body = JSON.stringify(r.json);
        out.contentType = 'application/json';
      } else if (r.file !== undefined) {
        const f = readData(r.file, o);
        if (!f.ok) issues.push({ path: [...p, 'file'], message: f.why });
        else {
          out.body = f.text;
          out.contentType = CONTENT_TYPES[path.extname(r.file).toLowerCase()] ?? 'application/octet-stream';
          if (!data.some((d) => d.ref === r.file)) data.push({ ref: r.file, text: f.text });
        }
      }
      if (r['content-type'] !== undefined) out.contentType = r['content-type'];
      const dup = spec.routes!.findIndex((x) => x.path === out.path && (x.method ?? 'GET') === (out.method ?? 'GET'));
      if (dup >= 0) issues.push({ path: [...p, 'path'], message: `${out.method ?? 'GET'} ${out.path} is already route ${dup + 1}` });
      spec.routes!.push(out);
    });
  }
  return { spec, issues };
}

function readData(ref: string, o: ServiceReadOptions): { ok: true; text: string } | { ok: false; why: string } {
  if (o.files) {
    const text = o.files[ref];
    return text === undefined ? { ok: false, why: `${ref} is not among the files of the trace` } : { ok: true, text };
  }
  const abs = path.resolve(o.dir, ref);
  const r = readInputFile(abs, MAX_BODY_FILE_BYTES);
  if (r.ok) return r;
  return { ok: false, why: r.why === 'no such file' ? `${ref} not found (looked for ${abs})` : `${ref} ${r.why}` };
}
