// incidents: security incident and change-of-circumstance reports (the
// Contract Security Program's reporting page, reference 000). Anyone files
// one, answering the sensitive-material question under the standing
// guidance; the list shows what vetd lets the caller see; the cso handles a
// report through the incident workflow: the inquiry's written record
// (entries never changed, corrections after the final one), a breach's
// cause and corrective measures, the report to the authority, closure.

import { api, url } from '../api.js';
import { t, fmtDate, fmtTime, has } from '../i18n.js';
import { h, fill, field, input, select, table, facts, badge, errorBanner, clearErrors, showErrors, announce, busy, nextId } from '../dom.js';
import { href, go } from '../router.js';
import { session } from '../session.js';
import { stateBadge, transitionsPanel } from './case-common.js';
import { documentsPanel } from '../documents.js';

const TYPES = ['security_incident', 'security_breach', 'security_contact', 'change_of_circumstances', 'change_of_behaviour'];
const CIRCUMSTANCES = ['conviction', 'charge', 'citizenship', 'cohabitation', 'foreign_travel', 'foreign_contact', 'financial', 'other'];
const today = () => new Date().toISOString().slice(0, 10);

function typeLabel(x) {
  return has(`inc.type.${x}`) ? t(`inc.type.${x}`) : x;
}

function urgencyBadge(u) {
  return u ? badge(t(`inc.urgency.${u}`), u === 'urgent' ? 'bad' : null) : '';
}

async function list({ query }) {
  const q = { type: query.type, state: query.state, urgency: query.urgency, limit: 100 };
  const ans = await api.get('/incidents', q);
  const type = select([['', t('common.all')], ...TYPES.map((x) => [x, typeLabel(x)])], query.type || '');
  const urgency = select([['', t('common.all')], ['urgent', t('inc.urgency.urgent')], ['normal', t('inc.urgency.normal')]], query.urgency || '');
  const state = input({ value: query.state || '' });
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': t('inc.filters') },
    field(t('inc.type'), type), field(t('common.state'), state), field(t('inc.urgency'), urgency), h('button', { type: 'submit', class: 'primary' }, t('common.filter')));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    if (type.value) p.set('type', type.value);
    if (state.value.trim()) p.set('state', state.value.trim());
    if (urgency.value) p.set('urgency', urgency.value);
    go(`/incidents${p.toString() ? '?' + p : ''}`);
  });
  const rows = (ans.incidents || []).map((i) => [
    h('a', { href: href(`/incidents/${i.id}`) }, `#${i.id}`), typeLabel(i.type), stateBadge(i.state), urgencyBadge(i.urgency),
    fmtDate(i.occurred_on), i.due_at ? fmtTime(i.due_at) : '—',
  ]);
  return h('div', null, h('h1', null, t('inc.title')),
    h('p', null, h('a', { href: href('/incidents/new') }, t('inc.new'))),
    filters,
    rows.length ? table(null, ['#', t('inc.type'), t('common.state'), t('inc.urgency'), t('inc.occurred_on'), t('common.due')], rows)
      : h('p', { class: 'muted' }, t('inc.none')));
}

function radio(name, value, label, checked) {
  const id = nextId('r');
  return h('span', { class: 'field-check' }, h('input', { type: 'radio', name, value, id, checked }), h('label', { for: id }, label));
}

