// register: the clearance register (REGDOC-2.12.2 7.0 and 5.4.2): who
// holds which clearance and until when, with filters for the level, the
// status, the site, those expiring in the next 180 days and those whose
// restriction review is overdue; one clearance with its restrictions and
// its history after the decision.

import { api } from '../api.js';
import { t, fmtDate, fmtTime, has } from '../i18n.js';
import { h, fill, field, input, select, table, facts, badge, errorBanner } from '../dom.js';
import { href, go } from '../router.js';

const STATUSES = ['active', 'restricted', 'alternative_work', 'suspended', 'expired', 'revoked', 'terminated'];
const PAGE = 100;

export function plusDays(n) {
  return new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
}

export function statusBadge(s) {
  const label = has(`reg.status.${s}`) ? t(`reg.status.${s}`) : s;
  return badge(label, s === 'active' ? 'ok' : ['revoked', 'suspended', 'expired', 'terminated'].includes(s) ? 'bad' : 'warn');
}

async function list({ query }) {
  const q = { status: query.status, level: query.level, site: query.site, expiring_before: query.expiring_before, review_due: query.review_due, before: query.before, limit: PAGE };
  const ans = await api.get('/clearances', q);
  const rows = (ans.clearances || []).map((c) => [
    h('a', { href: href(`/register/${c.id}`) }, c.name || c.holder || `#${c.id}`), c.level, statusBadge(c.status), c.site || '—',
    fmtDate(c.granted_on), fmtDate(c.expires_on), (c.restrictions || []).length ? String(c.restrictions.length) : '—',
  ]);
  const status = select([['', t('common.all')], ...STATUSES.map((s) => [s, has(`reg.status.${s}`) ? t(`reg.status.${s}`) : s])], query.status || '');
  const level = input({ value: query.level || '' });
  const site = input({ value: query.site || '' });
  const exp = input({ type: 'date', value: query.expiring_before || '' });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('reg.filters') },
    field(t('reg.status'), status), field(t('case.level'), level), field(t('case.site'), site), field(t('reg.expiring_before'), exp),
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (status.value) p.set('status', status.value);
    for (const [k, c] of [['level', level], ['site', site], ['expiring_before', exp]]) if (c.value.trim()) p.set(k, c.value.trim());
    go(`/register${p.toString() ? '?' + p : ''}`);
  });
  const list = ans.clearances || [];
  return h('div', null, h('h1', null, t('reg.title')),
    h('ul', { class: 'legend' },
      h('li', null, h('a', { href: href(`/register?expiring_before=${plusDays(180)}`) }, t('reg.expiring_soon'))),
      h('li', null, h('a', { href: href('/register?review_due=true') }, t('reg.review_due'))),
      h('li', null, h('a', { href: href('/register') }, t('reg.everyone')))),
    filters,
    rows.length ? table(t('reg.caption', { n: rows.length }), [t('reg.holder'), t('case.level'), t('reg.status'), t('case.site'), t('reg.granted'), t('reg.expires'), t('reg.restrictions')], rows)
      : h('p', { class: 'muted' }, t('reg.none')),
    list.length === PAGE ? h('a', { href: href(`/register?${new URLSearchParams({ ...query, before: list[list.length - 1].id })}`) }, t('reg.more')) : null);
}

async function one({ params }) {
  const root = h('div');
  let c;
  try {
    const ans = await api.get(`/clearances/${params.id}`);
    c = ans.clearance || ans;
  } catch (err) {
    return fill(root, h('h1', null, t('reg.title')), errorBanner(err));
  }
  const ev = await api.get(`/clearances/${params.id}/events`).catch(() => ({ events: [] }));
  return fill(root, h('h1', null, t('reg.one', { name: c.name || c.holder, level: c.level })),
    h('p', null, h('a', { href: href('/register') }, t('reg.back'))),
    facts([[t('reg.holder'), c.name], [t('reg.account'), c.holder], [t('case.level'), c.level], [t('reg.status'), statusBadge(c.status)], [t('case.site'), c.site],
      [t('reg.granted'), fmtDate(c.granted_on)], [t('reg.expires'), fmtDate(c.expires_on)],
      [t('reg.case'), c.case_id ? h('a', { href: href(`/cases/${c.case_id}`) }, `#${c.case_id}`) : null]]),
    h('h2', null, t('reg.restrictions')),
    (c.restrictions || []).length ? table(null, [t('restr.type'), t('restr.detail'), t('restr.review')],
      c.restrictions.map((r) => [has(`restr.${r.type}`) ? t(`restr.${r.type}`) : r.type, r.detail || '', fmtDate(r.review_date)])) : h('p', { class: 'muted' }, t('common.none')),
    h('h2', null, t('events.title')),
    (ev.events || []).length ? h('ol', { class: 'timeline' }, ev.events.map((e) => h('li', null, h('strong', null, e.type), ' ',
      h('span', { class: 'muted' }, `${fmtTime(e.ts)} · ${e.actor || ''}`)))) : h('p', { class: 'muted' }, t('common.none')));
}

export default {
  routes: [
    { path: '/register', roles: ['cso', 'authority', 'auditor', 'admin'], title: 'reg.title', render: list },
    { path: '/register/:id', roles: ['cso', 'authority', 'auditor', 'admin'], title: 'reg.title', render: one },
  ],
};
