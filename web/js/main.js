// main: the shell of the interface. It loads the catalogues, asks vetd who
// is signed in, draws the header (the screens the user's roles open, the
// language switch, sign-out) and renders the screen the URL hash names.
// A 401 from any call (session expired or ended elsewhere) brings back the
// sign-in page with the reason, and the screen the user was on afterwards.

import * as i18n from './i18n.js';
import { t } from './i18n.js';
import { api } from './api.js';
import { session } from './session.js';
import * as router from './router.js';
import { h, clear, errorBanner, announce } from './dom.js';

import signin from './views/signin.js';
import my from './views/my.js';
import officeCases from './views/office-cases.js';
import officeCase from './views/office-case.js';
import register from './views/register.js';
import incidents from './views/incidents.js';
import dashboard from './views/dashboard.js';
import audit from './views/audit.js';

const OFFICE = ['cso', 'screening', 'interviewer', 'adjudicator', 'authority'];

// The header's links: [hash, catalogue key, roles that see it (null: all)].
const NAV = [
  ['/my', 'nav.my', ['applicant']],
  ['/cases', 'nav.cases', OFFICE],
  ['/register', 'nav.register', ['cso', 'authority', 'auditor', 'admin']],
  ['/incidents', 'nav.incidents', null],
  ['/dashboard', 'nav.dashboard', ['cso', 'authority', 'auditor', 'admin']],
  ['/audit', 'nav.audit', ['auditor', 'admin']],
];

let signedOutReason = null;
let afterSignIn = null;

function home() {
  if (session.has(...OFFICE)) return '/cases';
  if (session.has('auditor', 'admin')) return '/audit';
  if (session.has('applicant')) return '/my';
  return '/incidents';
}

function langSwitch() {
  const other = i18n.current() === 'en' ? 'fr' : 'en';
  return h('button', {
    type: 'button', class: 'link lang', lang: other,
    onClick: async () => {
      await i18n.use(other);
      render();
      announce(t('lang.switched'));
    },
  }, t(`lang.${other}`));
}

function header() {
  const top = clear(document.getElementById('top'));
  const brand = h('a', { class: 'brand', href: router.href('/') }, 'vetd');
  if (!session.me) {
    top.append(h('div', { class: 'bar' }, brand, h('div', { class: 'bar-end' }, langSwitch())));
    return;
  }
  const current = router.match(location.hash);
  const links = NAV.filter(([, , roles]) => !roles || session.has(...roles)).map(([path, key]) => {
    const here = current && (current.path === path || current.path.startsWith(path + '/'));
    return h('li', null, h('a', { href: router.href(path), 'aria-current': here ? 'page' : null }, t(key)));
  });
  const who = session.me.user ? session.me.user.display_name || session.me.user.name : '';
  top.append(h('div', { class: 'bar' }, brand,
    h('nav', { 'aria-label': t('nav.label') }, h('ul', null, links)),
    h('div', { class: 'bar-end' },
      h('span', { class: 'who' }, who, ' ', h('span', { class: 'muted' },
        `(${session.me.organization} · ${session.roles().map((r) => t(`role.${r}`)).join(', ')})`)),
      langSwitch(),
      h('button', { type: 'button', class: 'link', onClick: signOut }, t('nav.signout')))));
}

async function signOut() {
  try {
    await api.del('/session');
  } catch {
    // already gone: sign-in page either way
  }
  session.set(null);
  signedOutReason = 'signed_out';
  router.go('/');
}

let renderSeq = 0;

// Draw the screen the hash names into <main>.
export async function render() {
  const seq = ++renderSeq;
  header();
  const main = document.getElementById('main');
  if (!session.me) {
    clear(main).append(signin.render({
      reason: signedOutReason,
      onSignedIn: (me) => {
        session.set(me);
        signedOutReason = null;
        const back = afterSignIn;
        afterSignIn = null;
        if (back && back !== '/') router.go(back);
        else router.go(home());
        if (back === '/' || !back) render();
      },
    }));
    document.title = `${t('signin.title')} · vetd`;
    return;
  }
  const m = router.match(location.hash);
  const path = (location.hash.replace(/^#/, '') || '/').split('?')[0];
  if (path === '/') {
    router.go(home());
    return;
  }
  if (!m) {
    clear(main).append(h('h1', null, t('error.not_found')), h('p', null, h('a', { href: router.href(home()) }, t('error.home'))));
    document.title = `${t('error.not_found')} · vetd`;
    return;
  }
  const { route } = m;
  if (route.roles && !session.has(...route.roles)) {
    clear(main).append(h('h1', null, t('error.title')), h('p', { class: 'banner banner-error', role: 'alert' }, t('error.role')));
    return;
  }
  clear(main).append(h('p', { class: 'loading', 'aria-busy': 'true' }, t('common.loading')));
  let node;
  try {
    node = await route.render({ params: m.params, query: m.query, main, path: m.path });
  } catch (err) {
    if (err && err.status === 401) return;
    node = h('div', null, h('h1', null, t('error.title')), errorBanner(err));
  }
  if (seq !== renderSeq) return;
  clear(main).append(node);
  const h1 = main.querySelector('h1');
  document.title = `${h1 ? h1.textContent : t(route.title || 'app.name')} · vetd`;
  main.focus({ preventScroll: true });
}

async function boot() {
  await i18n.init();
  router.add(signin.routes || []);
  for (const v of [my, officeCases, officeCase, register, incidents, dashboard, audit]) router.add(v.routes || []);
  window.addEventListener('hashchange', render);
  // The skip link moves the focus to the screen without touching the hash,
  // which names the screen.
  document.querySelector('.skip').addEventListener('click', (e) => {
    e.preventDefault();
    document.getElementById('main').focus();
  });
  window.addEventListener('vetd:signed-out', (e) => {
    if (!session.me) return;
    session.set(null);
    signedOutReason = (e.detail && e.detail.code) || 'session_expired';
    afterSignIn = router.match(location.hash) ? router.match(location.hash).path : null;
    render();
  });
  try {
    await session.load();
  } catch (err) {
    clear(document.getElementById('main')).append(errorBanner(err));
    return;
  }
  await render();
}

boot();
