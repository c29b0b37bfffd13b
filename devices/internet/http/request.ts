/**
 * An incremental HTTP/1.1 request reader (RFC 9112): bytes in as they arrive,
 * complete requests out, or the status code a server answers a malformed one
 * with. Request line and header fields (a bare LF is accepted as a line end,
 * whitespace before a field's colon and obsolete line folding are not), the
 * body by Content-Length or chunked transfer coding (chunk extensions and
 * trailer fields read and dropped), limits on the head and the body. Never
 * throws on what a client sends.
 */

export interface HttpRequest {
  method: string;
  /** The request target as sent ("/api/weather?city=Oslo"). */
  target: string;
  /** The path without the query. */
  path: string;
  query: string;
  /** "HTTP/1.1" or "HTTP/1.0". */
  version: string;
  /** Field names in lower case; repeated fields joined with ", ". */
  headers: Record<string, string>;
  body: Uint8Array;
  /** The body came chunked. */
  chunked: boolean;
}

export type ReadResult = { request: HttpRequest } | { error: number; why: string } | { expectContinue: true } | undefined;

export const MAX_HEAD_BYTES = 16 * 1024;
export const MAX_BODY_BYTES = 1024 * 1024;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

type Phase = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers';

export class RequestReader {
  private buf = Buffer.alloc(0);
  private phase: Phase = 'head';
  private req: HttpRequest | undefined;
  private need = 0;
  private parts: Buffer[] = [];
  private bodyLen = 0;
  private continueSent = false;

