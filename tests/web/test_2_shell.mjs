// The shell: signing in as each role (and landing on that role's start
// page), a wrong password, signing out, a session that ends while the user
// is on a screen, French, a phone-width screen and the keyboard.

import { signIn, open } from './lib.mjs';

const START = {
  'acme-applicant': ['My application', 'My application'],
  'acme-screening': ['Cases', 'Cases'],
  'acme-interviewer': ['Cases', 'Cases'],
  'acme-adjudicator': ['Cases', 'Cases'],
  'acme-authority': ['Cases', 'Cases'],
  'acme-cso': ['Cases', 'Cases'],
  'acme-appeals': ['Incidents and reports', 'Incidents'],
  'acme-auditor': ['Audit trail', 'Audit trail'],
  'acme-admin': ['Audit trail', 'Audit trail'],
};

export const tests = [
  {
    name: 'each role signs in and lands on its start page, with its own links',
    async fn(ctx) {
      const { assert } = ctx;
      for (const [user, [heading, link]] of Object.entries(START)) {
        const page = await signIn(ctx, user);
        await page.locator('main h1').first().waitFor();
        const h1 = await page.locator('main h1').first().textContent();
        assert(h1.includes(heading), `${user} landed on "${h1}", not "${heading}"`);
        const nav = page.getByRole('navigation', { name: 'Main' });
        assert(await nav.getByRole('link', { name: link, exact: true }).count() === 1, `${user}: no "${link}" link`);
        const header = await page.locator('header').textContent();
        assert(header.includes('acme'), `${user}: the header does not name the organization: ${header}`);
        if (user === 'acme-cso') await ctx.shot(page, 'cases-queue');
        if (user === 'acme-auditor') {
          assert(await nav.getByRole('link', { name: 'Cases', exact: true }).count() === 0, 'the auditor is offered the case queue');
          await ctx.shot(page, 'audit');
        }
        await page.context().close();
      }
    },
  },
  {
    name: 'a wrong password is refused in the form and nothing opens',
    async fn(ctx) {
      const page = await ctx.page();
      await page.goto(ctx.base + '/');
      await page.getByLabel('Username').fill('acme-cso');
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = await alert.textContent();
      ctx.assert(/password|credentials|username/i.test(text), `the refusal says "${text}"`);
      ctx.assert(await page.getByRole('button', { name: 'Sign out' }).count() === 0, 'signed in with a wrong password');
      ctx.assert(await page.getByLabel('Password').inputValue() === '', 'the password stays in the field');
      await ctx.shot(page, 'signin-refused');
    },
  },
  {
    name: 'signing out returns to the sign-in page, and the session is gone',
    async fn(ctx) {
      const page = await signIn(ctx, 'acme-cso');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('You have signed out.').waitFor();
      const r = await page.evaluate(async () => (await fetch('/api/v1/me')).status);
      ctx.assert(r === 401, `/me after sign-out is ${r}`);
    },
  },
  {
    name: 'a session that ends elsewhere brings the sign-in back, then the same screen',
    async fn(ctx) {
      const page = await signIn(ctx, 'acme-cso');
      await open(page, ctx, '/register');
      // the session ends behind the page's back (another tab signs out)
      const other = await page.context().newPage();
      await other.goto(ctx.base + '/');
      await other.evaluate(async () => {
        const me = await (await fetch('/api/v1/me')).json();
        await fetch('/api/v1/session', { method: 'DELETE', headers: { 'X-CSRF-Token': me.csrf_token } });
      });
      await other.close();
      await page.getByRole('link', { name: 'Dashboard' }).click();
      await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
      await ctx.shot(page, 'session-expired');
      await page.getByLabel('Username').fill('acme-cso');
      await page.getByLabel('Password').fill('vetd-demo');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      ctx.assert(page.url().endsWith('#/dashboard'), `after signing in again the page is ${page.url()}`);
    },
  },
  {
    name: 'French: the labels change, and the choice stays after a reload',
    async fn(ctx) {
      const page = await ctx.page();
      await page.goto(ctx.base + '/');
      await page.getByRole('button', { name: 'Français' }).click();
      await page.getByLabel("Nom d'utilisateur").waitFor();
      ctx.assert(await page.getByRole('button', { name: 'Se connecter' }).count() === 1, 'no French sign-in button');
      ctx.assert(await page.evaluate(() => document.documentElement.lang) === 'fr', 'the page language is not fr');
      await page.reload();
      await page.getByLabel("Nom d'utilisateur").fill('acme-cso');
      await page.getByLabel('Mot de passe').fill('vetd-demo');
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('button', { name: 'Se déconnecter' }).waitFor();
      const nav = page.getByRole('navigation');
      for (const l of ['Dossiers', 'Registre', 'Tableau de bord']) ctx.assert(await nav.getByRole('link', { name: l }).count() === 1, `no French "${l}" link`);
      await open(page, ctx, '/register');
      ctx.assert(await page.getByRole('heading', { name: 'Registre des cotes' }).count() === 1, 'the register heading is not French');
      await ctx.shot(page, 'register-fr');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Clearance register' }).waitFor();
    },
  },
  {
    name: 'a phone-width screen and the keyboard reach the sign-in form',
    async fn(ctx) {
      const page = await ctx.page({ viewport: { width: 390, height: 844 } });
      await page.goto(ctx.base + '/');
      await page.getByLabel('Username').waitFor();
      const box = await page.getByLabel('Username').boundingBox();
      ctx.assert(box && box.x >= 0 && box.x + box.width <= 390, `the username field is off screen: ${JSON.stringify(box)}`);
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      ctx.assert(wide <= 392, `the page is ${wide} px wide on a 390 px screen`);
      // the page opens with the focus in the username field
      ctx.assert(await page.evaluate(() => document.activeElement.name) === 'username', 'the focus is not in the username field');
      // the skip link comes first, shows when focused and moves the focus
      // to the screen without changing the address
      const first = await page.evaluate(() => document.querySelector('a[href], button, input').textContent);
      ctx.assert(first === 'Skip to content', `the first focusable element is "${first}"`);
      await page.locator('.skip').focus();
      const skip = await page.locator('.skip').boundingBox();
      ctx.assert(skip && skip.x >= 0, 'the focused skip link is not on screen');
      await page.keyboard.press('Enter');
      ctx.assert(await page.evaluate(() => document.activeElement.id) === 'main', 'the skip link did not move the focus to the screen');
      ctx.assert(!page.url().includes('#main'), 'the skip link changed the address');
      await page.getByLabel('Username').focus();
      await page.keyboard.type('acme-cso');
      await page.keyboard.press('Tab');
      await page.keyboard.type('vetd-demo');
      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.locator('main h1').first().waitFor();
      const wide2 = await page.evaluate(() => document.documentElement.scrollWidth);
      ctx.assert(wide2 <= 392, `the queue is ${wide2} px wide on a 390 px screen`);
      await ctx.shot(page, 'phone-queue');
    },
  },
];
