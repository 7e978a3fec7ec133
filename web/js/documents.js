// documents: a case's (or incident's) supporting documents: the list with
// each document's classification marking shown as a badge, a download
// link, and the upload form with a progress bar. vetd encrypts the file as
// it streams in and decides who may read it (need to know, marking within
// the role's ceiling); the form only sends what the user chose.

import { upload, api, documentUrl } from './api.js';
import { t, fmtDate, has } from './i18n.js';
import { h, fill, field, input, select, showErrors, clearErrors, announce, table, badge, errorBanner } from './dom.js';

const KINDS = ['passport', 'birth_certificate', 'crnc', 'translation', 'credit_report', 'interview_record', 'other'];
const MARKINGS = ['Unclassified', 'Prescribed', 'Protected A', 'Protected B', 'Protected C', 'Confidential', 'Secret', 'Top Secret'];
const TYPES = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', tif: 'image/tiff', tiff: 'image/tiff', txt: 'text/plain' };

function kindLabel(k) {
  return has(`doc.kind.${k}`) ? t(`doc.kind.${k}`) : k;
}

// The file's type: what the browser says, else from its extension.
function typeOf(file) {
  if (file.type) return file.type;
  const ext = (file.name.split('.').pop() || '').toLowerCase();
  return TYPES[ext] || 'application/octet-stream';
}

function uploadForm(owner, id, markings, onDone) {
  const file = input({ type: 'file', accept: '.pdf,.jpg,.jpeg,.png,.tif,.tiff,.txt' });
  const kind = select(KINDS.map((k) => [k, kindLabel(k)]), 'passport');
  const marking = select(markings.map((m) => [m, m]), markings[0]);
  const lang = input({ maxlength: 3, size: 4 });
  const bar = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': t('doc.progress') });
  const pct = h('span', { class: 'muted', 'aria-live': 'polite' });
  const send = h('button', { type: 'submit', class: 'primary' }, t('doc.upload'));
  const form = h('form', { class: 'card', novalidate: true },
    h('h3', null, t('doc.add')),
    h('div', { class: 'row-fields' },
      field(t('doc.file'), file, { path: 'body', required: true, hint: t('doc.file_hint') }),
      field(t('doc.kind'), kind, { path: 'kind' }),
      field(t('doc.marking'), marking, { path: 'classification', hint: t('doc.marking_hint') }),
      field(t('doc.language'), lang, { path: 'language', hint: t('doc.language_hint') })),
    h('div', { class: 'actions' }, send, bar, pct));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    const f = file.files && file.files[0];
    if (!f) {
      showErrors(form, { message: t('doc.pick'), field: 'body', problems: [] });
      return;
    }
    send.disabled = true;
    bar.hidden = false;
    bar.value = 0;
    const blob = new File([f], f.name, { type: typeOf(f) });
    try {
      const ans = await upload(`/${owner}/${id}/documents`, blob,
        { kind: kind.value, classification: marking.value, filename: f.name, language: lang.value.trim() || null },
        (fr) => {
          bar.value = Math.round(fr * 100);
          pct.textContent = `${bar.value}%`;
        });
      pct.textContent = t('doc.uploaded', { name: ans.document.filename });
      announce(t('doc.uploaded', { name: ans.document.filename }));
      onDone(ans.document);
    } catch (err) {
      bar.hidden = true;
      pct.textContent = '';
      showErrors(form, err);
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

// documentsPanel(owner, id, {canUpload, markings, extra}) -> a section
// listing the documents of /owner/id (owner: cases, appeals, incidents).
// extra(doc) may add a cell of actions per document (e.g. verification).
export function documentsPanel(owner, id, opts = {}) {
  const markings = opts.markings || MARKINGS;
  const box = h('section', { class: 'documents', 'aria-labelledby': `docs-${owner}-${id}` },
    h('h2', { id: `docs-${owner}-${id}` }, t('doc.title')));
  const list = h('div', null, h('p', { class: 'loading' }, t('common.loading')));
  box.append(list);
  async function refresh() {
    let ans;
    try {
      ans = await api.get(`/${owner}/${id}/documents`);
    } catch (err) {
      fill(list, errorBanner(err));
      return;
    }
    const docs = ans.documents || [];
    if (!docs.length) {
      fill(list, h('p', { class: 'muted' }, t('doc.none')));
      return;
    }
    fill(list, table(null, [t('doc.name'), t('doc.kind'), t('doc.marking'), t('doc.added'), t('doc.verified'), ''],
      docs.map((d) => [
        d.shredded ? h('span', null, d.filename, ' ', badge(t('doc.shredded'), 'bad'))
          : h('a', { href: documentUrl(d.id), download: d.filename }, d.filename),
        kindLabel(d.kind),
        badge(d.classification, 'marking'),
        fmtDate(d.uploaded_at),
        d.verification ? badge(t('doc.verified_yes'), 'ok') : t('common.no'),
        opts.extra ? opts.extra(d, refresh) : '',
      ])));
  }
  if (opts.canUpload) box.append(uploadForm(owner, id, markings, refresh));
  refresh();
  return box;
}

export { MARKINGS, KINDS };
