// my: the applicant's portal. "My application" lists the person's own
// cases (vetd answers only theirs); a case's page shows what is still
// missing (the policy's requirements, refreshed after every save, each
// linked to its section), the applicant's sections as forms, documents with
// upload, submission, the answer to concerns within the window (with the
// days left), the briefing acknowledgement, and appeals.

import { api } from '../api.js';
import { t, fmtDate, fmtTime, has } from '../i18n.js';
import { h, fill, field, input, button, badge, facts, table, errorBanner, showErrors, clearErrors, announce, busy } from '../dom.js';
import { href } from '../router.js';
import { SECTIONS, CONSENT_PARTS, sectionForm, sectionTitle, sectionOfPath } from '../casefile.js';
import { documentsPanel } from '../documents.js';
import { stateBadge, transitionsPanel } from './case-common.js';

async function listScreen() {
  const [cases, appeals] = await Promise.all([
    api.get('/cases'),
    api.get('/appeals').catch(() => ({ appeals: [] })),
  ]);
  const rows = (cases.cases || []).map((c) => [
    h('a', { href: href(`/my/${c.id}`) }, t('my.case_link', { id: c.id, level: c.level })),
    t(`kind.${c.kind}`), stateBadge(c.state), fmtDate(c.opened_at), fmtDate(c.submitted_at) || '—',
  ]);
  return h('div', null,
    h('h1', null, t('my.title')),
    rows.length ? table(t('my.cases'), [t('my.case'), t('case.kind'), t('common.state'), t('case.opened'), t('case.submitted')], rows)
      : h('p', { class: 'banner banner-info' }, t('my.no_cases')),
    (appeals.appeals || []).length ? h('section', null, h('h2', null, t('my.appeals')),
      table(null, [t('appeal.id'), t('common.state'), t('appeal.lodged')],
        appeals.appeals.map((a) => [String(a.id), badge(appealStatus(a.status)), fmtDate(a.lodged_on)]))) : null,
    h('section', { class: 'card' }, h('h2', null, t('my.change_title')), h('p', null, t('my.change_text')),
      h('a', { href: href('/incidents/new?type=change_of_circumstances') }, t('my.change_link'))));
}

function appealStatus(s) {
  return has(`appeal.status.${s}`) ? t(`appeal.status.${s}`) : s;
}

// Whole days from today to the due date, as vetd counts them: an answer is
// on time through the due date itself, days being UTC calendar days.
function daysLeft(due) {
  const today = new Date().toISOString().slice(0, 10);
  return Math.round((Date.parse(due) - Date.parse(today)) / 86400000);
}

// The concerns put to the applicant and the response form (REGDOC 5.4,
// procedural fairness).
function concernsPanel(detail, reload) {
  const c = detail.case;
  const concerns = detail.sections.concerns;
  if (!concerns) return null;
  const response = detail.sections.response;
  const box = h('section', { class: 'card', 'aria-labelledby': 'concerns-h' }, h('h2', { id: 'concerns-h' }, t('concerns.title')),
    h('p', null, concerns.data.text),
    facts([[t('concerns.sent'), fmtDate(concerns.data.sent_on)], [t('concerns.due'), fmtDate(concerns.data.due)]]));
  if (response) {
    box.append(h('p', { class: 'banner banner-ok' }, response.data.declined ? t('concerns.declined') : t('concerns.answered', { date: fmtDate(response.data.received_on) })));
    return box;
  }
  if (c.response_due) {
    const n = daysLeft(c.response_due);
    const key = n > 0 ? 'concerns.countdown' : n === 0 ? 'concerns.last_day' : 'concerns.ended';
    box.append(h('p', { class: 'countdown', role: 'status' }, t(key, { n, date: fmtDate(c.response_due) })));
  }
  const text = h('textarea', { rows: 6 });
  const send = h('button', { type: 'submit', class: 'primary' }, t('concerns.send'));
  const decline = button(t('concerns.decline'), async () => {
    const ok = await busy(decline, form, () => api.post(`/cases/${c.id}/response`, { declines: true }));
    if (ok) reload();
  });
  const form = h('form', { novalidate: true }, field(t('concerns.response'), text, { path: 'text' }), h('div', { class: 'actions' }, send, decline));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const ok = await busy(send, form, () => api.post(`/cases/${c.id}/response`, { text: text.value }));
    if (ok) {
      announce(t('concerns.sent_ok'));
      reload();
    }
  });
  box.append(form);
  return box;
}

