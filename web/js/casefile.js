// casefile: the sections of a case file as forms and as read-only views.
// SECTIONS mirrors the shapes vetd checks (core/section.c; REGDOC-2.12.2
// 5.1 consent, 5.2 identity and history, 5.3 checks): the form only helps,
// vetd validates every save and its field errors (e.g. "residences[2].to")
// land next to the controls that carry the same data-path.

import { api } from './api.js';
import { t, has, fmtDate, fmtTime } from './i18n.js';
import { h, field, input, select, button, showErrors, clearErrors, announce, busy } from './dom.js';

const ID_TYPES = ['passport', 'birth_certificate', 'citizenship_certificate', 'driver_licence',
  'provincial_id', 'permanent_resident_card', 'work_permit', 'other'];

// Field kinds: text, note (textarea), date, country (ISO alpha-2), enum,
// bool, strings / countries (a list typed as comma-separated values),
// object (sub-fields).
const F = (name, kind, opts = {}) => ({ name, kind, ...opts });
const place = [F('city', 'text'), F('region', 'text'), F('country', 'country')];
const address = [F('line', 'text'), F('city', 'text'), F('region', 'text'), F('postal_code', 'text'), F('country', 'country')];

export const SECTIONS = [
  { name: 'personal', by: 'applicant', fields: [F('name', 'text', { required: true }), F('other_names', 'strings'),
    F('date_of_birth', 'date', { required: true }), F('place_of_birth', 'object', { fields: place }),
    F('citizenships', 'countries'), F('address', 'object', { fields: address }), F('occupation', 'text')] },
  { name: 'consent', by: 'both', consent: true },
  { name: 'residences', by: 'applicant', list: true, fields: [F('from', 'date', { required: true }), F('to', 'date'),
    F('country', 'country', { required: true }), F('address', 'text'), F('city', 'text'), F('region', 'text')] },
  { name: 'employment', by: 'applicant', list: true, fields: [F('from', 'date', { required: true }), F('to', 'date'),
    F('employer', 'text', { required: true }), F('position', 'text'), F('country', 'country'), F('address', 'text')] },
  { name: 'education', by: 'applicant', list: true, fields: [F('from', 'date'), F('to', 'date'),
    F('institution', 'text', { required: true }), F('qualification', 'text'), F('country', 'country')] },
  { name: 'identity_documents', by: 'applicant', list: true, fields: [F('type', 'enum', { required: true, values: ID_TYPES }),
    F('number', 'text', { required: true }), F('issuer', 'country', { required: true }), F('expiry', 'date'),
    F('photo', 'bool'), F('language', 'text', { max: 3 }), F('translation', 'bool')] },
  { name: 'convictions', by: 'applicant', list: true, fields: [F('offence', 'text', { required: true }),
    F('date', 'date', { required: true }), F('class', 'enum', { required: true, values: ['indictable', 'summary'] }),
    F('disposition', 'text'), F('country', 'country')] },
  { name: 'history_gaps_explained', by: 'applicant', list: true, fields: [F('from', 'date', { required: true }),
    F('to', 'date', { required: true }), F('explanation', 'note', { required: true })] },
  { name: 'crnc', by: 'office', list: true, fields: [F('country', 'country', { required: true }), F('jurisdiction', 'text'),
    F('result', 'enum', { required: true, values: ['no_record', 'record', 'pending', 'unavailable'] }), F('date', 'date')] },
  { name: 'credit_check', by: 'office', fields: [F('date', 'date', { required: true }),
    F('result', 'enum', { required: true, values: ['satisfactory', 'adverse'] }), F('notes', 'note')] },
  { name: 'position', by: 'office', fields: [F('title', 'text'), F('credit_check_required', 'bool')] },
  { name: 'adverse', by: 'office', list: true, fields: [F('source', 'enum', { required: true, values: ['agency', 'self', 'reference', 'records', 'other'] }),
    F('summary_code', 'text', { required: true }), F('date', 'date')] },
];

export const CONSENT_PARTS = { applicant: ['B', 'C'], office: ['A', 'D', 'E'] };

export function section(name) {
  return SECTIONS.find((s) => s.name === name);
}

export function sectionTitle(name) {
  return has(`section.${name}`) ? t(`section.${name}`) : name;
}

function label(f) {
  return has(`field.${f.name}`) ? t(`field.${f.name}`) : f.name;
}

function enumLabel(v) {
  return has(`enum.${v}`) ? t(`enum.${v}`) : v;
}

