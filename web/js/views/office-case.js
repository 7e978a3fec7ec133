// office-case: a case as the office works it. The header, the workflow's
// steps (with vetd's reasons when one is closed), assignments (cso), what
// the policy says is missing, the file's sections (the office's own as
// forms: consent parts A, D and E, name checks, credit check, position,
// adverse information), the agency's notices, interviews, documents with
// their markings and verification, the adjudication (adjudicate.js) and
// the case's history. vetd decides who may do what; this screen only
// offers each role its own tools and shows vetd's answer.

import { api } from '../api.js';
import { t, fmtDate, fmtTime, has } from '../i18n.js';
import { h, fill, field, input, select, table, facts, badge, errorBanner, showErrors, clearErrors, announce, busy } from '../dom.js';
import { href } from '../router.js';
import { session } from '../session.js';
import { SECTIONS, CONSENT_PARTS, sectionForm, sectionView, sectionTitle } from '../casefile.js';
import { documentsPanel } from '../documents.js';
import { stateBadge, transitionsPanel } from './case-common.js';
import { adjudicationPanels } from './adjudicate.js';

const ROLES = ['screening', 'interviewer', 'adjudicator', 'authority'];
const NOTICE_TYPES = ['NRT', 'NRT_INSUFFICIENT', 'NOA_BRIEF'];
const METHODS = ['original_seen', 'trusted_third_party', 'notarised'];

function header(detail) {
  const c = detail.case;
  const p = detail.person || {};
  return [
    h('h1', null, t('case.title', { id: c.id, name: p.name || '', level: c.level })),
    facts([
      [t('common.state'), h('span', null, stateBadge(c.state), c.on_hold ? [' ', badge(t('queue.on_hold'), 'bad')] : null)],
      [t('case.kind'), t(`kind.${c.kind}`)], [t('case.level'), c.level], [t('case.site'), c.site],
      [t('case.applicant'), c.applicant], [t('field.date_of_birth'), fmtDate(p.date_of_birth)],
      [t('case.opened'), fmtDate(c.opened_at)], [t('case.submitted'), fmtDate(c.submitted_at)],
      [t('queue.response_due'), fmtDate(c.response_due)],
    ]),
  ];
}

function assignments(detail, reload) {
  const c = detail.case;
  const box = h('section', { class: 'card', 'aria-labelledby': 'assign-h' }, h('h2', { id: 'assign-h' }, t('assign.title')),
    (detail.assignments || []).length ? h('ul', null, detail.assignments.map((a) => h('li', null, `${t(`role.${a.role}`)}: ${a.username}`)))
      : h('p', { class: 'muted' }, t('assign.none')));
  if (!session.has('cso')) return box;
  const role = select(ROLES.map((r) => [r, t(`role.${r}`)]), 'screening');
  const user = input({ autocapitalize: 'none' });
  const add = h('button', { type: 'submit' }, t('assign.add'));
  const form = h('form', { class: 'filters', novalidate: true }, field(t('assign.role'), role, { path: 'role' }),
    field(t('assign.username'), user, { path: 'username' }), add);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const ok = await busy(add, form, () => api.post(`/cases/${c.id}/assignments`, { role: role.value, username: user.value.trim() }));
    if (ok) {
      announce(t('assign.done', { user: user.value.trim() }));
      reload();
    }
  });
  box.append(form);
  return box;
}

async function requirements(id) {
  const ans = await api.get(`/cases/${id}/requirements`).catch(() => null);
  if (!ans) return null;
  const list = ans.requirements || [];
  return h('section', { class: 'card', 'aria-labelledby': 'oreq-h' }, h('h2', { id: 'oreq-h' }, t('req.title')),
    list.length ? h('ul', { class: 'requirements' }, list.map((r) => h('li', null, badge(r.severity, r.severity === 'error' ? 'bad' : 'warn'), ' ', r.message,
      r.cites && r.cites.length ? h('span', { class: 'muted' }, ` (${r.cites.join(', ')})`) : null)))
      : h('p', { class: 'banner banner-ok' }, t('req.none')));
}

// The file's sections: everyone reads; screening and the cso fill the
// office's own (the cso alone the position).
function sections(detail, reload) {
  const c = detail.case;
  const office = session.has('screening', 'cso');
  return h('section', { 'aria-labelledby': 'file-h' }, h('h2', { id: 'file-h' }, t('case.file')),
    SECTIONS.map((s) => {
      const cur = detail.sections[s.name];
      const writable = office && (s.by === 'office' || s.consent) && (s.name !== 'position' || session.has('cso'));
      return h('details', { id: `sec-${s.name}` }, h('summary', null, sectionTitle(s.name), cur ? null : h('span', { class: 'muted' }, ` — ${t('casefile.empty')}`)),
        sectionView(s.name, cur),
        writable ? sectionForm(c.id, s.name, cur, { parts: CONSENT_PARTS.office, onSaved: reload }) : null);
    }));
}