function briefingPanel(detail, reload) {
  const c = detail.case;
  if (c.state !== 'briefing') return null;
  const date = input({ type: 'date', value: new Date().toISOString().slice(0, 10) });
  const ok = h('button', { type: 'submit', class: 'primary' }, t('briefing.ack'));
  const form = h('form', { class: 'card', novalidate: true }, h('h2', null, t('briefing.title')), h('p', null, t('briefing.text')),
    field(t('briefing.date'), date, { path: 'date', required: true }), h('div', { class: 'actions' }, ok));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const ans = await busy(ok, form, () => api.post(`/cases/${c.id}/briefing`, { date: date.value }));
    if (ans) {
      announce(t('briefing.done'));
      reload();
    }
  });
  return form;
}

// A denial can be appealed (REGDOC 11.0): before an appeal, the form to
// lodge one; after, its status, the panel's date, the outcome and reasons,
// and a form for submissions until the panel decides. appeal is this
// case's appeal from GET /appeals, or undefined.
function appealPanel(detail, appeal, reload) {
  const c = detail.case;
  if (appeal) {
    const box = h('section', { class: 'card', 'aria-labelledby': 'appeal-h' }, h('h2', { id: 'appeal-h' }, t('appeal.yours', { id: appeal.id })),
      facts([[t('common.state'), badge(appealStatus(appeal.status), appeal.status === 'decided' ? 'ok' : 'warn')],
        [t('appeal.lodged'), fmtDate(appeal.lodged_on)], [t('appeal.grounds'), appeal.grounds], [t('appeal.due_on'), fmtDate(appeal.due_on)],
        [t('appeal.outcome'), appeal.outcome ? t(`appeal.outcome.${appeal.outcome}`) : null], [t('appeal.reasons'), appeal.reasons],
        [t('appeal.decided_on'), fmtDate(appeal.decided_on)]]),
      appeal.process ? h('p', { class: 'hint' }, appeal.process) : null);
    // what the panel asked and what the appellant sent, in order
    const said = (appeal.events || []).filter((e) => ['information_requested', 'submission'].includes(e.type));
    if (said.length) {
      box.append(h('ol', { class: 'timeline' }, said.map((e) => h('li', null,
        h('strong', null, t(`appeal.event.${e.type}`)), ' ', h('span', { class: 'muted' }, fmtTime(e.ts)),
        h('p', null, e.detail.text || ''), e.detail.due_on ? h('p', { class: 'muted' }, t('appeal.answer_by', { date: fmtDate(e.detail.due_on) })) : null))));
    }
    if (appeal.status !== 'decided') {
      const text = h('textarea', { rows: 4 });
      const send = h('button', { type: 'submit' }, t('appeal.submit'));
      const form = h('form', { novalidate: true }, field(t('appeal.submission'), text, { path: 'text' }), h('div', { class: 'actions' }, send));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(form);
        if (await busy(send, form, () => api.post(`/appeals/${appeal.id}/submissions`, { text: text.value }))) {
          announce(t('appeal.submitted'));
          reload();
        }
      });
      box.append(form);
    }
    return box;
  }
  if (!['denied', 'decided'].includes(c.state) && !(detail.sections.decision && /deny/.test(detail.sections.decision.data.outcome || ''))) return null;
  const grounds = h('textarea', { rows: 4 });
  const send = h('button', { type: 'submit' }, t('appeal.lodge'));
  const form = h('form', { class: 'card', novalidate: true }, h('h2', null, t('appeal.title')), h('p', null, t('appeal.text')),
    field(t('appeal.grounds'), grounds, { path: 'grounds', required: true }), h('div', { class: 'actions' }, send));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const ans = await busy(send, form, () => api.post('/appeals', { case_id: c.id, grounds: grounds.value }));
    if (ans) {
      announce(t('appeal.lodged_ok'));
      reload();
    }
  });
  return form;
}

