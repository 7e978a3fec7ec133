// signin: the sign-in page (directory username and password). It says why
// the user is here again when a session ended (expired, signed out) and
// shows vetd's refusal (wrong credentials, no role, too many attempts,
// directory down) next to the form.

import { api } from '../api.js';
import { t } from '../i18n.js';
import { h, field, input, showErrors, clearErrors } from '../dom.js';

const REASONS = {
  session_expired: 'signin.expired',
  not_signed_in: 'signin.expired',
  signed_out: 'signin.signed_out',
};

function render({ reason, onSignedIn }) {
  const user = input({ name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false' });
  const pass = input({ type: 'password', name: 'password', autocomplete: 'current-password' });
  const submit = h('button', { type: 'submit', class: 'primary' }, t('signin.submit'));
  const form = h('form', { class: 'card signin', novalidate: true },
    field(t('signin.username'), user, { path: 'username', required: true }),
    field(t('signin.password'), pass, { path: 'password', required: true }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    submit.disabled = true;
    try {
      const me = await api.post('/session', { username: user.value.trim(), password: pass.value });
      pass.value = '';
      onSignedIn(me);
    } catch (err) {
      pass.value = '';
      if (err.code === 'too_many_attempts') err.message = t('signin.wait');
      showErrors(form, err);
    } finally {
      submit.disabled = false;
    }
  });
  setTimeout(() => user.focus(), 0);
  return h('section', { class: 'narrow' },
    h('h1', null, t('signin.title')),
    reason && REASONS[reason] ? h('p', { class: 'banner banner-info', role: 'status' }, t(REASONS[reason])) : null,
    h('p', null, t('signin.intro')),
    form);
}

export default { render, routes: [] };
