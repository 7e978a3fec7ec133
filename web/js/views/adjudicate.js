// adjudicate: the adjudication of a case. The worksheet (NZSIS guidelines
// A-G, reference 002: each guideline's disqualifying and mitigating
// conditions as checkboxes, the facts and date of each condition found, the
// conduct factors, the patterns, the holder factors), the policy's
// recommendation with its cited reasons and what would change it, the
// concerns put to the applicant (procedural fairness, REGDOC 5.4) and the
// authority's decision, with a written justification when it departs from
// the recommendation (vetd refuses it otherwise, 422). The catalogue comes
// from GET /api/v1/guidelines; nothing of it is copied here.

import { api } from '../api.js';
import { t, fmtDate, has } from '../i18n.js';
import { h, fill, field, input, select, facts, badge, errorBanner, showErrors, clearErrors, announce, busy, nextId } from '../dom.js';
import { session } from '../session.js';

const OUTCOMES = ['grant', 'grant_with_restrictions', 'grant_with_warning', 'grant_lower_level', 'deny'];
const RESTRICTIONS = ['hours', 'areas', 'no_prescribed_information', 'standalone_computer', 'escort', 'other'];

let catalogue = null;
async function guidelines() {
  if (!catalogue) catalogue = await api.get('/guidelines');
  return catalogue;
}

function cond(item) {
  return `${item.id} — ${item.title}`;
}

// One guideline's fieldset: disqualifying conditions (checked: date and
// facts), mitigating ones, the concerns as text, protections marked.
function guidelineSet(g, found, editable) {
  const dis = new Map(((found && found.disqualifying) || []).map((d) => [d.id, d]));
  const mit = new Set((found && found.mitigating) || []);
  const used = dis.size + mit.size;
  const concerns = g.items.filter((i) => i.kind === 'concern');
  const rows = [];
  for (const item of g.items.filter((i) => i.kind !== 'concern')) {
    if (item.protective) {
      rows.push(h('li', null, badge(t('ws.protection'), 'ok'), ' ', cond(item)));
      continue;
    }
    const box = h('input', { type: 'checkbox', disabled: !editable, dataset: { cond: item.id, kind: item.kind } });
    const id = nextId('c');
    box.id = id;
    const li = h('li', null, box, ' ', h('label', { for: id }, cond(item)));
    if (item.kind === 'disqualifying') {
      const d = dis.get(item.id) || {};
      const date = input({ type: 'date', value: d.date || '', disabled: !editable });
      date.dataset.role = 'date';
      const factsIn = h('textarea', { rows: 2, disabled: !editable });
      factsIn.value = d.facts || '';
      factsIn.dataset.role = 'facts';
      const more = h('div', { class: 'row-fields', hidden: !dis.has(item.id) },
        field(t('ws.date_of', { id: item.id }), date), field(t('ws.facts_of', { id: item.id }), factsIn));
      box.checked = dis.has(item.id);
      box.addEventListener('change', () => {
        more.hidden = !box.checked;
      });
      li.append(more);
    } else {
      box.checked = mit.has(item.id);
    }
    rows.push(li);
  }
  return h('details', { open: used > 0 || null, dataset: { guideline: g.id } },
    h('summary', null, `${g.id}. ${g.title}`, used ? h('span', { class: 'muted' }, ` — ${t('ws.found', { n: used })}`) : null),
    concerns.length ? h('p', { class: 'hint' }, concerns.map((c) => c.title).join(' · ')) : null,
    h('ul', { class: 'conditions' }, rows));
}

// Read the worksheet's data back from the form.
function collect(form, cat) {
  const data = { guidelines: {}, conduct: {}, patterns: [], holder_factors: [] };
  for (const g of cat.guidelines) {
    const set = form.querySelector(`[data-guideline="${g.id}"]`);
    const dq = [];
    const mi = [];
    for (const box of set.querySelectorAll('input[data-cond]')) {
      if (!box.checked) continue;
      if (box.dataset.kind === 'disqualifying') {
        const li = box.closest('li');
        const f = { id: box.dataset.cond };
        const d = li.querySelector('[data-role="date"]').value;
        const x = li.querySelector('[data-role="facts"]').value.trim();
        if (d) f.date = d;
        if (x) f.facts = x;
        dq.push(f);
      } else mi.push(box.dataset.cond);
    }
    if (dq.length || mi.length) {
      data.guidelines[g.id] = {};
      if (dq.length) data.guidelines[g.id].disqualifying = dq;
      if (mi.length) data.guidelines[g.id].mitigating = mi;
    }
  }
  for (const c of form.querySelectorAll('[data-conduct]')) if (c.value.trim()) data.conduct[c.dataset.conduct] = c.value.trim();
  for (const c of form.querySelectorAll('input[data-pattern]')) if (c.checked) data.patterns.push(c.dataset.pattern);
  for (const c of form.querySelectorAll('input[data-holder]')) if (c.checked) data.holder_factors.push(c.dataset.holder);
  return data;
}

