// i18n: the interface's strings in English and French. Every string shown
// comes from a message catalogue (i18n/en.json, i18n/fr.json), flat keys to
// strings with {name} placeholders. The language is chosen by the user (kept
// in localStorage), else the browser's, else English. Dates are always shown
// as YYYY-MM-DD, whatever the language.

export const LANGS = ['en', 'fr'];

let lang = 'en';
let messages = {};
let fallback = {};
const missing = new Set();

async function load(l) {
  const res = await fetch(`/i18n/${l}.json`, { cache: 'no-cache' });
  if (!res.ok) throw new Error(`catalogue ${l}: HTTP ${res.status}`);
  return res.json();
}

function initial() {
  let saved = null;
  try {
    saved = localStorage.getItem('vetd.lang');
  } catch {
    saved = null;
  }
  if (LANGS.includes(saved)) return saved;
  const nav = (navigator.language || 'en').slice(0, 2).toLowerCase();
  return LANGS.includes(nav) ? nav : 'en';
}

// Load the catalogues: English always (the fallback), then the chosen one.
export async function init() {
  fallback = await load('en');
  await use(initial());
}

export async function use(l) {
  if (!LANGS.includes(l)) l = 'en';
  messages = l === 'en' ? fallback : await load(l);
  lang = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem('vetd.lang', l);
  } catch {
    // private browsing: the choice lasts this page only
  }
}

export function current() {
  return lang;
}

// t(key, params) -> the string, with {name} replaced from params. A key
// missing from both catalogues is shown as itself and remembered, so the
// browser tests can fail on it (window.vetdMissingKeys).
export function t(key, params) {
  let s = messages[key];
  if (s === undefined) s = fallback[key];
  if (s === undefined) {
    missing.add(key);
    s = key;
  }
  if (params)
    s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined && params[k] !== null ? String(params[k]) : m));
  return s;
}

// has(key): whether a catalogue names this key (for optional labels such as
// a requirement code's own text).
export function has(key) {
  return messages[key] !== undefined || fallback[key] !== undefined;
}

window.vetdMissingKeys = () => [...missing];

// A date or ISO time as YYYY-MM-DD; '' for none.
export function fmtDate(v) {
  if (!v) return '';
  if (typeof v === 'number') v = new Date(v * 1000).toISOString();
  return String(v).slice(0, 10);
}

// An ISO time as "YYYY-MM-DD HH:MM" (UTC, as vetd stores it).
export function fmtTime(v) {
  if (!v) return '';
  const s = String(v);
  return s.length >= 16 ? `${s.slice(0, 10)} ${s.slice(11, 16)}` : s;
}