async function fileForm({ query }) {
  const type = select(TYPES.map((x) => [x, typeLabel(x)]), TYPES.includes(query.type) ? query.type : 'security_incident');
  const circumstance = select([['', '—'], ...CIRCUMSTANCES.map((x) => [x, t(`inc.circ.${x}`)])], '');
  const circField = field(t('inc.circumstance'), circumstance, { path: 'circumstance' });
  const occurred = input({ type: 'date', value: today() });
  const location = input();
  const description = h('textarea', { rows: 5 });
  const involved = input();
  const subject = input({ autocapitalize: 'none' });
  const named = input({ autocapitalize: 'none' });
  const confidential = input({ type: 'checkbox' });
  const sensitive = h('fieldset', { 'aria-describedby': 'inc-guidance' }, h('legend', null, t('inc.sensitive'), h('span', { class: 'req', 'aria-hidden': 'true' }, ' *')),
    radio('sensitive', 'no', t('common.no')), ' ', radio('sensitive', 'yes', t('common.yes')));
  sensitive.dataset.path = 'sensitive_material';
  sensitive.id = 'inc-sensitive';
  const sensErr = h('p', { class: 'field-error', id: 'inc-sensitive-err', hidden: true });
  const sync = () => {
    circField.hidden = type.value !== 'change_of_circumstances';
  };
  type.addEventListener('change', sync);
  sync();
  const submit = h('button', { type: 'submit', class: 'primary' }, t('inc.file'));
  const form = h('form', { class: 'card', novalidate: true },
    field(t('inc.type'), type, { path: 'type', required: true }), circField,
    field(t('inc.occurred_on'), occurred, { path: 'occurred_on', required: true }),
    field(t('inc.location'), location, { path: 'location' }),
    field(t('inc.description'), description, { path: 'description', required: true, hint: t('inc.description_hint') }),
    field(t('inc.involved'), involved, { path: 'involved' }),
    field(t('inc.subject'), subject, { path: 'subject', hint: t('inc.subject_hint') }),
    field(t('inc.named'), named, { path: 'named', hint: t('inc.named_hint') }),
    field(t('inc.confidential'), confidential, { path: 'confidential', hint: t('inc.confidential_hint') }),
    h('p', { class: 'guidance', id: 'inc-guidance' }, t('inc.guidance')),
    sensitive, sensErr,
    h('div', { class: 'actions' }, submit));
  const out = h('div');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    sensErr.hidden = true;
    const s = form.querySelector('input[name="sensitive"]:checked');
    const body = { type: type.value, occurred_on: occurred.value, description: description.value };
    if (s) body.sensitive_material = s.value === 'yes';
    if (location.value.trim()) body.location = location.value.trim();
    if (involved.value.trim()) body.involved = involved.value.trim();
    if (subject.value.trim()) body.subject = subject.value.trim();
    if (named.value.trim()) body.named = named.value.split(/[\s,]+/).filter(Boolean);
    if (confidential.checked) body.confidential = true;
    if (type.value === 'change_of_circumstances' && circumstance.value) body.circumstance = circumstance.value;
    const ans = await busy(submit, form, () => api.post('/incidents', body));
    if (!ans) {
      const err = form.querySelector('.form-error');
      if (err && !s) {
        sensErr.textContent = t('inc.sensitive_needed');
        sensErr.hidden = false;
      }
      return;
    }
    const i = ans.incident;
    announce(t('inc.filed', { id: i.id }));
    fill(out, h('div', { class: 'banner banner-ok', role: 'status' },
      h('p', null, t('inc.filed', { id: i.id })),
      facts([[t('common.state'), stateBadge(i.state)], [t('inc.urgency'), urgencyBadge(i.urgency)], [t('common.due'), fmtTime(i.due_at)]]),
      ans.guidance ? h('p', { class: 'guidance' }, ans.guidance) : null,
      h('p', null, h('a', { href: href(`/incidents/${i.id}`) }, t('inc.see', { id: i.id })))));
    form.reset();
    sync();
    out.querySelector('a').focus();
  });
  return h('div', null, h('h1', null, t('inc.new')), h('p', null, t('inc.new_intro')), out, form);
}

// A small form posting body() to path, then reload().
function miniForm(title, fields, label, path, body, reload) {
  const send = h('button', { type: 'submit' }, label);
  const form = h('form', { class: 'card', novalidate: true }, h('h3', null, title), fields, h('div', { class: 'actions' }, send));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const ok = await busy(send, form, () => api.post(path, body()));
    if (ok) reload();
  });
  return form;
}

