// A clearance case from opening to the register, through the interface
// only, each step by the demo user whose job it is (the README's
// walk-through, acme, default policy): the cso opens a TS case for Sam
// Rivera (person 2) and assigns the staff; the applicant fills the file
// from empty to submitted, watching the requirements shrink, and uploads a
// document; screening signs the office's consent parts, records the
// agency's notice and sends the file on; the adjudicator fills the
// worksheet (C7 answered by C15) and gets the policy's recommendation; the
// authority decides; the applicant acknowledges the briefing; the register
// shows the clearance. The tests run in order and share the case.

import { signIn, open, today } from './lib.mjs';

let caseId = null;

// A control by its label, with or without the required-field star.
function label(scope, text) {
  return scope.getByLabel(new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`));
}

async function requirementCount(page) {
  const box = page.locator('#requirements');
  await box.waitFor();
  const items = await box.locator('li').count();
  return items;
}

// Fill one list section's new row: values by label, inside #sec-<name>.
async function addRow(sec, name, values) {
  await sec.getByRole('button', { name: new RegExp(`^Add an entry to `) }).click();
  const row = sec.locator('fieldset.row').last();
  for (const [label0, v] of Object.entries(values)) {
    const c = label(row, label0);
    if (typeof v === 'boolean') await c.setChecked(v);
    else if (await c.evaluate((e) => e.tagName) === 'SELECT') await c.selectOption(v);
    else await c.fill(v);
  }
}

async function saveSection(page, sec, title) {
  const before = await requirementCount(page);
  await sec.getByRole('button', { name: `Save ${title}` }).click();
  await page.waitForLoadState('networkidle');
  return before;
}

export const tests = [
  {
    name: 'the cso opens a TS case for Sam Rivera and assigns the staff',
    async fn(ctx) {
      const page = await signIn(ctx, 'acme-cso');
      await page.getByRole('link', { name: 'Open a case' }).click();
      await page.getByLabel('Person number (if on file)').fill('2');
      await page.getByLabel('Level').selectOption('TS');
      await ctx.shot(page, 'open-case');
      await page.getByRole('button', { name: 'Open the case' }).click();
      await page.getByRole('heading', { level: 1, name: /Sam Rivera, TS/ }).waitFor();
      caseId = Number(/#\/cases\/(\d+)/.exec(page.url())[1]);
      ctx.assert(caseId > 0, `no case id in ${page.url()}`);
      for (const [role, user] of [['screening', 'acme-screening'], ['adjudicator', 'acme-adjudicator'], ['authority', 'acme-authority']]) {
        await page.getByLabel('Role', { exact: true }).selectOption(role);
        await page.getByLabel('Username to assign').fill(user);
        await page.getByRole('button', { name: 'Assign', exact: true }).click();
        await page.getByRole('listitem').filter({ hasText: user }).first().waitFor();
      }
      // a username that is not in the directory is refused where it was typed
      await page.getByLabel('Username to assign').fill('nobody-such');
      await page.getByRole('button', { name: 'Assign', exact: true }).click();
      await page.locator('[aria-invalid="true"], .form-error:not([hidden])').first().waitFor();
      await ctx.shot(page, 'case-opened');
    },
  },
  {
    name: 'the applicant fills the file from empty to submitted, and uploads a document',
    async fn(ctx) {
      ctx.assert(caseId, 'no case from the previous test');
      const page = await signIn(ctx, 'acme-applicant2');
      await open(page, ctx, `/my/${caseId}`);
      let n = await requirementCount(page);
      ctx.assert(n >= 5, `only ${n} requirements on an empty file`);
      await ctx.shot(page, 'applicant-empty');
      // a bad date range is refused at its field, and changes nothing
      let sec = page.locator('#sec-residences');
      await sec.locator('summary').click();
      await addRow(sec, 'residences', { From: '2015-01-01', To: '2014-01-01', Country: 'NZ' });
      await sec.getByRole('button', { name: 'Save Residence history' }).click();
      await sec.locator('[aria-invalid="true"]').first().waitFor();
      ctx.assert(await requirementCount(page) === n, 'a refused save changed the requirements');
      await label(sec.locator('fieldset.row').last(), 'To').fill('');
      await label(sec.locator('fieldset.row').last(), 'Address').fill('7 Ponsonby Road');
      await label(sec.locator('fieldset.row').last(), 'City').fill('Auckland');
      await saveSection(page, sec, 'Residence history');
      await page.waitForFunction((m) => document.querySelectorAll('#requirements li').length < m, n);
      n = await requirementCount(page);

      sec = page.locator('#sec-employment');
      await sec.locator('summary').click();
      await addRow(sec, 'employment', { From: '2014-02-01', Employer: 'Acme Defence', 'Position held': 'Software developer', Country: 'NZ' });
      await saveSection(page, sec, 'Employment history');
      await page.waitForFunction((m) => document.querySelectorAll('#requirements li').length < m, n);
      n = await requirementCount(page);

      sec = page.locator('#sec-identity_documents');
      await sec.locator('summary').click();
      await addRow(sec, 'identity_documents', { Type: 'passport', Number: 'LA123456', 'Issuing country': 'NZ', 'Expiry date': '2035-05-31', 'Photo identification': true, 'Language (code)': 'en' });
      await addRow(sec, 'identity_documents', { Type: 'birth_certificate', Number: 'BC-19910903', 'Issuing country': 'NZ', 'Language (code)': 'en' });
      await saveSection(page, sec, 'Identity documents');
      await page.waitForFunction((m) => document.querySelectorAll('#requirements li').length < m, n);
      n = await requirementCount(page);

      sec = page.locator('#sec-consent');
      await sec.locator('summary').click();
      await sec.getByLabel('Part B (applicant)').fill(today());
      await sec.getByLabel('Part C (applicant)').fill(today());
      await saveSection(page, sec, 'Consent and authorization');
      await page.waitForFunction((m) => !document.querySelector('#requirements li') || document.querySelectorAll('#requirements li').length < m, n);
      await ctx.shot(page, 'applicant-filled');

      // a document, with its progress bar
      await label(page, 'File').setInputFiles({ name: 'passport.pdf', mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') });
      await page.getByLabel('Kind of document').selectOption('passport');
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.getByText('passport.pdf uploaded.').first().waitFor();
      ctx.assert(await page.locator('progress').evaluate((p) => p.value) === 100, 'the progress bar did not reach the end');
      await page.getByRole('link', { name: 'passport.pdf' }).waitFor();
      // a file whose bytes are not what it claims is refused, and listed nowhere
      await label(page, 'File').setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('just text, not a PDF') });
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.locator('.documents .form-error:not([hidden])').waitFor();
      ctx.assert(await page.getByRole('link', { name: 'fake.pdf' }).count() === 0, 'the refused file is listed');

      const submit = page.getByRole('button', { name: 'Submit my application' });
      await submit.waitFor();
      ctx.assert(await submit.isEnabled(), 'the complete file cannot be submitted');
      await submit.click();
      await page.getByText('submitted', { exact: true }).first().waitFor();
      await ctx.shot(page, 'applicant-submitted');
    },
  },
  {
    name: 'screening signs the office parts, records the NRT notice and sends the file to adjudication',
    async fn(ctx) {
      const page = await signIn(ctx, 'acme-screening');
      await open(page, ctx, `/cases/${caseId}`);
      // not yet: the office's consent parts are missing
      const toAdj = page.getByRole('button', { name: 'Send to adjudication' });
      await page.getByRole('button', { name: 'Start screening' }).click();
      await toAdj.waitFor();
      ctx.assert(await toAdj.isDisabled(), 'adjudication was open before the consent was complete');
      ctx.assert(await page.getByText(/^Not yet: /).count() > 0, 'no reason is shown for the closed step');
      const sec = page.locator('#sec-consent');
      await sec.locator('summary').click();
      for (const p of ['A', 'D', 'E']) await sec.getByLabel(`Part ${p} (office)`).fill(today());
      await sec.getByRole('button', { name: 'Save Consent and authorization' }).click();
      await page.waitForLoadState('networkidle');
      await page.getByLabel('Reference').last().fill('NZSIS-2041');
      await page.getByRole('button', { name: 'Record the notice' }).click();
      await page.getByRole('cell', { name: 'NRT: no reportable traces' }).waitFor();
      await ctx.shot(page, 'screening');
      await page.getByRole('button', { name: 'Send to adjudication' }).click();
      await page.getByText('adjudication', { exact: true }).first().waitFor();
    },
  },
  {
    name: 'the adjudicator fills the worksheet and gets the recommendation',
    async fn(ctx) {
      const page = await signIn(ctx, 'acme-adjudicator');
      await open(page, ctx, `/cases/${caseId}`);
      const ws = page.locator('section[aria-labelledby="ws-h"]');
      await ws.locator('[data-guideline="C"] summary').click();
      await ws.getByLabel(/^C7 — /).check();
      await ws.getByLabel('Date (C7)').fill('2012-06-01');
      await ws.getByLabel('Facts (C7)').fill('Bankruptcy after the family business failed');
      await ws.getByLabel(/^C15 — /).check();
      await ws.getByLabel(/^How serious/).selectOption('moderate');
      await ws.getByLabel(/^How recent/).selectOption('old');
      await ws.getByRole('button', { name: 'Save the worksheet' }).click();
      await page.getByText(/^Version 1, by/).waitFor();
      await page.getByRole('button', { name: "Get the policy's recommendation" }).click();
      await page.getByText('The policy recommends: grant').waitFor();
      ctx.assert(await page.locator('section[aria-labelledby="rec-h"] .badge', { hasText: 'C15' }).count() > 0, 'the reasons do not cite C15');
      await ctx.shot(page, 'worksheet');
      await page.getByRole('button', { name: 'Recommend to the authority' }).click();
      await page.getByText('decision', { exact: true }).first().waitFor();
    },
  },
  {
    name: 'the authority must justify a departure, then grants',
    async fn(ctx) {
      const page = await signIn(ctx, 'acme-authority');
      await open(page, ctx, `/cases/${caseId}`);
      await page.getByLabel('Outcome', { exact: true }).selectOption('deny');
      await page.getByRole('button', { name: 'Record the decision' }).click();
      await page.locator('.field-error', { hasText: 'Write a justification: this decision departs from the recommendation.' }).waitFor();
      await page.getByLabel('Outcome', { exact: true }).selectOption('grant');
      await ctx.shot(page, 'decision');
      await page.getByRole('button', { name: 'Record the decision' }).click();
      await page.getByText(/^Decided: grant/).waitFor();
    },
  },
  {
    name: 'the applicant acknowledges the briefing and the register shows the clearance',
    async fn(ctx) {
      let page = await signIn(ctx, 'acme-applicant2');
      await open(page, ctx, `/my/${caseId}`);
      await page.getByRole('button', { name: 'I acknowledge the security briefing' }).click();
      await page.getByText('issued', { exact: true }).first().waitFor();
      await ctx.shot(page, 'issued');
      page = await signIn(ctx, 'acme-cso');
      await open(page, ctx, '/register?level=TS');
      const row = page.getByRole('row').filter({ hasText: 'Sam Rivera' });
      await row.first().waitFor();
      ctx.assert((await row.first().textContent()).includes('TS'), 'the register row is not TS');
      await ctx.shot(page, 'register');
      // the case page in French
      await open(page, ctx, `/cases/${caseId}`);
      await page.getByRole('button', { name: 'Français' }).click();
      await page.getByRole('heading', { level: 1, name: new RegExp(`^Dossier ${caseId} : Sam Rivera, TS`) }).waitFor();
      ctx.assert(await page.getByRole('heading', { name: 'Historique' }).count() === 1, 'the history heading is not French');
      await ctx.shot(page, 'case-fr');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'History' }).waitFor();
    },
  },
];