function checks(list, chosen, attr, editable) {
  return h('ul', { class: 'conditions' }, list.map((x) => {
    const id = nextId('k');
    return h('li', null, h('input', { type: 'checkbox', id, checked: chosen.includes(x.id), disabled: !editable, [`data-${attr}`]: x.id }),
      ' ', h('label', { for: id }, x.title));
  }));
}

function worksheet(detail, reload) {
  const c = detail.case;
  const ws = detail.sections.worksheet;
  const editable = session.has('adjudicator') && c.state === 'adjudication';
  const box = h('section', { class: 'card', 'aria-labelledby': 'ws-h' }, h('h2', { id: 'ws-h' }, t('ws.title')),
    h('p', { class: 'loading' }, t('common.loading')));
  guidelines().then((cat) => {
    const data = (ws && ws.data) || {};
    const form = h('form', { novalidate: true },
      h('p', { class: 'hint' }, t('ws.intro')),
      cat.guidelines.map((g) => guidelineSet(g, (data.guidelines || {})[g.id], editable)),
      h('fieldset', null, h('legend', null, t('ws.conduct')), h('div', { class: 'row-fields' }, cat.conduct_factors.map((f) => {
        const v = (data.conduct || {})[f.id] || '';
        const ctl = Array.isArray(f.values) && f.values.length
          ? select([['', '—'], ...f.values.map((x) => [x, has(`ws.value.${x}`) ? t(`ws.value.${x}`) : x])], v, { disabled: !editable })
          : input({ value: v, disabled: !editable });
        ctl.dataset.conduct = f.id;
        return field(f.title, ctl, { path: `worksheet.conduct.${f.id}` });
      }))),
      h('fieldset', null, h('legend', null, t('ws.patterns')), checks(cat.patterns, data.patterns || [], 'pattern', editable)),
      h('fieldset', null, h('legend', null, t('ws.holder')), checks(cat.holder_factors, data.holder_factors || [], 'holder', editable)));
    if (editable) {
      const save = h('button', { type: 'submit', class: 'primary' }, t('ws.save'));
      form.append(h('div', { class: 'actions' }, save));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        clearErrors(form);
        const ok = await busy(save, form, () => api.put(`/cases/${c.id}/worksheet`, { version: ws ? ws.version : 0, data: collect(form, cat) }));
        if (ok) {
          announce(t('ws.saved'));
          reload();
        }
      });
    }
    fill(box, h('h2', { id: 'ws-h' }, t('ws.title')), ws ? h('p', { class: 'muted' }, t('ws.version', { v: ws.version, who: ws.updated_by })) : null, form);
  }).catch((err) => fill(box, h('h2', { id: 'ws-h' }, t('ws.title')), errorBanner(err)));
  return box;
}

function recommendation(detail, reload) {
  const c = detail.case;
  const rec = detail.sections.recommendation;
  const r = rec && rec.data && rec.data.result;
  const box = h('section', { class: 'card', 'aria-labelledby': 'rec-h' }, h('h2', { id: 'rec-h' }, t('rec.title')));
  if (r) {
    box.append(
      h('p', { class: 'banner banner-info', id: 'recommendation' }, t('rec.result', { r: t(`outcome.${r.recommendation}`) })),
      h('h3', null, t('rec.reasons')),
      h('ul', null, (r.reasons || []).map((x) => h('li', null, x.text, ' ', (x.cites || []).map((ci) => [badge(ci), ' '])))),
      (r.flags || []).length ? [h('h3', null, t('rec.flags')), h('ul', null, r.flags.map((f) => h('li', null, typeof f === 'string' ? f : f.text || JSON.stringify(f))))] : null,
      (r.restrictions || []).length ? [h('h3', null, t('rec.restrictions')), h('ul', null, r.restrictions.map((x) => h('li', null, typeof x === 'string' ? x : `${x.type}: ${x.detail || ''}`)))] : null,
      h('h3', null, t('rec.would_change')),
      (r.would_change || []).length ? h('ul', null, r.would_change.map((w) => h('li', null, typeof w === 'string' ? w : [w.text, ' ', ...(w.cites || []).map((x) => badge(x))])))
        : h('p', { class: 'muted' }, t('rec.nothing_would_change')),
      h('p', { class: 'muted' }, t('rec.made', { date: fmtDate(rec.data.made_on), who: rec.data.by || '' })));
  } else box.append(h('p', { class: 'muted' }, t('rec.none')));
  if (session.has('adjudicator') && c.state === 'adjudication') {
    const ask = h('button', { type: 'button', class: 'primary' }, t('rec.ask'));
    ask.addEventListener('click', async () => {
      const ok = await busy(ask, box, () => api.post(`/cases/${c.id}/recommendation`, {}));
      if (ok) {
        announce(t('rec.got'));
        reload();
      }
    });
    box.append(h('div', { class: 'actions' }, ask));
  }
  return box;
}