function inquiry(inc, reload) {
  const entries = inc.inquiry || [];
  const finalDone = entries.some((x) => x.final);
  const box = h('section', { 'aria-labelledby': 'inq-h' }, h('h2', { id: 'inq-h' }, t('inq.title')),
    entries.length ? h('ol', { class: 'timeline' }, entries.map((x) => h('li', null,
      h('strong', null, x.final ? t('inq.final_entry') : x.corrects ? t('inq.correction', { n: x.corrects }) : t('inq.entry', { n: x.id })), ' ',
      h('span', { class: 'muted' }, `${fmtTime(x.ts)} · ${x.author}`),
      facts([[t('inq.what'), x.what], [t('inq.spoken_to'), x.spoken_to], [t('inq.findings'), x.findings]]))))
      : h('p', { class: 'muted' }, t('inq.none')),
    inc.cause ? h('div', { class: 'card' }, h('h3', null, t('inq.cause_title')),
      facts([[t('inq.cause'), inc.cause.finding], [t('inq.cause_by'), `${fmtTime(inc.cause.at)} · ${inc.cause.by}`]])) : null);
  if (!session.has('cso') || inc.state === 'closed') return box;
  const what = h('textarea', { rows: 2 });
  const spoken = input();
  const findings = h('textarea', { rows: 3 });
  const final = input({ type: 'checkbox' });
  const corrects = input({ type: 'number', min: 1 });
  const arranged = input({ type: 'checkbox' });
  box.append(miniForm(t('inq.add'), [
    field(t('inq.what'), what, { path: 'what' }), field(t('inq.spoken_to'), spoken, { path: 'spoken_to' }),
    field(t('inq.findings'), findings, { path: 'findings' }),
    finalDone ? field(t('inq.corrects'), corrects, { path: 'corrects', hint: t('inq.corrects_hint') }) : field(t('inq.final'), final, { path: 'final', hint: t('inq.final_hint') }),
    inc.sensitive_material ? field(t('inq.arranged'), arranged, { path: 'sensitive_material_arranged' }) : null,
  ], t('inq.record'), `/incidents/${inc.id}/inquiry`, () => {
    const b = {};
    if (what.value.trim()) b.what = what.value.trim();
    if (spoken.value.trim()) b.spoken_to = spoken.value.trim();
    if (findings.value.trim()) b.findings = findings.value.trim();
    if (!finalDone && final.checked) b.final = true;
    if (finalDone && corrects.value) b.corrects = Number(corrects.value);
    if (arranged.checked) b.sensitive_material_arranged = true;
    return b;
  }, reload));
  if (inc.type === 'security_breach' && !inc.cause) {
    const cause = h('textarea', { rows: 3 });
    box.append(miniForm(t('inq.cause_title'), [field(t('inq.cause'), cause, { path: 'cause' })], t('inq.cause_record'),
      `/incidents/${inc.id}/inquiry`, () => ({ cause: cause.value }), reload));
  }
  return box;
}

function measures(inc, reload) {
  if (inc.type !== 'security_breach') return null;
  const list = inc.measures || [];
  const box = h('section', { 'aria-labelledby': 'ms-h' }, h('h2', { id: 'ms-h' }, t('ms.title')));
  const cso = session.has('cso') && inc.state !== 'closed';
  box.append(list.length ? table(null, [t('ms.description'), t('ms.owner'), t('ms.due'), t('common.state'), ''], list.map((m) => {
    let act = '';
    if (cso && !m.done_on && !m.waived) {
      const on = input({ type: 'date', value: today(), 'aria-label': t('ms.done_on_of', { n: m.id }) });
      const done = h('button', { type: 'button' }, t('ms.done'));
      const why = input({ 'aria-label': t('ms.waive_reason_of', { n: m.id }) });
      const waive = h('button', { type: 'button' }, t('ms.waive'));
      act = h('div', { class: 'filters' }, on, done, why, waive);
      done.addEventListener('click', async () => {
        if (await busy(done, act, () => api.post(`/incidents/${inc.id}/measures`, { measure_id: m.id, done_on: on.value }))) reload();
      });
      waive.addEventListener('click', async () => {
        if (await busy(waive, act, () => api.post(`/incidents/${inc.id}/measures`, { measure_id: m.id, waived: why.value }))) reload();
      });
    }
    return [m.description, m.owner, fmtDate(m.due_on), m.done_on ? badge(t('ms.done_on', { date: fmtDate(m.done_on) }), 'ok') : m.waived ? badge(t('ms.waived'), 'warn') : badge(t('ms.open'), 'bad'), act];
  })) : h('p', { class: 'muted' }, t('ms.none')));
  if (cso) {
    const desc = input();
    const owner = input({ autocapitalize: 'none' });
    const due = input({ type: 'date' });
    box.append(miniForm(t('ms.add'), [h('div', { class: 'row-fields' }, field(t('ms.description'), desc, { path: 'description' }),
      field(t('ms.owner'), owner, { path: 'owner', hint: t('ms.owner_hint') }), field(t('ms.due'), due, { path: 'due_on' }))],
    t('ms.add_button'), `/incidents/${inc.id}/measures`, () => ({ description: desc.value, owner: owner.value.trim(), due_on: due.value }), reload));
  }
  return box;
}

