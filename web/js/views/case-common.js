// case-common: pieces the applicant's and the officers' case screens share:
// the state badge and the workflow's steps as buttons. The steps come from
// GET .../transitions (the policy's workflow, the caller's role and the
// guards, decided by vetd); one that is not open is shown disabled with
// vetd's reason beside it, and a refusal (409) is shown as vetd says it.

import { api } from '../api.js';
import { t, has } from '../i18n.js';
import { h, field, badge, showErrors, clearErrors, announce } from '../dom.js';

const GOOD = ['issued', 'granted', 'closed', 'active'];
const BAD = ['denied', 'withdrawn', 'revoked', 'suspended', 'on_hold'];

export function stateLabel(s) {
  return has(`state.${s}`) ? t(`state.${s}`) : String(s || '').replace(/_/g, ' ');
}

export function stateBadge(s) {
  return badge(stateLabel(s), GOOD.includes(s) ? 'ok' : BAD.includes(s) ? 'bad' : 'warn');
}

export function stepLabel(name) {
  return has(`step.${name}`) ? t(`step.${name}`) : name.replace(/_/g, ' ');
}

// transitionsPanel(id, reload, {only, base}) -> a section of the steps open
// to the caller on /base/id (base: 'cases' or 'incidents'), or null when
// there is none to show. only: names to keep (the applicant's screen);
// except: names done through their own forms (the decision, concerns).
export async function transitionsPanel(id, reload, opts = {}) {
  const base = opts.base || 'cases';
  let ans;
  try {
    ans = await api.get(`/${base}/${id}/transitions`);
  } catch {
    return null;
  }
  let list = ans.transitions || [];
  if (opts.only) list = list.filter((x) => opts.only.includes(x.name));
  if (opts.except) list = list.filter((x) => !opts.except.includes(x.name));
  if (!list.length) return null;
  const note = h('textarea', { rows: 2 });
  const box = h('section', { class: 'card', 'aria-labelledby': `steps-${base}-${id}` },
    h('h2', { id: `steps-${base}-${id}` }, t('steps.title')));
  const form = h('div', null);
  const items = h('ul', { class: 'steps' }, list.map((x) => {
    const b = h('button', { type: 'button', class: x.allowed ? 'primary' : null, disabled: !x.allowed, dataset: { step: x.name } }, stepLabel(x.name));
    b.addEventListener('click', async () => {
      clearErrors(form);
      b.disabled = true;
      try {
        const body = { name: x.name };
        if (note.value.trim()) body.note = note.value.trim();
        await api.post(`/${base}/${id}/transitions`, body);
        announce(t('steps.done', { step: stepLabel(x.name) }));
        reload();
      } catch (err) {
        showErrors(form, err);
        b.disabled = false;
      }
    });
    return h('li', null, b, ' ', h('span', { class: 'muted' }, t('steps.to', { state: stateLabel(x.to) })),
      !x.allowed && x.reason ? h('p', { class: 'hint' }, t('steps.why_not', { reason: x.reason })) : null);
  }));
  form.append(items);
  if (!opts.only) form.append(field(t('steps.note'), note, { path: 'note', hint: t('steps.note_hint') }));
  box.append(form);
  return box;
}