function concerns(detail, reload) {
  const c = detail.case;
  const sent = detail.sections.concerns;
  const resp = detail.sections.response;
  if (!sent && !(session.has('adjudicator') && c.state === 'adjudication')) return null;
  const box = h('section', { class: 'card', 'aria-labelledby': 'pf-h' }, h('h2', { id: 'pf-h' }, t('pf.title')));
  if (sent) {
    box.append(h('p', null, sent.data.text), facts([[t('concerns.sent'), fmtDate(sent.data.sent_on)], [t('concerns.due'), fmtDate(sent.data.due)]]));
    box.append(resp ? h('p', { class: 'banner banner-info' }, resp.data.declined ? t('concerns.declined') : [t('pf.response'), ' ', resp.data.text])
      : h('p', { class: 'muted' }, t('pf.waiting')));
    return box;
  }
  const text = h('textarea', { rows: 4 });
  const send = h('button', { type: 'submit' }, t('pf.send'));
  const form = h('form', { novalidate: true }, h('p', { class: 'hint' }, t('pf.hint')), field(t('pf.text'), text, { path: 'text' }), h('div', { class: 'actions' }, send));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const ok = await busy(send, form, () => api.post(`/cases/${c.id}/concerns`, { text: text.value }));
    if (ok) reload();
  });
  box.append(form);
  return box;
}

function restrictionRow() {
  const type = select(RESTRICTIONS.map((x) => [x, t(`restr.${x}`)]), 'areas');
  const detail = input();
  const review = input({ type: 'date' });
  type.dataset.r = 'type';
  detail.dataset.r = 'detail';
  review.dataset.r = 'review_date';
  return h('div', { class: 'row-fields restriction' }, field(t('restr.type'), type), field(t('restr.detail'), detail), field(t('restr.review'), review));
}

function decision(detail, reload) {
  const c = detail.case;
  const made = detail.sections.decision;
  if (made) {
    const d = made.data;
    return h('section', { class: 'card', 'aria-labelledby': 'dec-h' }, h('h2', { id: 'dec-h' }, t('dec.title')),
      h('p', { class: 'banner banner-ok', id: 'decision' }, t('dec.made', { outcome: t(`outcome.${d.outcome}`), date: fmtDate(d.decided_on || d.date || made.updated_at) })),
      d.justification ? h('p', null, d.justification) : null);
  }
  if (!session.has('authority') || c.state !== 'decision') return null;
  const rec = detail.sections.recommendation && detail.sections.recommendation.data.result;
  const recommended = rec ? rec.recommendation : null;
  const outcome = select(OUTCOMES.map((o) => [o, t(`outcome.${o}`)]), OUTCOMES.includes(recommended) ? recommended : 'grant');
  const just = h('textarea', { rows: 4 });
  const level = input();
  const rows = h('div');
  const extra = h('div');
  const justField = field(t('dec.justification'), just, { path: 'justification', hint: t('dec.justification_hint') });
  function sync() {
    const departs = outcome.value !== recommended;
    just.required = departs;
    justField.querySelector('label').replaceChildren(t('dec.justification'), departs ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : '');
    fill(extra, 
      outcome.value === 'grant_lower_level' ? field(t('dec.level'), level, { path: 'level' }) : '',
      outcome.value === 'grant_with_restrictions' ? h('fieldset', null, h('legend', null, t('dec.restrictions')), rows,
        h('button', { type: 'button', onClick: () => rows.append(restrictionRow()) }, t('restr.add'))) : '');
    if (outcome.value === 'grant_with_restrictions' && !rows.children.length) rows.append(restrictionRow());
  }
  outcome.addEventListener('change', sync);
  const go = h('button', { type: 'submit', class: 'primary' }, t('dec.submit'));
  const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'dec-h' }, h('h2', { id: 'dec-h' }, t('dec.title')),
    recommended ? h('p', null, t('dec.recommended', { r: t(`outcome.${recommended}`) })) : h('p', { class: 'muted' }, t('rec.none')),
    field(t('dec.outcome'), outcome, { path: 'outcome' }), extra, justField, h('div', { class: 'actions' }, go));
  sync();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = { outcome: outcome.value };
    if (just.value.trim()) body.justification = just.value.trim();
    if (outcome.value === 'grant_lower_level') body.level = level.value.trim();
    if (outcome.value === 'grant_with_restrictions') {
      body.restrictions = [...rows.querySelectorAll('.restriction')].map((r) => {
        const o = {};
        for (const x of r.querySelectorAll('[data-r]')) if (x.value.trim()) o[x.dataset.r] = x.value.trim();
        return o;
      });
    }
    if (just.required && !body.justification) {
      showErrors(form, { message: t('dec.need_justification'), field: 'justification', problems: [] });
      return;
    }
    const ok = await busy(go, form, () => api.post(`/cases/${c.id}/decision`, body));
    if (ok) {
      announce(t('dec.done'));
      reload();
    }
  });
  return form;
}

// adjudicationPanels(detail, reload) -> the panels that fit the case and
// the user's roles (possibly none).
export function adjudicationPanels(detail, reload) {
  if (!session.has('adjudicator', 'authority', 'cso', 'admin')) return [];
  const c = detail.case;
  const late = ['adjudication', 'fairness', 'decision', 'briefing', 'issued', 'denied', 'closed'].includes(c.state) || detail.sections.worksheet;
  if (!late) return [];
  return [decision(detail, reload), recommendation(detail, reload), concerns(detail, reload), worksheet(detail, reload)].filter(Boolean);
}
