// Procedural fairness through the interface (REGDOC-2.12.2 section 5.4):
// on the quick start's demo case 6 (Priya Natarajan's SASC, northbridge, in
// adjudication) the adjudicator puts the concerns to the applicant; the
// applicant sees them with the days left to answer, an empty answer is
// refused at its field, and the answer sent comes back to the adjudicator;
// the authority denies (REGDOC 5.4.4) and the applicant appeals (11.0),
// then follows the appeal from the same page. The tests run in order and
// share the case.

import { signIn, open } from './lib.mjs';

const CASE = 6;
const CONCERNS = 'Two years of unpaid taxes were found in the credit check; tell us how they arose and where they stand.';

export const tests = [
  {
    name: 'the adjudicator puts the concerns to the applicant',
    async fn(ctx) {
      const page = await signIn(ctx, 'northbridge-adjudicator');
      await open(page, ctx, `/cases/${CASE}`);
      await page.getByRole('heading', { level: 1, name: new RegExp(`^Case ${CASE}: Priya Natarajan`) }).waitFor();
      const pf = page.locator('section[aria-labelledby="pf-h"]');
      // an empty text is refused at its field and nothing is sent
      await pf.getByRole('button', { name: 'Send the concerns' }).click();
      await pf.getByLabel(/^Concerns to put to the applicant/).and(page.locator('[aria-invalid="true"]')).waitFor();
      await pf.getByLabel(/^Concerns to put to the applicant/).fill(CONCERNS);
      await pf.getByRole('button', { name: 'Send the concerns' }).click();
      await page.getByText("Waiting for the applicant's response.").waitFor();
      await page.locator('dl .badge').getByText('procedural fairness', { exact: true }).first().waitFor();
      await ctx.shot(page, 'concerns-sent');
    },
  },
  {
    name: 'the applicant sees the days left, and answers within the window',
    async fn(ctx) {
      const page = await signIn(ctx, 'northbridge-applicant2');
      await open(page, ctx, `/my/${CASE}`);
      const box = page.locator('section[aria-labelledby="concerns-h"]');
      await box.getByText(CONCERNS).waitFor();
      const countdown = await box.locator('.countdown').textContent();
      const m = /^(\d+) day\(s\) left to answer \(until (\d{4}-\d{2}-\d{2})\)\.$/.exec(countdown);
      ctx.assert(m, `no countdown: ${countdown}`);
      const left = Math.round((Date.parse(m[2]) - Date.parse(new Date().toISOString().slice(0, 10))) / 86400e3);
      ctx.assert(Number(m[1]) === left && left > 0, `the countdown says ${m[1]} days, the date ${left}`);
      await ctx.shot(page, 'concerns');
      await box.getByRole('button', { name: 'Send my response' }).click();
      await box.getByLabel(/^Your response/).and(page.locator('[aria-invalid="true"]')).waitFor();
      await box.getByLabel(/^Your response/).fill('The taxes were paid under an arrangement with the revenue agency in 2025; the receipts are attached.');
      await box.getByRole('button', { name: 'Send my response' }).click();
      await box.getByText(/^Your response was received on \d{4}-\d{2}-\d{2}\.$/).waitFor();
      ctx.assert(await box.getByRole('button', { name: 'Send my response' }).count() === 0, 'the form is still open after the answer');
    },
  },
  {
    name: 'the adjudicator reads the answer on the case page',
    async fn(ctx) {
      const page = await signIn(ctx, 'northbridge-adjudicator');
      await open(page, ctx, `/cases/${CASE}`);
      const pf = page.locator('section[aria-labelledby="pf-h"]');
      await pf.getByText(/paid under an arrangement with the revenue agency/).waitFor();
      ctx.assert(await pf.getByText("Waiting for the applicant's response.").count() === 0, 'still waiting after the answer');
      await page.locator('dl .badge').getByText('adjudication', { exact: true }).first().waitFor();
      await page.getByRole('button', { name: 'Recommend to the authority', exact: true }).click();
      await page.locator('dl .badge').getByText('decision', { exact: true }).first().waitFor();
    },
  },
  {
    name: 'the authority denies, with a justification when departing from the recommendation',
    async fn(ctx) {
      const page = await signIn(ctx, 'northbridge-authority');
      await open(page, ctx, `/cases/${CASE}`);
      await page.getByLabel('Outcome', { exact: true }).selectOption('deny');
      await page.getByLabel(/^Justification/).fill('The unpaid taxes went unreported for two years after the arrangement (guideline C).');
      await page.getByRole('button', { name: 'Record the decision' }).click();
      await page.getByText(/^Decided: deny/).waitFor();
      await page.locator('dl .badge').getByText('denied', { exact: true }).first().waitFor();
    },
  },
  {
    name: 'the applicant appeals the denial and follows the appeal',
    async fn(ctx) {
      const page = await signIn(ctx, 'northbridge-applicant2');
      await open(page, ctx, `/my/${CASE}`);
      const lodge = page.getByRole('button', { name: 'Lodge the appeal' });
      await lodge.click();
      await page.getByLabel(/^Grounds of the appeal/).and(page.locator('[aria-invalid="true"]')).waitFor();
      ctx.assert(await page.getByRole('heading', { name: /^Your appeal \d+$/ }).count() === 0, 'an appeal without grounds was lodged');
      await page.getByLabel(/^Grounds of the appeal/).fill('The arrangement was disclosed to the employer at the time; the panel should see its letter.');
      await lodge.click();
      await page.getByRole('heading', { name: /^Your appeal \d+$/ }).waitFor();
      const box = page.locator('section[aria-labelledby="appeal-h"]');
      await box.locator('.badge').getByText('lodged', { exact: true }).waitFor();
      await box.getByLabel(/^A submission to the panel/).fill("The employer's letter of 2025-03-02 is attached.");
      await box.getByRole('button', { name: 'Send the submission' }).click();
      await page.locator('section[aria-labelledby="appeal-h"] li', { hasText: "Your submission" }).getByText("The employer's letter of 2025-03-02 is attached.").waitFor();
      ctx.assert(await page.getByRole('button', { name: 'Lodge the appeal' }).count() === 0, 'the lodge form is still shown');
      await ctx.shot(page, 'appeal');
      await open(page, ctx, '/my');
      await page.getByRole('cell').locator('.badge').getByText('lodged', { exact: true }).waitFor();
    },
  },
];
