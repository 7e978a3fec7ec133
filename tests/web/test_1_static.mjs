// The interface's static rules, checked on the files and on what nginx
// serves: a Content-Security-Policy that forbids inline code on every page
// and script; no inline script, style or handler, and none of the DOM
// calls that parse strings as HTML or code, anywhere in web/; the English
// and French catalogues with the same keys and placeholders, and every
// key the code names present.

import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const WEB = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');

function files(dir, out = []) {
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

// Problems in one file's text (exported for the checker's own test).
export function scan(name, text) {
  const bad = [];
  if (name.endsWith('.html')) {
    if (/<script(?![^>]*\bsrc=)[^>]*>/i.test(text)) bad.push('an inline <script>');
    if (/\sstyle\s*=/i.test(text)) bad.push('a style= attribute');
    if (/<style[\s>]/i.test(text)) bad.push('a <style> element');
    if (/\son[a-z]+\s*=/i.test(text)) bad.push('an on...= handler attribute');
  }
  if (name.endsWith('.js')) {
    for (const [re, what] of [
      [/\.(innerHTML|outerHTML)\b/, 'innerHTML/outerHTML'], [/insertAdjacentHTML/, 'insertAdjacentHTML'],
      [/document\.write/, 'document.write'], [/\beval\s*\(/, 'eval'], [/new\s+Function\s*\(/, 'new Function'],
      [/\.style\./, 'element.style'], [/setAttribute\(\s*['"]style['"]/, "setAttribute('style')"],
      [/['"]style['"]\s*:/, 'a style property passed to h()'],
    ]) if (re.test(text)) bad.push(what);
  }
  return bad;
}

function placeholders(s) {
  return [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
}

// Compare two catalogues; returns the problems.
export function compare(en, fr) {
  const bad = [];
  for (const k of Object.keys(en)) {
    if (!(k in fr)) bad.push(`fr lacks ${k}`);
    else if (placeholders(en[k]) !== placeholders(fr[k])) bad.push(`${k}: placeholders differ`);
    if (typeof en[k] !== 'string' || en[k].trim() === '') bad.push(`en ${k} is empty`);
  }
  for (const k of Object.keys(fr)) {
    if (!(k in en)) bad.push(`en lacks ${k}`);
    if (typeof fr[k] !== 'string' || fr[k].trim() === '') bad.push(`fr ${k} is empty`);
  }
  return bad;
}

function catalogue(lang) {
  const out = JSON.parse(readFileSync(path.join(WEB, 'i18n', `${lang}.json`), 'utf8'));
  const parts = path.join(WEB, 'i18n', 'parts');
  if (existsSync(parts)) {
    for (const f of readdirSync(parts).filter((x) => x.endsWith(`.${lang}.json`))) Object.assign(out, JSON.parse(readFileSync(path.join(parts, f), 'utf8')));
  }
  return out;
}

export const tests = [
  {
    name: 'the checker itself finds inline code and catalogue mismatches',
    async fn({ assert }) {
      assert(scan('x.html', '<script>alert(1)</script>').length === 1, 'an inline script was not found');
      assert(scan('x.html', '<p style="color:red" onclick="x()">').length === 2, 'style= and onclick= were not found');
      assert(scan('x.html', '<script type="module" src="/js/main.js"></script>').length === 0, 'a script with src was refused');
      assert(scan('x.js', 'el.innerHTML = s; el.style.color = "red";').length === 2, 'innerHTML and .style were not found');
      assert(compare({ a: 'x {n}', b: 'y' }, { a: 'x', c: 'z' }).length === 3, 'catalogue mismatches were not all found');
    },
  },
  {
    name: 'no inline script, style or handler, and no HTML parsing, anywhere in web/',
    async fn({ assert }) {
      const bad = [];
      for (const f of files(WEB)) {
        if (!/\.(html|js)$/.test(f)) continue;
        for (const b of scan(f, readFileSync(f, 'utf8'))) bad.push(`${path.relative(WEB, f)}: ${b}`);
      }
      assert(bad.length === 0, bad.join('; '));
    },
  },
  {
    name: 'the English and French catalogues match, and every key the code names exists',
    async fn({ assert }) {
      const en = catalogue('en');
      const fr = catalogue('fr');
      const bad = compare(en, fr);
      for (const f of files(path.join(WEB, 'js'))) {
        const text = readFileSync(f, 'utf8');
        for (const m of text.matchAll(/\bt\('([a-zA-Z0-9_.]+)'/g)) if (!(m[1] in en)) bad.push(`${path.relative(WEB, f)}: t('${m[1]}') is not in en.json`);
      }
      assert(Object.keys(en).length > 300, `only ${Object.keys(en).length} strings in the catalogue`);
      assert(bad.length === 0, bad.slice(0, 20).join('; '));
    },
  },
  {
    name: 'nginx serves the interface under a Content-Security-Policy without inline code',
    async fn({ base, assert }) {
      for (const p of ['/', '/js/main.js', '/app.css', '/i18n/fr.json', '/no/such/screen']) {
        const r = await fetch(base + p);
        assert(r.status === 200, `${p}: ${r.status}`);
        const csp = r.headers.get('content-security-policy') || '';
        assert(csp.includes("default-src 'self'"), `${p}: CSP is "${csp}"`);
        assert(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), `${p}: CSP allows inline code: ${csp}`);
        assert(r.headers.get('x-content-type-options') === 'nosniff', `${p}: no nosniff`);
      }
      const missing = await fetch(base + '/js/no-such-module.js');
      assert(missing.status === 404, `a missing script is ${missing.status}, not 404`);
      const js = await fetch(base + '/js/main.js');
      assert((js.headers.get('content-type') || '').includes('javascript'), `main.js is served as ${js.headers.get('content-type')}`);
    },
  },
];