async function requirementsList(id) {
  const ans = await api.get(`/cases/${id}/requirements`);
  const reqs = ans.requirements || [];
  const errors = reqs.filter((r) => r.severity !== 'info');
  if (!errors.length) return h('p', { class: 'banner banner-ok', id: 'requirements' }, t('req.none'));
  return h('div', { class: 'banner banner-warn', id: 'requirements' },
    h('p', null, t('req.count', { n: errors.length })),
    h('ul', { class: 'requirements' }, errors.map((r) => {
      const s = sectionOfPath(r.path);
      return h('li', null, s ? h('a', { href: `#sec-${s}`, dataset: { section: s } }, r.message) : r.message,
        r.cites && r.cites.length ? h('span', { class: 'muted' }, ` (${r.cites.join(', ')})`) : null);
    })));
}

async function caseScreen({ params }) {
  const id = params.id;
  const root = h('div');
  async function draw(focusSection) {
    let detail;
    try {
      detail = await api.get(`/cases/${id}`);
    } catch (err) {
      fill(root, h('h1', null, t('my.title')), errorBanner(err));
      return;
    }
    const c = detail.case;
    const editable = ['draft', 'returned'].includes(c.state);
    // only a decision can be appealed: no request for the others
    let appeal;
    if (detail.sections.decision) {
      const appeals = await api.get('/appeals').catch(() => ({}));
      appeal = (appeals.appeals || []).find((a) => a.case_id === c.id);
      if (appeal) appeal = (await api.get(`/appeals/${appeal.id}`).catch(() => ({ appeal }))).appeal;
    }
    const reqBox = h('section', { 'aria-labelledby': 'req-h' }, h('h2', { id: 'req-h' }, t('req.title')), await requirementsList(id).catch((e) => errorBanner(e)));
    const stepsBox = h('div');
    const refreshSteps = async () => fill(stepsBox, await transitionsPanel(id, () => draw(), { only: ['submit'] }));
    // After a save: what is missing now, and whether it may be submitted.
    const refreshReqs = async () => {
      const fresh = await requirementsList(id).catch((e) => errorBanner(e));
      fill(reqBox, h('h2', { id: 'req-h' }, t('req.title')), fresh);
      await refreshSteps();
    };
    await refreshSteps();
    const sections = SECTIONS.filter((s) => s.by === 'applicant' || s.consent).map((s) => {
      const cur = detail.sections[s.name];
      const form = sectionForm(id, s.name, cur, {
        parts: CONSENT_PARTS.applicant,
        onSaved: () => refreshReqs(),
      });
      if (!editable) for (const x of form.querySelectorAll('input, select, textarea, button')) x.disabled = true;
      const d = h('details', { id: `sec-${s.name}`, open: focusSection === s.name || null },
        h('summary', null, sectionTitle(s.name), cur ? h('span', { class: 'muted' }, ` — ${t('casefile.filled')}`) : null), form);
      return d;
    });
    reqBox.addEventListener('click', (e) => {
      const a = e.target.closest('a[data-section]');
      if (!a) return;
      e.preventDefault();
      const d = root.querySelector(`#sec-${a.dataset.section}`);
      if (d) {
        d.open = true;
        const first = d.querySelector('input, select, textarea');
        (first || d).focus();
      }
    });
    fill(root, 
      h('h1', null, t('my.case_title', { id: c.id, level: c.level })),
      facts([[t('common.state'), stateBadge(c.state)], [t('case.kind'), t(`kind.${c.kind}`)], [t('case.opened'), fmtDate(c.opened_at)],
        [t('case.submitted'), fmtDate(c.submitted_at)]]),
      c.state === 'returned' ? h('p', { class: 'banner banner-warn' }, t('my.returned')) : null,
      concernsPanel(detail, () => draw()),
      briefingPanel(detail, () => draw()),
      appealPanel(detail, appeal, () => draw()),
      editable ? reqBox : null,
      editable ? h('section', { 'aria-labelledby': 'secs-h' }, h('h2', { id: 'secs-h' }, t('my.sections')), sections) : null,
      documentsPanel('cases', id, { canUpload: editable, markings: ['Unclassified'] }),
      stepsBox,
    );
  }
  await draw();
  return root;
}

export default {
  routes: [
    { path: '/my', roles: ['applicant'], title: 'my.title', render: listScreen },
    { path: '/my/:id', roles: ['applicant'], title: 'my.title', render: caseScreen },
  ],
};