function authorityReport(inc, reload) {
  if (!session.has('cso')) return null;
  const box = h('section', { 'aria-labelledby': 'rp-h' }, h('h2', { id: 'rp-h' }, t('rp.title')),
    h('p', null, h('a', { href: url(`/incidents/${inc.id}/report`, { format: 'html' }), target: '_blank', rel: 'noopener' }, t('rp.print'))));
  if (inc.authority_report) {
    const r = inc.authority_report;
    box.append(h('p', { class: 'banner banner-ok' }, t('rp.sent', { date: fmtDate(r.sent_on), how: r.how || '', ref: r.reference || '—' })));
    return box;
  }
  if (inc.state === 'closed') return box;
  const on = input({ type: 'date', value: today() });
  const how = input();
  const ref = input();
  box.append(miniForm(t('rp.mark'), [h('div', { class: 'row-fields' }, field(t('rp.sent_on'), on, { path: 'sent_on' }), field(t('rp.how'), how, { path: 'how', hint: t('rp.how_hint') }),
    field(t('rp.reference'), ref, { path: 'reference' }))], t('rp.mark_button'), `/incidents/${inc.id}/report/sent`,
  () => {
    const b = { sent_on: on.value, how: how.value.trim() };
    if (ref.value.trim()) b.reference = ref.value.trim();
    return b;
  }, reload));
  return box;
}

async function detail({ params }) {
  const root = h('div');
  async function draw() {
    let ans;
    try {
      ans = await api.get(`/incidents/${params.id}`);
    } catch (err) {
      fill(root, h('h1', null, t('inc.report', { id: params.id })), errorBanner(err));
      return;
    }
    const inc = ans.incident;
    const steps = session.has('cso') ? await transitionsPanel(inc.id, draw, { base: 'incidents' }) : null;
    fill(root,
      h('h1', null, t('inc.report_title', { id: inc.id, type: typeLabel(inc.type) })),
      h('p', null, h('a', { href: href('/incidents') }, t('inc.back'))),
      facts([[t('common.state'), stateBadge(inc.state)], [t('inc.urgency'), urgencyBadge(inc.urgency)], [t('common.due'), fmtTime(inc.due_at)],
        [t('inc.occurred_on'), fmtDate(inc.occurred_on)], [t('inc.location'), inc.location], [t('inc.description'), inc.description],
        [t('inc.involved'), inc.involved], [t('inc.subject'), inc.subject], [t('inc.circumstance'), inc.circumstance ? t(`inc.circ.${inc.circumstance}`) : null],
        [t('inc.reporter'), inc.reporter], [t('inc.confidential'), inc.confidential ? t('common.yes') : null],
        [t('inc.sensitive_short'), inc.sensitive_material === undefined ? null : inc.sensitive_material ? t('common.yes') : t('common.no')],
        [t('inc.reported_at'), fmtTime(inc.reported_at)], [t('inc.closed_at'), fmtTime(inc.closed_at)],
        [t('inc.review_case'), inc.review_case_id ? h('a', { href: href(`/cases/${inc.review_case_id}`) }, `#${inc.review_case_id}`) : null]]),
      (inc.tasks || []).length ? h('div', { class: 'banner banner-warn' }, h('p', null, t('inc.tasks')), h('ul', null, inc.tasks.map((x) => h('li', null,
        has(`inc.task.${x.kind}`) ? t(`inc.task.${x.kind}`) : x.kind, ' ', x.done ? badge(t('inc.task.done'), 'ok') : badge(t('ms.open'), 'bad'))))) : null,
      steps,
      session.has('cso') || (inc.inquiry || []).length ? inquiry(inc, draw) : null,
      measures(inc, draw),
      authorityReport(inc, draw),
      documentsPanel('incidents', inc.id, { canUpload: session.has('cso') || inc.reporter === session.username() }),
      (inc.events || []).length ? h('section', { 'aria-labelledby': 'iev-h' }, h('h2', { id: 'iev-h' }, t('events.title')),
        h('ol', { class: 'timeline' }, inc.events.map((e) => h('li', null, h('strong', null, e.type), ' ', h('span', { class: 'muted' }, `${fmtTime(e.ts)} · ${e.actor}`))))) : null);
  }
  await draw();
  return root;
}

export default {
  routes: [
    { path: '/incidents', roles: null, title: 'inc.title', render: list },
    { path: '/incidents/new', roles: null, title: 'inc.new', render: fileForm },
    { path: '/incidents/:id', roles: null, title: 'inc.title', render: detail },
  ],
};