function notices(detail, reload) {
  const c = detail.case;
  const list = detail.sections.notices ? detail.sections.notices.data : [];
  const box = h('section', { class: 'card', 'aria-labelledby': 'notices-h' }, h('h2', { id: 'notices-h' }, t('notice.title')),
    list && list.length ? table(null, [t('notice.type'), t('common.date'), t('notice.reference')],
      list.map((n) => [t(`notice.${n.type}`), fmtDate(n.date), n.reference || ''])) : h('p', { class: 'muted' }, t('notice.none')));
  if (!session.has('screening', 'cso')) return box;
  const type = select(NOTICE_TYPES.map((x) => [x, t(`notice.${x}`)]), 'NRT');
  const date = input({ type: 'date', value: new Date().toISOString().slice(0, 10) });
  const ref = input();
  const add = h('button', { type: 'submit' }, t('notice.add'));
  const form = h('form', { novalidate: true }, h('div', { class: 'row-fields' }, field(t('notice.type'), type, { path: 'type' }),
    field(t('notice.date'), date, { path: 'date', required: true }), field(t('notice.reference'), ref, { path: 'reference' })), h('div', { class: 'actions' }, add));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { type: type.value, date: date.value };
    if (ref.value.trim()) body.reference = ref.value.trim();
    const ok = await busy(add, form, () => api.post(`/cases/${c.id}/notices`, body));
    if (ok) reload();
  });
  box.append(form);
  return box;
}

function interviews(detail, reload) {
  const c = detail.case;
  const list = detail.sections.interviews ? detail.sections.interviews.data : [];
  const box = h('section', { class: 'card', 'aria-labelledby': 'iv-h' }, h('h2', { id: 'iv-h' }, t('interview.title')),
    list && list.length ? table(null, [t('common.date'), t('interview.interviewers'), t('interview.outcome')],
      list.map((n) => [fmtDate(n.date), (n.interviewers || []).join(', '), t(`interview.${n.outcome}`)])) : h('p', { class: 'muted' }, t('interview.none')));
  if (!session.has('interviewer')) return box;
  const date = input({ type: 'date', value: new Date().toISOString().slice(0, 10) });
  const who = input({ value: session.username() });
  const outcome = select(['completed', 'refused', 'inconclusive'].map((x) => [x, t(`interview.${x}`)]), 'completed');
  const notes = h('textarea', { rows: 4 });
  const add = h('button', { type: 'submit' }, t('interview.add'));
  const form = h('form', { novalidate: true }, h('div', { class: 'row-fields' }, field(t('interview.date'), date, { path: 'date', required: true }),
    field(t('interview.interviewers'), who, { path: 'interviewers', hint: t('hint.strings') }), field(t('interview.outcome'), outcome, { path: 'outcome' })),
  field(t('interview.notes'), notes, { path: 'notes' }), h('div', { class: 'actions' }, add));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { date: date.value, interviewers: who.value.split(/[\s,]+/).filter(Boolean), outcome: outcome.value };
    if (notes.value.trim()) body.notes = notes.value.trim();
    const ok = await busy(add, form, () => api.post(`/cases/${c.id}/interviews`, body));
    if (ok) reload();
  });
  box.append(form);
  return box;
}

// A document's verification (REGDOC 5.2.4), for screening and the cso.
function verify(doc, refresh) {
  if (doc.verification) return t(`verify.${doc.verification.method}`);
  if (!session.has('screening', 'cso') || doc.shredded) return '';
  const method = select(METHODS.map((m) => [m, t(`verify.${m}`)]), 'original_seen', { 'aria-label': t('verify.method_of', { name: doc.filename }) });
  const go = h('button', { type: 'button' }, t('verify.record'));
  const box = h('div', { class: 'filters' }, method, go);
  go.addEventListener('click', async () => {
    const ok = await busy(go, box, () => api.post(`/documents/${doc.id}/verification`, { method: method.value }));
    if (ok) refresh();
  });
  return box;
}

function events(list) {
  return h('section', { 'aria-labelledby': 'ev-h' }, h('h2', { id: 'ev-h' }, t('events.title')),
    h('ol', { class: 'timeline' }, list.map((e) => h('li', null,
      h('strong', null, has(`event.${e.type}`) ? t(`event.${e.type}`) : e.type), ' ',
      h('span', { class: 'muted' }, `${fmtTime(e.ts)} · ${e.actor || ''}`),
      e.detail ? h('div', { class: 'hint' }, summary(e.detail)) : null))));
}

function summary(d) {
  return Object.entries(d).filter(([, v]) => v !== null && typeof v !== 'object').map(([k, v]) => `${k}: ${v}`).join(' · ');
}

async function page({ params }) {
  const id = params.id;
  const root = h('div');
  async function draw() {
    let detail;
    try {
      detail = await api.get(`/cases/${id}`);
    } catch (err) {
      fill(root, h('h1', null, t('case.title_short', { id })), errorBanner(err));
      return;
    }
    const [steps, reqs, ev] = await Promise.all([
      transitionsPanel(id, draw, { except: ['grant', 'deny', 'send_concerns', 'response_received', 'acknowledge_briefing'] }),
      requirements(id),
      api.get(`/cases/${id}/events`).catch(() => ({ events: [] })),
    ]);
    fill(root, 
      ...header(detail),
      h('p', null, h('a', { href: href('/cases') }, t('case.back'))),
      h('div', { class: 'cols' },
        h('div', null, steps, ...adjudicationPanels(detail, draw), reqs, sections(detail, draw), notices(detail, draw), interviews(detail, draw),
          documentsPanel('cases', id, { canUpload: session.has('screening', 'cso', 'interviewer'), extra: verify })),
        h('div', null, assignments(detail, draw), events(ev.events || []))));
  }
  await draw();
  return root;
}

export default {
  routes: [
    { path: '/cases/:id', roles: ['cso', 'screening', 'interviewer', 'adjudicator', 'authority'], title: 'queue.title', render: page },
  ],
};
