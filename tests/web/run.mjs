// run: vetd's browser tests. Starts the real stack (stack.mjs), launches
// Debian's chromium through playwright-core, and runs every test of the
// tests/web/test_*.mjs files (or of the files named on the command line),
// in file order; each file exports `tests`, a list of { name, fn(ctx) }.
// A page opened with ctx.page() records console errors, uncaught errors,
// Content-Security-Policy violations, 5xx answers and catalogue keys the
// interface did not find; any of them fails the test. Screenshots go to
// tests/web/artifacts/. Prints PASS/FAIL per test and ends with the line
// "N passed, M failed"; exits 1 when a test failed or none ran.

import { chromium } from 'playwright-core';
import { readdirSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import * as stack from './stack.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = path.join(HERE, 'artifacts');

const CHROMIUM = process.env.VETD_CHROMIUM || '/usr/bin/chromium';

// Record what must not happen on a page (see the header comment).
async function watch(page, problems) {
  await page.addInitScript(() => {
    window.__vetdCsp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__vetdCsp.push(`${e.violatedDirective} ${e.blockedURI || ''}`.trim());
    });
  });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // The browser's own line for a 4xx answer the test provoked; a 5xx
    // is caught below from the response itself.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
    problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`${r.status()} from ${r.request().method()} ${r.url()}`);
  });
}

async function collect(page, problems) {
  if (page.isClosed()) return;
  try {
    const csp = await page.evaluate(() => window.__vetdCsp || []);
    for (const v of csp) problems.push(`CSP violation: ${v}`);
    const keys = await page.evaluate(() => (window.vetdMissingKeys ? window.vetdMissingKeys() : []));
    if (keys.length) problems.push(`missing catalogue keys: ${keys.join(', ')}`);
  } catch (e) {
    problems.push(`could not read the page's records: ${e.message}`);
  }
}

export class Failure extends Error {}

export function assert(cond, msg) {
  if (!cond) throw new Failure(msg);
}

async function main() {
  const only = process.argv.slice(2);
  const files = readdirSync(HERE).filter((f) => /^test_.*\.mjs$/.test(f)).sort()
    .filter((f) => !only.length || only.some((o) => f.includes(o)));
  // a whole run starts with no picture of an earlier one
  if (!only.length) rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  let passed = 0;
  let failed = 0;
  if (!existsSync(CHROMIUM)) {
    console.log(`FAIL setup: no browser at ${CHROMIUM} (Debian package chromium)`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  let st;
  try {
    st = await stack.start();
  } catch (e) {
    console.log(`FAIL setup: ${e.message}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  const args = process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [];
  const browser = await chromium.launch({ executablePath: CHROMIUM, args });
  try {
    for (const file of files) {
      const mod = await import(pathToFileURL(path.join(HERE, file)).href);
      for (const test of mod.tests || []) {
        const problems = [];
        const contexts = [];
        const pages = [];
        const ctx = {
          base: st.base,
          browser,
          assert,
          // A fresh browser context (its own cookies) and page.
          async page(opts = {}) {
            const c = await browser.newContext({ viewport: opts.viewport || { width: 1280, height: 900 }, locale: opts.locale || 'en-CA', acceptDownloads: true });
            contexts.push(c);
            c.setDefaultTimeout(10000);
            const p = await c.newPage();
            await watch(p, problems);
            pages.push(p);
            return p;
          },
          async shot(page, name) {
            await page.screenshot({ path: path.join(ARTIFACTS, `${file.replace(/\.mjs$/, '')}-${name}.png`), fullPage: true });
          },
        };
        const t0 = Date.now();
        let error = null;
        try {
          await test.fn(ctx);
        } catch (e) {
          error = e;
        }
        for (const p of pages) await collect(p, problems);
        if (error) {
          for (const p of pages) {
            if (!p.isClosed()) await p.screenshot({ path: path.join(ARTIFACTS, `FAILED-${file.replace(/\.mjs$/, '')}-${test.name.replace(/\W+/g, '_')}.png`), fullPage: true }).catch(() => {});
          }
        }
        for (const c of contexts) await c.close().catch(() => {});
        const secs = ((Date.now() - t0) / 1000).toFixed(1);
        if (error || problems.length) {
          failed += 1;
          console.log(`FAIL ${file}: ${test.name} (${secs} s): ${error ? error.message.split('\n').slice(0, 6).join(' | ') : ''}${problems.length ? ` [${problems.join('; ')}]` : ''}`);
        } else {
          passed += 1;
          console.log(`PASS ${file}: ${test.name} (${secs} s)`);
        }
      }
    }
  } finally {
    await browser.close().catch(() => {});
    await st.stop();
  }
  if (passed + failed === 0) console.log('no test ran');
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main().catch((e) => {
  console.log(`FAIL runner: ${e.stack || e.message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