// One control for a field, filled from value, with its data-path.
function control(f, value, path) {
  let c;
  switch (f.kind) {
    case 'date':
      c = input({ type: 'date', value: value || '' });
      break;
    case 'note':
      c = h('textarea', { rows: 3 });
      c.value = value || '';
      break;
    case 'enum':
      c = select([['', '—'], ...f.values.map((v) => [v, enumLabel(v)])], value || '');
      break;
    case 'bool':
      c = input({ type: 'checkbox', checked: Boolean(value) });
      break;
    case 'country':
      c = input({ value: value || '', maxlength: 2, size: 3, autocomplete: 'country', class: 'short' });
      break;
    case 'strings':
    case 'countries':
      c = input({ value: Array.isArray(value) ? value.join(', ') : '' });
      break;
    default:
      c = input({ value: value || '', maxlength: f.max || null });
  }
  c.dataset.kind = f.kind;
  c.dataset.name = f.name;
  const hint = f.kind === 'country' ? t('hint.country') : f.kind === 'countries' ? t('hint.countries')
    : f.kind === 'strings' ? t('hint.strings') : null;
  return field(label(f), c, { path, required: f.required, hint });
}

// The value of one control: undefined when empty (left out of the JSON).
function read(c) {
  const k = c.dataset.kind;
  if (k === 'bool') return c.checked;
  const v = c.value.trim();
  if (v === '') return undefined;
  if (k === 'country') return v.toUpperCase();
  if (k === 'countries') return v.split(/[\s,;]+/).filter(Boolean).map((x) => x.toUpperCase());
  if (k === 'strings') return v.split(/[,;]+/).map((x) => x.trim()).filter(Boolean);
  return v;
}

// The controls of an object's fields into container, paths under prefix.
function objectControls(fields, data, prefix) {
  return fields.map((f) => {
    if (f.kind === 'object') {
      return h('fieldset', { dataset: { obj: f.name } }, h('legend', null, label(f)),
        h('div', { class: 'row-fields' }, objectControls(f.fields, (data || {})[f.name], `${prefix}.${f.name}`)));
    }
    return control(f, (data || {})[f.name], `${prefix}.${f.name}`);
  });
}

function listRow(sec, item, i, rows) {
  const row = h('fieldset', { class: 'row', dataset: { obj: `row` } },
    h('legend', null, t('casefile.row', { n: i + 1 })),
    h('div', { class: 'row-fields' }, sec.fields.map((f) => control(f, item[f.name], `${sec.name}[${i}].${f.name}`))),
    button(t('casefile.remove_row', { n: i + 1 }), () => {
      row.remove();
      renumber(sec, rows);
    }, { class: 'danger' }));
  return row;
}

function renumber(sec, rows) {
  [...rows.children].forEach((row, i) => {
    row.querySelector('legend').textContent = t('casefile.row', { n: i + 1 });
    row.querySelector('button.danger').textContent = t('casefile.remove_row', { n: i + 1 });
    for (const c of row.querySelectorAll('[data-name]')) c.dataset.path = `${sec.name}[${i}].${c.dataset.name}`;
  });
}

function readRow(sec, row) {
  const out = {};
  for (const f of sec.fields) {
    const c = [...row.querySelectorAll('[data-name]')].find((x) => x.dataset.name === f.name);
    const v = c ? read(c) : undefined;
    if (v !== undefined && !(f.kind === 'bool' && v === false)) out[f.name] = v;
  }
  return out;
}

// sectionForm(caseId, name, current, {onSaved, parts}) -> a <form> that
// saves the section with PUT .../sections/{name} and the version last read;
// vetd's errors are shown at their fields. current: the case's
// sections[name] or undefined. parts: the consent parts this user signs.
export function sectionForm(caseId, name, current, opts = {}) {
  const sec = section(name);
  const data = current ? current.data : undefined;
  let version = current ? current.version : 0;
  const form = h('form', { class: 'card section-form', novalidate: true, dataset: { section: name } });
  let body;
  let collect;
  if (sec.consent) {
    const parts = opts.parts || [];
    const signed = (data && data.parts) || {};
    body = h('div', null, parts.map((p) => {
      const s = signed[p];
      const c = input({ type: 'date', value: s ? s.date : '' });
      c.dataset.part = p;
      return field(t(`consent.part_${p}`), c, {
        path: `consent.parts.${p}.date`,
        hint: s ? t('consent.signed_by', { who: s.signer || s.signed_by || '', date: s.date }) : t('consent.sign_hint'),
      });
    }));
    collect = () => {
      const out = {};
      for (const c of body.querySelectorAll('[data-part]')) if (c.value) out[c.dataset.part] = { date: c.value };
      return { parts: out };
    };
  } else if (sec.list) {
    const rows = h('div', { class: 'rows' });
    (Array.isArray(data) ? data : []).forEach((item, i) => rows.append(listRow(sec, item, i, rows)));
    body = h('div', null, rows, h('div', { class: 'actions' }, button(t('casefile.add_row', { section: sectionTitle(name) }), () => {
      const row = listRow(sec, {}, rows.children.length, rows);
      rows.append(row);
      row.querySelector('input, select, textarea').focus();
    })));
    collect = () => [...rows.children].map((r) => readRow(sec, r));
  } else {
    body = h('div', { class: 'row-fields' }, objectControls(sec.fields, data, name));
    collect = () => readObjectTree(sec.fields, body);
  }
  const save = h('button', { type: 'submit', class: 'primary' }, t('casefile.save', { section: sectionTitle(name) }));
  form.append(body, h('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const ans = await busy(save, form, () => api.put(`/cases/${caseId}/sections/${name}`, { version, data: collect() }));
    if (!ans) return;
    version = ans.version;
    announce(t('casefile.saved', { section: sectionTitle(name) }));
    if (opts.onSaved) opts.onSaved(ans);
  });
  return form;
}

