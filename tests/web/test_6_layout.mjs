// Every main screen at a phone's width (390 px) and at 1280 px: the page
// itself never scrolls sideways (wide tables scroll inside their own box),
// and each screen has one h1 and a main landmark and shows no error. A screenshot of each at
// phone width is kept.

import { signIn, open } from './lib.mjs';

const SCREENS = [
  ['acme-applicant', '/my', 'my'],
  ['acme-applicant', '/my/1', 'my-case'],
  ['acme-cso', '/cases', 'cases'],
  ['acme-cso', '/cases/3', 'case'],
  ['acme-cso', '/cases/new', 'case-new'],
  ['acme-adjudicator', '/cases/2', 'case-adjudicator'],
  ['acme-cso', '/register', 'register'],
  ['acme-cso', '/register/1', 'clearance'],
  ['acme-cso', '/incidents', 'incidents'],
  ['acme-cso', '/incidents/1', 'incident'],
  ['acme-screening', '/incidents/new', 'incident-new'],
  ['acme-cso', '/dashboard', 'dashboard'],
  ['acme-auditor', '/audit', 'audit'],
];

async function check(ctx, page, hash) {
  await open(page, ctx, hash);
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
    h1: document.querySelectorAll('main h1').length,
    main: document.querySelectorAll('main').length,
    error: (document.querySelector('main .banner-error') || {}).textContent || null,
  }));
  ctx.assert(!m.error, `${hash}: the screen shows an error: ${m.error}`);
  ctx.assert(m.scroll <= m.width, `${hash}: the page is ${m.scroll} px wide in a ${m.width} px window`);
  ctx.assert(m.h1 === 1, `${hash}: ${m.h1} h1 headings`);
  ctx.assert(m.main === 1, `${hash}: ${m.main} main landmarks`);
}

export const tests = [
  {
    name: 'each main screen fits a phone-width window and a 1280 px one',
    async fn(ctx) {
      const pages = {};
      for (const [user, hash, shot] of SCREENS) {
        for (const width of [390, 1280]) {
          const key = `${user}@${width}`;
          if (!pages[key]) pages[key] = await signIn(ctx, user, { viewport: { width, height: 844 } });
          await check(ctx, pages[key], hash);
          if (width === 390) await ctx.shot(pages[key], `phone-${shot}`);
        }
      }
    },
  },
];
