// session: who is signed in (GET /api/v1/me), shared by every view. The
// roles decide which screens the shell offers; vetd checks access again on
// every request, so hiding a screen is a convenience, never the control.

import { api, setCsrf } from './api.js';

export const session = {
  me: null,

  // Ask vetd who is signed in; null when nobody is (401).
  async load() {
    try {
      this.set(await api.get('/me'));
    } catch (err) {
      if (err.status !== 401) throw err;
      this.set(null);
    }
    return this.me;
  },

  set(me) {
    this.me = me;
    setCsrf(me ? me.csrf_token : null);
  },

  roles() {
    return (this.me && this.me.roles) || [];
  },

  // has('cso', 'authority'): whether the user holds any of these roles.
  has(...roles) {
    return roles.some((r) => this.roles().includes(r));
  },

  username() {
    return this.me && this.me.user ? this.me.user.name : null;
  },
};
