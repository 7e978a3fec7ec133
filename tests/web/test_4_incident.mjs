// Incidents through the interface (reference 000, the Contract Security
// Program's reporting page; REGDOC-2.12.2 section 6.1 for a holder's own
// change): a screening officer files a security breach, the form refusing
// it until the sensitive-material question is answered; the cso takes it
// through its three steps (report at once after a preliminary inquiry whose
// record is final, find the cause, put corrective measures in place) to
// closure, each closed step showing why; a holder reports a change in their
// circumstances from their own page; the dashboard and the inbox are
// photographed. The tests run in order and share the report.

import { signIn, open, today } from './lib.mjs';

let incidentId = null;

// The button of a workflow step; waits until the page shows it.
async function step(page, name) {
  const b = page.getByRole('button', { name, exact: true });
  await b.waitFor();
  return b;
}

// Click a step and wait for the state badge to show the new state.
async function take(page, name, state) {
  await (await step(page, name)).click();
  await page.locator('dl .badge').getByText(state, { exact: true }).first().waitFor();
  await page.waitForLoadState('networkidle');
}

function inFuture(days) {
  return new Date(Date.now() + days * 86400e3).toISOString().slice(0, 10);
}

export const tests = [
  {
    name: 'a screening officer files a breach once the sensitive-material question is answered',
    async fn(ctx) {
      const page = await signIn(ctx, 'acme-screening');
      await page.getByRole('link', { name: 'Incidents', exact: true }).click();
      await page.getByRole('link', { name: 'Report an incident or a change' }).click();
      await page.getByLabel(/^Type of report/).selectOption('security_breach');
      ctx.assert(await page.getByText(/Do not put protected or classified information/).isVisible(), 'the guidance is not shown');
      // dates are written and shown as YYYY-MM-DD, whatever the browser's locale
      const when = page.getByLabel(/^Date it happened/);
      ctx.assert(await when.getAttribute('placeholder') === 'YYYY-MM-DD', 'the date field does not say YYYY-MM-DD');
      ctx.assert(/^\d{4}-\d{2}-\d{2}$/.test(await when.inputValue()), `the date is shown as ${await when.inputValue()}`);
      await when.fill(today());
      await page.getByLabel(/^Where/).fill('Records room, building 2');
      await page.getByLabel(/^What happened/).fill('A cabinet holding Protected B files was found unlocked after hours.');
      // unanswered: refused, the message at the question, nothing filed
      await page.getByRole('button', { name: 'Send the report' }).click();
      await page.locator('#inc-sensitive-err').waitFor({ state: 'visible' });
      ctx.assert(await page.getByText(/^Report \d+ was sent/).count() === 0, 'a report was filed without the answer');
      // a date in the future is refused at its field
      await page.getByRole('radio', { name: 'No' }).check();
      await page.getByLabel(/^Date it happened/).fill('2999-01-01');
      await page.getByRole('button', { name: 'Send the report' }).click();
      await page.locator('input[data-type="date"][aria-invalid="true"]').waitFor();
      ctx.assert(await page.getByText(/^Report \d+ was sent/).count() === 0, 'a report dated in the future was filed');
      await page.getByLabel(/^Date it happened/).fill(today());
      await ctx.shot(page, 'file');
      await page.getByRole('button', { name: 'Send the report' }).click();
      const banner = page.getByText(/^Report \d+ was sent to the security officer\.$/).first();
      await banner.waitFor();
      incidentId = Number(/Report (\d+)/.exec(await banner.textContent())[1]);
      ctx.assert(incidentId > 0, 'no report number shown');
      ctx.assert(await page.locator('.banner .badge', { hasText: 'urgent' }).count() === 1, 'a breach is not shown as urgent');
    },
  },
  {
    name: 'the cso takes the breach through inquiry, report, cause and measures to closure',
    async fn(ctx) {
      ctx.assert(incidentId, 'no report from the previous test');
      const page = await signIn(ctx, 'acme-cso');
      await page.getByRole('link', { name: 'Incidents', exact: true }).click();
      await page.getByRole('link', { name: `#${incidentId}`, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: `Report ${incidentId}: Security breach` }).waitFor();
      ctx.assert(await page.getByText('acme-screening').count() > 0, 'the cso does not see the reporter');
      await take(page, 'Start the preliminary inquiry', 'preliminary inquiry');

      // the report to the authority waits for a final record and the report
      const toAuth = await step(page, 'Reported to the authority');
      ctx.assert(await toAuth.isDisabled(), 'the report step was open before the record was final');
      ctx.assert(await page.getByText(/^Not yet: .*not final/).count() > 0, 'no reason shown for the closed step');

      // an entry without what was done is refused at its field
      await page.getByRole('button', { name: 'Add the entry' }).click();
      await page.locator('textarea[aria-invalid="true"]').first().waitFor();
      ctx.assert(await page.getByText('Entry 1', { exact: true }).count() === 0, 'an empty entry was recorded');
      await page.getByLabel(/^What was done/).fill('Checked the cabinet log and the access records');
      await page.getByLabel(/^Who was spoken to/).fill('The records supervisor');
      await page.getByLabel(/^Findings/).fill('The lock was left open at 17:40; no file is missing.');
      await page.getByLabel(/^This is the final entry/).check();
      await page.getByRole('button', { name: 'Add the entry' }).click();
      await page.getByText('Final entry', { exact: true }).waitFor();

      await page.getByLabel(/^How it was sent/).fill('secure e-mail');
      await page.getByLabel(/^Reference/).fill('CSP-2026-118');
      await page.getByRole('button', { name: 'Mark sent' }).click();
      await page.getByText(/^Sent on .* by secure e-mail \(reference CSP-2026-118\)\.$/).waitFor();
      await take(page, 'Reported to the authority', 'reported to the authority');
      ctx.assert(await (await step(page, 'Close the incident')).isDisabled(), 'a breach could close once reported');
      await take(page, 'Investigate the cause', 'investigation');

      ctx.assert(await (await step(page, 'Go to corrective measures')).isDisabled(), 'measures were open before the cause');
      await page.getByLabel(/^Cause$/).fill('The closing checklist did not include the cabinet.');
      await page.getByRole('button', { name: 'Record the cause' }).click();
      await page.getByRole('heading', { name: 'Cause of the breach' }).waitFor();
      await take(page, 'Go to corrective measures', 'corrective measures');

      // a measure without an owner is refused; then added, it holds closure
      await page.getByLabel(/^Measure/).fill('Add the cabinet to the closing checklist');
      await page.getByLabel(/^Due date/).fill(inFuture(14));
      await page.getByRole('button', { name: 'Add the measure' }).click();
      await page.getByLabel(/^Owner \(username\)/).and(page.locator('[aria-invalid="true"]')).waitFor();
      ctx.assert(await page.getByRole('cell', { name: 'Add the cabinet to the closing checklist' }).count() === 0, 'a measure without an owner was added');
      await page.getByLabel(/^Owner \(username\)/).fill('acme-screening');
      await page.getByRole('button', { name: 'Add the measure' }).click();
      await page.getByRole('cell', { name: 'Add the cabinet to the closing checklist' }).waitFor();
      ctx.assert(await (await step(page, 'Close the incident')).isDisabled(), 'the breach could close with a measure open');
      ctx.assert(await page.getByText(/^Not yet: .*still open/).count() > 0, 'no reason shown for the open measure');
      await ctx.shot(page, 'measures');
      await page.getByRole('button', { name: 'Mark done' }).click();
      await page.getByText(`done ${today()}`).waitFor();
      await take(page, 'Close the incident', 'closed');
      ctx.assert(await page.getByRole('button', { name: 'Add the entry' }).count() === 0, 'the closed record still takes entries');
      await ctx.shot(page, 'closed');

      // the inbox lists it closed; the drafted report opens
      await open(page, ctx, '/incidents?state=closed');
      await page.getByRole('link', { name: `#${incidentId}`, exact: true }).waitFor();
      await ctx.shot(page, 'inbox');
    },
  },
  {
    name: 'a holder reports a change in their circumstances from their own page',
    async fn(ctx) {
      const page = await signIn(ctx, 'acme-applicant');
      await page.getByRole('link', { name: /change in my circumstances/i }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Report an incident or a change' }).waitFor();
      ctx.assert(await page.getByLabel(/^Type of report/).inputValue() === 'change_of_circumstances', 'the type is not preset');
      await page.getByLabel(/^The change/).selectOption('foreign_travel');
      await page.getByLabel(/^What happened/).fill('Two weeks of travel abroad to visit family next spring.');
      await page.getByRole('radio', { name: 'No' }).check();
      await page.getByRole('button', { name: 'Send the report' }).click();
      await page.getByText(/^Report \d+ was sent to the security officer\.$/).first().waitFor();
      await ctx.shot(page, 'change');
      // the holder sees their own report, not the breach filed by others
      await open(page, ctx, '/incidents');
      ctx.assert(await page.getByRole('link', { name: `#${incidentId}`, exact: true }).count() === 0, "the holder sees someone else's report");
    },
  },
  {
    name: "the auditor finds the breach's handling in the audit trail; a bad date is refused",
    async fn(ctx) {
      ctx.assert(incidentId, 'no report from the first test');
      const page = await signIn(ctx, 'acme-auditor');
      await page.getByLabel(/^Target/).fill(`incident:${incidentId}`);
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.getByRole('table').waitFor();
      const text = await page.getByRole('table').textContent();
      for (const what of ['user:acme-screening', 'user:acme-cso', 'incident.']) {
        ctx.assert(text.includes(what), `the trail of incident:${incidentId} does not show ${what}`);
      }
      const rows = await page.getByRole('table').locator('tbody tr').count();
      ctx.assert(rows >= 8, `only ${rows} events for a report taken to closure`);
      ctx.assert(await page.getByRole('cell', { name: /^incident:/ }).filter({ hasNotText: `incident:${incidentId}` }).count() === 0,
        'the search shows events of other targets');
      await ctx.shot(page, 'audit-search');
      await open(page, ctx, '/audit?from=2026-13-45');
      await page.locator('main .banner-error').waitFor();
    },
  },
  {
    name: 'the dashboard shows the timeliness chart, the queues and the renewals',
    async fn(ctx) {
      const page = await signIn(ctx, 'acme-cso');
      await open(page, ctx, '/dashboard');
      await page.locator('main svg').first().waitFor();
      ctx.assert(await page.locator('main table').count() > 0, 'the dashboard has no table');
      await ctx.shot(page, 'dashboard');
      await page.getByRole('button', { name: 'Français' }).click();
      await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
      await ctx.shot(page, 'dashboard-fr');
      await page.getByRole('button', { name: 'English' }).click();
      await page.locator('html[lang="en"]').waitFor({ state: 'attached' });
    },
  },
];
