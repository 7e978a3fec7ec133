// router: the interface's screens by URL hash (#/cases/8), so that every
// screen has an address to bookmark and the browser's back button works,
// and nginx serves one page. Routes come from the view modules:
//   { path: '/cases/:id', roles: ['cso', ...] or null, title: 'key',
//     render: async ({params, query, main}) => Node }

const routes = [];

export function add(list) {
  for (const r of list) {
    const names = [];
    const re = new RegExp('^' + r.path.replace(/:(\w+)/g, (m, n) => {
      names.push(n);
      return '([^/]+)';
    }) + '/?$');
    routes.push({ ...r, re, names });
  }
}

// match('#/cases/8?x=1') -> {route, params, query} or null.
export function match(hash) {
  const raw = (hash || '').replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params = {};
    r.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1]);
    });
    return { route: r, params, query: Object.fromEntries(new URLSearchParams(qs || '')), path };
  }
  return null;
}

export function go(path) {
  if (location.hash === '#' + path) setTimeout(() => window.dispatchEvent(new HashChangeEvent('hashchange')), 0);
  else location.hash = path;
}

// A link to a screen.
export function href(path) {
  return '#' + path;
}