  /** Adds received bytes. */
  push(d: Uint8Array): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : Buffer.from(d);
  }

  /** Bytes received and not yet part of a request. */
  get buffered(): number {
    return this.buf.length;
  }

  /** The next complete request, an error, a request waiting for "100 Continue", or undefined for "need more bytes". */
  next(): ReadResult {
    for (;;) {
      switch (this.phase) {
        case 'head': {
          const r = this.head();
          if (r === undefined) return undefined;
          if (r !== true) return r;
          continue;
        }
        case 'length': {
          if (this.buf.length < this.need) return this.maybeContinue();
          this.parts.push(this.buf.subarray(0, this.need));
          this.buf = this.buf.subarray(this.need);
          return this.finish();
        }
        case 'chunk-size': {
          const line = this.line();
          if (line === undefined) return this.buf.length > 1024 ? { error: 400, why: 'a chunk size line is too long' } : this.maybeContinue();
          const m = /^([0-9A-Fa-f]{1,8})[ \t]*(;.*)?$/.exec(line);
          if (!m) return { error: 400, why: `bad chunk size ${JSON.stringify(line.slice(0, 20))}` };
          const n = parseInt(m[1], 16);
          if (this.bodyLen + n > MAX_BODY_BYTES) return { error: 413, why: `the body is larger than ${MAX_BODY_BYTES} bytes` };
          if (n === 0) this.phase = 'trailers';
          else {
            this.need = n;
            this.phase = 'chunk-data';
          }
          continue;
        }
        case 'chunk-data': {
          if (this.buf.length < this.need) return undefined;
          this.parts.push(this.buf.subarray(0, this.need));
          this.bodyLen += this.need;
          this.buf = this.buf.subarray(this.need);
          this.phase = 'chunk-crlf';
          continue;
        }
        case 'chunk-crlf': {
          const line = this.line();
          if (line === undefined) return undefined;
          if (line !== '') return { error: 400, why: 'chunk data is not followed by CRLF' };
          this.phase = 'chunk-size';
          continue;
        }
        case 'trailers': {
          const line = this.line();
          if (line === undefined) return this.buf.length > MAX_HEAD_BYTES ? { error: 431, why: 'the trailer section is too large' } : undefined;
          if (line === '') return this.finish();
          continue;
        }
      }
    }
  }

  private maybeContinue(): ReadResult {
    if (this.req && !this.continueSent && /(^|,)\s*100-continue\s*($|,)/i.test(this.req.headers.expect ?? '') && this.req.version === 'HTTP/1.1') {
      this.continueSent = true;
      return { expectContinue: true };
    }
    return undefined;
  }

  /** One line (CRLF or LF), or undefined when it is not complete. */
  private line(): string | undefined {
    const nl = this.buf.indexOf(10);
    if (nl < 0) return undefined;
    const end = nl > 0 && this.buf[nl - 1] === 13 ? nl - 1 : nl;
    const text = this.buf.subarray(0, end).toString('latin1');
    this.buf = this.buf.subarray(nl + 1);
    return text;
  }

  private head(): { error: number; why: string } | true | undefined {
    // Empty lines before a request line are ignored (RFC 9112 section 2.2).
    while (this.buf.length && (this.buf[0] === 13 || this.buf[0] === 10)) this.buf = this.buf.subarray(1);
    let end = this.buf.indexOf('\r\n\r\n');
    let sep = 4;
    const lf = this.buf.indexOf('\n\n');
    if (lf >= 0 && (end < 0 || lf < end)) (end = lf), (sep = 2);
    if (end < 0) return this.buf.length > MAX_HEAD_BYTES ? { error: 431, why: `the request head is larger than ${MAX_HEAD_BYTES} bytes` } : undefined;
    if (end > MAX_HEAD_BYTES) return { error: 431, why: `the request head is larger than ${MAX_HEAD_BYTES} bytes` };
    const lines = this.buf.subarray(0, end).toString('latin1').split(/\r?\n/);
    this.buf = this.buf.subarray(end + sep);
    const m = /^([^ ]+) ([^ ]+) (HTTP\/\d\.\d)$/.exec(lines[0]);
    if (!m || !TOKEN.test(m[1])) return { error: 400, why: `bad request line ${JSON.stringify(lines[0].slice(0, 60))}` };
    const [, method, target, version] = m;
    if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') return { error: 505, why: `${version} is not supported` };
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      if (/^[ \t]/.test(l)) return { error: 400, why: 'obsolete line folding in a header field' };
      const k = l.indexOf(':');
      const name = k > 0 ? l.slice(0, k) : '';
      if (!TOKEN.test(name)) return { error: 400, why: `bad header field ${JSON.stringify(l.slice(0, 40))}` };
      const key = name.toLowerCase();
      const value = l.slice(k + 1).trim();
      headers[key] = key in headers ? `${headers[key]}, ${value}` : value;
    }
    if (version === 'HTTP/1.1' && headers.host === undefined) return { error: 400, why: 'an HTTP/1.1 request needs a Host header' };
    const q = target.indexOf('?');
    this.req = { method, target, path: q < 0 ? target : target.slice(0, q), query: q < 0 ? '' : target.slice(q + 1), version, headers, body: new Uint8Array(0), chunked: false };
    this.parts = [];
    this.bodyLen = 0;
    this.continueSent = false;
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    if (te !== undefined) {
      if (cl !== undefined) return { error: 400, why: 'both Transfer-Encoding and Content-Length' };
      if (!/(^|,)\s*chunked\s*$/i.test(te)) return { error: 501, why: `transfer coding ${JSON.stringify(te)} is not supported` };
      this.req.chunked = true;
      this.phase = 'chunk-size';
      return true;
    }
    if (cl !== undefined) {
      if (!/^\d{1,10}$/.test(cl)) return { error: 400, why: `bad Content-Length ${JSON.stringify(cl)}` };
      const n = Number(cl);
      if (n > MAX_BODY_BYTES) return { error: 413, why: `the body is larger than ${MAX_BODY_BYTES} bytes` };
      this.need = n;
      this.phase = 'length';
      return true;
    }
    this.need = 0;
    this.phase = 'length';
    return true;
  }

  private finish(): ReadResult {
    const req = this.req!;
    req.body = new Uint8Array(Buffer.concat(this.parts));
    this.req = undefined;
    this.parts = [];
    this.phase = 'head';
    return { request: req };
  }
}
