// office-cases: the officers' queue and the cso's "open a case" form. The
// queue is GET /cases, which vetd scopes by need-to-know (a user sees the
// cases they are assigned to; the cso sees the organization's), filtered by
// state, assignee, level and kind, newest first, paged with `before`.

import { api } from '../api.js';
import { t, fmtDate } from '../i18n.js';
import { h, field, input, select, table, badge, errorBanner, showErrors, clearErrors, busy } from '../dom.js';
import { href, go } from '../router.js';
import { session } from '../session.js';
import { stateBadge, stateLabel } from './case-common.js';

const KINDS = ['new', 'renewal', 'upgrade', 'transfer_in', 'review_for_cause'];
const PAGE = 50;

async function policy() {
  if (!session.has('cso', 'adjudicator', 'authority', 'admin', 'auditor')) return null;
  return api.get('/policy').catch(() => null);
}

// The names in a policy list (strings or {name}) or the keys of a table.
function names(x) {
  if (!x) return [];
  if (Array.isArray(x)) return x.map((v) => (typeof v === 'string' ? v : v.name || v.id)).filter(Boolean);
  return Object.keys(x);
}

async function queue({ query }) {
  const pol = await policy();
  const states = names(pol && pol.workflow && pol.workflow.states);
  const levels = names(pol && pol.settings && pol.settings.levels);
  const q = { state: query.state, assignee: query.assignee, level: query.level, kind: query.kind, before: query.before, limit: PAGE };
  const ans = await api.get('/cases', q);
  const cases = ans.cases || [];

  const state = states.length ? select([['', t('common.all')], ...states.map((s) => [s, stateLabel(s)])], query.state || '')
    : input({ value: query.state || '' });
  const assignee = input({ value: query.assignee || '' });
  const level = levels.length ? select([['', t('common.all')], ...levels.map((l) => [l, l])], query.level || '') : input({ value: query.level || '' });
  const kind = select([['', t('common.all')], ...KINDS.map((k) => [k, t(`kind.${k}`)])], query.kind || '');
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('queue.filters') },
    field(t('common.state'), state), field(t('queue.assignee'), assignee), field(t('case.level'), level), field(t('case.kind'), kind),
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')),
    h('button', { type: 'button', onClick: () => go(`/cases?assignee=${encodeURIComponent(session.username())}`) }, t('queue.mine')));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, c] of [['state', state], ['assignee', assignee], ['level', level], ['kind', kind]]) if (c.value.trim()) p.set(k, c.value.trim());
    go(`/cases${p.toString() ? '?' + p : ''}`);
  });
  const rows = cases.map((c) => [
    h('a', { href: href(`/cases/${c.id}`) }, `#${c.id}`),
    c.applicant || '—', c.level, t(`kind.${c.kind}`),
    h('span', null, stateBadge(c.state), c.on_hold ? [' ', badge(t('queue.on_hold'), 'bad')] : null),
    fmtDate(c.opened_at), c.response_due ? h('span', { class: 'countdown' }, fmtDate(c.response_due)) : '—',
  ]);
  const next = cases.length === PAGE ? h('a', { href: href(`/cases?${new URLSearchParams({ ...query, before: cases[cases.length - 1].id })}`) }, t('queue.older')) : null;
  return h('div', null,
    h('h1', null, t('queue.title')),
    session.has('cso') ? h('p', null, h('a', { href: href('/cases/new'), class: 'button-link' }, t('queue.open_case'))) : null,
    filters,
    rows.length ? table(t('queue.caption', { n: rows.length }), ['#', t('case.applicant'), t('case.level'), t('case.kind'), t('common.state'), t('case.opened'), t('queue.response_due')], rows)
      : h('p', { class: 'muted' }, t('queue.empty')),
    next);
}

// The cso opens a case: for a person already on file (by id), or a new
// person recorded first (POST /persons), then POST /cases.
async function openCase() {
  const pol = await policy();
  const levels = names(pol && pol.settings && pol.settings.levels);
  const personId = input({ type: 'number', min: 1 });
  const name = input({ autocomplete: 'off' });
  const dob = input({ type: 'date' });
  const username = input({ autocapitalize: 'none' });
  const kind = select(KINDS.map((k) => [k, t(`kind.${k}`)]), 'new');
  const level = levels.length ? select(levels.map((l) => [l, l]), levels[0]) : input();
  const site = input();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('open.submit'));
  const form = h('form', { class: 'card', novalidate: true },
    h('fieldset', null, h('legend', null, t('open.person')),
      h('p', { class: 'hint' }, t('open.person_hint')),
      field(t('open.person_id'), personId, { path: 'person_id' }),
      h('div', { class: 'row-fields' },
        field(t('field.name'), name, { path: 'name' }),
        field(t('field.date_of_birth'), dob, { path: 'date_of_birth' }),
        field(t('open.username'), username, { path: 'username', hint: t('open.username_hint') }))),
    h('div', { class: 'row-fields' }, field(t('case.kind'), kind, { path: 'kind' }), field(t('case.level'), level, { path: 'level' }),
      field(t('case.site'), site, { path: 'site', hint: t('open.site_hint') })),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const ans = await busy(submit, form, async () => {
      let pid = Number(personId.value);
      if (!personId.value) {
        const body = { name: name.value.trim(), date_of_birth: dob.value };
        if (username.value.trim()) body.username = username.value.trim();
        const p = await api.post('/persons', body);
        pid = (p.person || p).id;
        personId.value = String(pid);
      }
      const body = { person_id: pid, kind: kind.value, level: level.value };
      if (site.value.trim()) body.site = site.value.trim();
      return api.post('/cases', body);
    });
    if (ans) go(`/cases/${ans.case.id}`);
  });
  return h('div', null, h('h1', null, t('open.title')), form);
}

export default {
  routes: [
    { path: '/cases', roles: ['cso', 'screening', 'interviewer', 'adjudicator', 'authority'], title: 'queue.title', render: queue },
    { path: '/cases/new', roles: ['cso'], title: 'open.title', render: openCase },
  ],
};