// Read an object's fields from its controls, nested fieldsets by name.
function readObjectTree(fields, root) {
  const out = {};
  for (const f of fields) {
    if (f.kind === 'object') {
      const fs = [...root.querySelectorAll('fieldset[data-obj]')].find((x) => x.dataset.obj === f.name);
      if (!fs) continue;
      const v = readObjectTree(f.fields, fs);
      if (Object.keys(v).length) out[f.name] = v;
      continue;
    }
    const c = [...root.querySelectorAll('[data-name]')].find((x) => x.dataset.name === f.name &&
      (x.closest('fieldset[data-obj]') === (root.matches('fieldset[data-obj]') ? root : null)));
    const v = c ? read(c) : undefined;
    if (v !== undefined && !(f.kind === 'bool' && v === false)) out[f.name] = v;
  }
  return out;
}

function showValue(f, v) {
  if (v === undefined || v === null || v === '') return null;
  if (f && f.kind === 'bool') return v ? t('common.yes') : t('common.no');
  if (f && f.kind === 'enum') return enumLabel(v);
  if (f && f.kind === 'date') return fmtDate(v);
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'object') return Object.values(v).filter((x) => typeof x !== 'object').join(', ');
  return String(v);
}

// sectionView(name, current) -> a read-only display of a section.
export function sectionView(name, current) {
  const sec = section(name);
  const data = current ? current.data : undefined;
  const meta = current ? h('p', { class: 'muted' }, t('casefile.updated', { when: fmtTime(current.updated_at), who: current.updated_by || '' })) : null;
  if (data === undefined || data === null) return h('p', { class: 'muted' }, t('casefile.empty'));
  if (sec && sec.consent) {
    const parts = (data.parts) || {};
    return h('div', null, h('ul', null, ['A', 'B', 'C', 'D', 'E'].map((p) => h('li', null, `${t(`consent.part_${p}`)}: `,
      parts[p] ? t('consent.signed_by', { who: parts[p].signer || parts[p].signed_by || '', date: parts[p].date }) : t('consent.unsigned')))), meta);
  }
  if (sec && sec.list && Array.isArray(data)) {
    if (!data.length) return h('div', null, h('p', { class: 'muted' }, t('casefile.none')), meta);
    return h('div', null, h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, sec.fields.map((f) => h('th', { scope: 'col' }, label(f))))),
      h('tbody', null, data.map((row) => h('tr', null, sec.fields.map((f) => h('td', null, showValue(f, row[f.name]) || '')))))), meta));
  }
  if (sec && !sec.list) {
    const pairs = [];
    for (const f of sec.fields) {
      if (f.kind === 'object') {
        const o = data[f.name];
        if (o) pairs.push([label(f), f.fields.map((g) => o[g.name]).filter(Boolean).join(', ')]);
      } else pairs.push([label(f), showValue(f, data[f.name])]);
    }
    return h('div', null, h('dl', { class: 'facts' }, pairs.filter(([, v]) => v).map(([k, v]) => [h('dt', null, k), h('dd', null, v)])), meta);
  }
  // A section this screen has no shape for (notices, interviews, ...):
  // shown as its JSON, read-only.
  return h('div', null, h('pre', { class: 'json' }, JSON.stringify(data, null, 2)), meta);
}

// The section a requirement's path points at ("consent.parts.B" -> consent).
export function sectionOfPath(path) {
  if (!path) return null;
  const m = /^([a-z_]+)/.exec(path);
  return m && section(m[1]) ? m[1] : null;
}

