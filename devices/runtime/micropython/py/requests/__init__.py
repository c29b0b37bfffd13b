# requests (also `urequests`): HTTP/1.0 client with the firmware's frozen module's API, our own code.
# One request per connection (Connection: close); the body is what arrives until the server closes.
# Only http:// is simulated: an https:// URL raises NotImplementedError (TLS is not simulated).
import socket


class Response:
    def __init__(self, sock):
        self.raw = sock
        self.encoding = 'utf-8'
        self._body = None
        self.status_code = None
        self.reason = b''
        self.headers = {}

    def close(self):
        if self.raw:
            self.raw.close()
            self.raw = None
        self._body = None

    @property
    def content(self):
        if self._body is None:
            try:
                self._body = self.raw.read()
            finally:
                self.raw.close()
                self.raw = None
        return self._body

    @property
    def text(self):
        return str(self.content, self.encoding)

    def json(self):
        import json
        return json.loads(self.content)


def _split(url):
    proto, _, rest = url.partition('//')
    host, _, path = rest.partition('/')
    if proto == 'https:':
        raise NotImplementedError('TLS is not simulated in esp32sim: https:// URLs cannot be fetched (use http://)')
    if proto != 'http:':
        raise ValueError('Unsupported protocol: ' + proto)
    port = 80
    if ':' in host:
        host, p = host.split(':', 1)
        port = int(p)
    return host, port, path


def _status(sock):
    # The status line: (status code, reason as bytes).
    line = sock.readline()
    parts = line.split(None, 2)
    if len(parts) < 2:
        raise ValueError('HTTP error: BadStatusLine:\n%s' % parts)
    status = int(parts[1])
    reason = parts[2].rstrip() if len(parts) > 2 else b''
    return status, reason


def request(method, url, data=None, json=None, headers=None, stream=None, auth=None, timeout=None, parse_headers=True):
    if headers is None:
        headers = {}
    host, port, path = _split(url)
    if auth is not None:
        import binascii
        token = binascii.b2a_base64(('%s:%s' % auth).encode())[:-1].decode()
        headers = dict(headers)
        headers['Authorization'] = 'Basic ' + token
    if json is not None:
        assert data is None
        import json as _json
        data = _json.dumps(json)
    if isinstance(data, str):
        data = data.encode()
    ai = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)[0]
    s = socket.socket(ai[0], socket.SOCK_STREAM, ai[2])
    fields = None if parse_headers is False else {}
    redirect = None
    try:
        if timeout is not None:
            s.settimeout(timeout)
        s.connect(ai[-1])
        head = ['%s /%s HTTP/1.0\r\n' % (method, path)]
        if 'Host' not in headers:
            head.append('Host: %s\r\n' % host)
        for k in headers:
            head.append('%s: %s\r\n' % (k, headers[k]))
        if json is not None:
            head.append('Content-Type: application/json\r\n')
        if data:
            head.append('Content-Length: %d\r\n' % len(data))
        head.append('Connection: close\r\n\r\n')
        s.write(''.join(head).encode())
        if data:
            s.write(data)
        status, reason = _status(s)
        while True:
            line = s.readline()
            if not line or line == b'\r\n':
                break
            if line.startswith(b'Transfer-Encoding:') and b'chunked' in line:
                raise ValueError('Unsupported ' + str(line, 'utf-8'))
            if line.startswith(b'Location:') and not 200 <= status <= 299:
                if status not in (301, 302, 303, 307, 308):
                    raise NotImplementedError('Redirect %d not yet supported' % status)
                redirect = str(line[10:], 'utf-8').strip()
            if parse_headers is True:
                k, v = str(line, 'utf-8').split(':', 1)
                fields[k] = v.strip()
            elif parse_headers is not False:
                parse_headers(line, fields)
    except OSError:
        s.close()
        raise
    if redirect:
        s.close()
        if status in (301, 302, 303):
            return request('GET', redirect, None, None, headers, stream)
        return request(method, redirect, data, None, headers, stream)
    r = Response(s)
    r.status_code = status
    r.reason = reason
    if fields is not None:
        r.headers = fields
    return r


def head(url, **kw):
    return request('HEAD', url, **kw)


def get(url, **kw):
    return request('GET', url, **kw)


def post(url, **kw):
    return request('POST', url, **kw)


def put(url, **kw):
    return request('PUT', url, **kw)


def patch(url, **kw):
    return request('PATCH', url, **kw)


def delete(url, **kw):
    return request('DELETE', url, **kw)
