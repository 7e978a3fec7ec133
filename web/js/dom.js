// dom: building the page without HTML strings. h() makes elements from a
// tag, properties and children, so no server text is ever parsed as markup;
// event handlers are attached with addEventListener (no inline handlers,
// which the Content-Security-Policy forbids). The form helpers tie every
// input to a real <label> and every error message to its input
// (aria-describedby, aria-invalid), as the API's field paths say.

import { t } from './i18n.js';

let uid = 0;
export function nextId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

// h(tag, props, ...children) -> Element. props: class, text, on{Event}
// (functions), dataset (object), any other attribute (false/null/undefined
// leave it out, true sets it empty). Children: nodes, strings, numbers,
// arrays of those; null/false are skipped.
export function h(tag, props, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
      else if (k === 'text') el.textContent = String(v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
      else if (k === 'value' && 'value' in el) el.value = v;
      else if (k === 'checked' || k === 'selected' || k === 'disabled') el[k] = Boolean(v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// fill(el, ...children): replace el's children (null and false skipped).
export function fill(el, ...children) {
  clear(el);
  return append(el, children);
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// Say something to screen readers through the page's live region.
export function announce(msg) {
  const s = document.getElementById('status');
  if (!s) return;
  s.textContent = '';
  setTimeout(() => {
    s.textContent = msg;
  }, 30);
}

// field(label, control, {hint, path, required}) -> a .field wrapper with the
// label tied to the control and a slot for its error. path is the API's
// field path (e.g. "residences[2].to"), kept on the control so that
// showErrors() finds it.
export function field(label, control, opts = {}) {
  const id = control.id || nextId();
  control.id = id;
  if (opts.path) control.dataset.path = opts.path;
  if (opts.required) control.required = true;
  const err = h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
  const hint = opts.hint ? h('p', { class: 'hint', id: `${id}-hint`, text: opts.hint }) : null;
  const described = [hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  if (described) control.setAttribute('aria-describedby', described);
  const isCheck = control.type === 'checkbox' || control.type === 'radio';
  const lab = h('label', { for: id }, label, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true', text: ' *' }) : null);
  return h('div', { class: ['field', isCheck && 'field-check'] }, isCheck ? [control, lab] : [lab, control], hint, err);
}

// A date is typed as YYYY-MM-DD in a text box, not the browser's date
// control, which shows the date in the browser's own order (12/08/2026
// could be either month first or day first).
export function input(props = {}) {
  if (props.type === 'date') {
    return h('input', { ...props, type: 'text', inputmode: 'numeric', pattern: '[0-9]{4}-[0-9]{2}-[0-9]{2}', maxlength: 10,
      placeholder: t('common.date_format'), autocomplete: 'off', class: 'date', 'data-type': 'date' });
  }
  return h('input', { type: 'text', ...props });
}

// select(options, value, props): options are [value, label] pairs.
export function select(options, value, props = {}) {
  return h('select', props, options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
}

export function button(label, onClick, props = {}) {
  return h('button', { type: 'button', onClick, ...props }, label);
}

// Clear every error shown in a container.
export function clearErrors(root) {
  for (const e of root.querySelectorAll('.field-error')) {
    e.hidden = true;
    e.textContent = '';
  }
  for (const c of root.querySelectorAll('[aria-invalid]')) {
    c.removeAttribute('aria-invalid');
    const d = (c.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !x.endsWith('-err'));
    if (d.length) c.setAttribute('aria-describedby', d.join(' '));
    else c.removeAttribute('aria-describedby');
  }
  const box = root.querySelector('.form-error');
  if (box) {
    box.hidden = true;
    clear(box);
  }
}

function markControl(c, message) {
  const err = document.getElementById(`${c.id}-err`);
  c.setAttribute('aria-invalid', 'true');
  if (!err) return false;
  err.textContent = message;
  err.hidden = false;
  const d = (c.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
  if (!d.includes(err.id)) d.push(err.id);
  c.setAttribute('aria-describedby', d.join(' '));
  return true;
}

// Find the control for an API field path: exact, then the longest prefix
// (an error on "residences[2]" lands on that row's first control).
function controlFor(root, path) {
  if (!path) return null;
  const all = [...root.querySelectorAll('[data-path]')];
  let best = null;
  for (const c of all) {
    const p = c.dataset.path;
    if (p === path) return c;
    if (path.startsWith(p) && (!best || p.length > best.dataset.path.length)) best = c;
    if (!best && p.startsWith(path)) best = c;
  }
  return best;
}

// showErrors(root, err): show an ApiError in a form. Field problems go next
// to their controls; the rest (and a summary) in the form's .form-error box,
// which takes the focus so a keyboard or screen-reader user hears it.
export function showErrors(root, err) {
  clearErrors(root);
  // vetd names a problem's place "field" (a path such as residences[2].to)
  const problems = (err.problems && err.problems.length ? err.problems
    : err.field ? [{ field: err.field, message: err.message }] : []).map((p) => ({ path: p.field ?? p.path, message: p.message }));
  const unplaced = [];
  let first = null;
  for (const p of problems) {
    const c = controlFor(root, p.path) || controlFor(root, p.path && p.path.split('.').slice(1).join('.'));
    if (c && markControl(c, p.message)) {
      first = first || c;
    } else {
      unplaced.push(p.path ? `${p.path}: ${p.message}` : p.message);
    }
  }
  let box = root.querySelector('.form-error');
  if (!box) {
    box = h('div', { class: 'form-error', role: 'alert', tabindex: '-1' });
    root.prepend(box);
  }
  clear(box);
  box.append(h('p', { text: errorText(err) }));
  if (unplaced.length > 1 || (unplaced.length === 1 && unplaced[0] !== err.message))
    box.append(h('ul', null, unplaced.map((u) => h('li', { text: u }))));
  box.hidden = false;
  (first || box).focus();
}

// The text to show for an ApiError: vetd's message, or a catalogue text for
// the cases where the server gave none (network down, nginx's own page).
export function errorText(err) {
  if (!err) return '';
  if (err.code === 'network') return t('error.network');
  if (err.status === 0) return t('error.network');
  return err.message || t('error.unknown');
}

// A banner for a whole page's failure to load.
export function errorBanner(err) {
  return h('div', { class: 'banner banner-error', role: 'alert' }, errorText(err));
}

// A small tag such as a state or a marking.
export function badge(text, kind) {
  return h('span', { class: ['badge', kind && `badge-${kind}`] }, text);
}

// A definition list from [label, value] pairs; empty values are skipped.
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

// A table from column headers and rows of cells (nodes or strings).
export function table(caption, headers, rows, props = {}) {
  return h('div', { class: 'table-wrap' }, h('table', props,
    caption ? h('caption', null, caption) : null,
    h('thead', null, h('tr', null, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((c) => h('td', null, c)))))));
}

// Run an async action from a button: disable it while it runs, show a
// failure in `root` (a form or section), return the action's result or
// undefined on failure.
export async function busy(btn, root, fn) {
  if (btn) btn.disabled = true;
  try {
    return await fn();
  } catch (err) {
    if (root) showErrors(root, err);
    else announce(errorText(err));
    return undefined;
  } finally {
    if (btn) btn.disabled = false;
  }
}
