// api: the one way the interface talks to vetd. Every call goes to /api/v1,
// sends the session's CSRF token with every change, and turns vetd's JSON
// error shape ({"error":{"code","message","field","problems"}}) into an
// ApiError. A 401 on a signed-in session fires "vetd:signed-out" so the
// shell can show the sign-in page with the reason (session expired).

const BASE = '/api/v1';
let csrf = null;

export class ApiError extends Error {
  // status: the HTTP status (0 when the server was not reached); code,
  // message, field: vetd's error; problems: [{path, message}] for a
  // section's shape errors.
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || (status ? 'http_' + status : 'network');
    this.field = e.field || null;
    this.problems = Array.isArray(e.problems) ? e.problems : [];
    this.body = body;
  }
}

export function setCsrf(token) {
  csrf = token || null;
}

// Build "/api/v1/path?k=v" from a path and an object of query values
// (undefined, null and '' are left out).
export function url(path, query) {
  let u = BASE + path;
  if (query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query))
      if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const s = q.toString();
    if (s) u += (u.includes('?') ? '&' : '?') + s;
  }
  return u;
}

async function parse(res) {
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('application/json')) {
    try {
      return await res.json();
    } catch {
      return null;
    }
  }
  return null;
}

function expired(status, body, path) {
  if (status !== 401 || path === '/session') return;
  const code = body && body.error && body.error.code;
  window.dispatchEvent(new CustomEvent('vetd:signed-out', { detail: { code } }));
}

// request(method, path, {query, body, headers}) -> parsed JSON (or null).
// Throws ApiError on any status outside 2xx.
export async function request(method, path, opts = {}) {
  const headers = { Accept: 'application/json', ...(opts.headers || {}) };
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch(url(path, opts.query), {
      method, headers, body, credentials: 'same-origin', cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, { error: { code: 'network', message: 'vetd could not be reached' } });
  }
  const data = await parse(res);
  if (!res.ok) {
    expired(res.status, data, path);
    throw new ApiError(res.status, data);
  }
  return data;
}

export const api = {
  get: (path, query) => request('GET', path, { query }),
  post: (path, body, query) => request('POST', path, { body: body ?? {}, query }),
  put: (path, body) => request('PUT', path, { body }),
  del: (path) => request('DELETE', path),
};

// upload(path, file, query, onProgress) -> parsed JSON. The raw file is the
// body (vetd streams it into the vault); XMLHttpRequest because fetch has no
// upload progress. onProgress(fraction 0..1).
export function upload(path, file, query, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url(path, query));
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      let data = null;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        if (onProgress) onProgress(1);
        resolve(data);
      } else {
        expired(xhr.status, data, path);
        reject(new ApiError(xhr.status, data));
      }
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, { error: { code: 'network', message: 'vetd could not be reached' } })));
    xhr.send(file);
  });
}

// The URL of a document's decrypted bytes, for a download link.
export function documentUrl(id, release) {
  return url(`/documents/${encodeURIComponent(id)}`, release ? { release } : null);
}
