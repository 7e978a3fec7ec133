// lib: steps the browser scenarios share: signing in through the form,
// waiting for a screen, reading the live region.

export const PASSWORD = 'vetd-demo';

// Open the interface and sign in through the form as user; resolves once
// the header shows the user's name.
export async function signIn(ctx, user, opts = {}) {
  const page = opts.page || await ctx.page(opts);
  await page.goto(ctx.base + '/' + (opts.hash ? '#' + opts.hash : ''));
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.waitForLoadState('networkidle');
  return page;
}

// Go to a screen by its hash and wait for its heading and the network.
export async function open(page, ctx, hash) {
  await page.goto(`${ctx.base}/#${hash}`);
  await page.locator('main h1').first().waitFor();
  await page.waitForLoadState('networkidle');
}

export function today() {
  return new Date().toISOString().slice(0, 10);
}
