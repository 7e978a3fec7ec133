// audit: the audit trail of the organization (auditor, admin): every
// sign-in, read of personal data, change and refusal, newest first,
// filtered by actor, target, action and period, paged with `before`.

import { api } from '../api.js';
import { t, fmtTime } from '../i18n.js';
import { h, field, input, table } from '../dom.js';
import { href, go } from '../router.js';

async function page({ query }) {
  const q = { actor: query.actor, target: query.target, action: query.action, from: query.from, to: query.to, before: query.before, limit: 100 };
  const ans = await api.get('/audit', q);
  const ctl = {
    actor: input({ value: query.actor || '' }), target: input({ value: query.target || '' }), action: input({ value: query.action || '' }),
    from: input({ type: 'date', value: query.from || '' }), to: input({ type: 'date', value: query.to || '' }),
  };
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('audit.filters') },
    field(t('audit.actor'), ctl.actor, { hint: t('audit.actor_hint') }), field(t('audit.target'), ctl.target), field(t('audit.action'), ctl.action),
    field(t('dash.from'), ctl.from), field(t('dash.to'), ctl.to), h('button', { type: 'submit', class: 'primary' }, t('audit.search')));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, c] of Object.entries(ctl)) if (c.value.trim()) p.set(k, c.value.trim());
    go(`/audit${p.toString() ? '?' + p : ''}`);
  });
  const events = ans.events || [];
  const detail = (d) => (d && Object.keys(d).length ? Object.entries(d).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ') : '');
  return h('div', null, h('h1', null, t('audit.title')), filters,
    events.length ? table(t('audit.caption', { n: events.length }), [t('audit.when'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.detail')],
      events.map((e) => [fmtTime(e.ts), e.actor, e.action, e.target || '', detail(e.detail)])) : h('p', { class: 'muted' }, t('audit.none')),
    events.length === 100 ? h('a', { href: href(`/audit?${new URLSearchParams({ ...query, before: events[events.length - 1].id })}`) }, t('audit.older')) : null);
}

export default {
  routes: [{ path: '/audit', roles: ['auditor', 'admin'], title: 'audit.title', render: page }],
};
