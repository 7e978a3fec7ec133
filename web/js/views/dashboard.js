// dashboard: the office's timeliness and workload. Per stage, the median
// and 90th percentile of the days cases spent there (GET /stats/timeliness,
// stages as the policy defines them) drawn as an SVG bar chart with the
// same numbers in a table; the number of cases in each state; the
// clearances that expire within 180 days (renewals due, REGDOC 7.0).

import { api } from '../api.js';
import { t, fmtDate, has } from '../i18n.js';
import { h, field, input, table, errorBanner } from '../dom.js';
import { href, go } from '../router.js';
import { plusDays } from './register.js';
import { stateLabel } from './case-common.js';

function stageLabel(s) {
  return has(`dash.stage.${s}`) ? t(`dash.stage.${s}`) : s;
}

const num = (v) => (v === null || v === undefined ? '—' : (Math.round(v * 10) / 10).toString());

// The bar chart: one group per stage, median and p90 bars side by side.
function chart(stages) {
  const W = 640;
  const rowH = 34;
  const left = 130;
  const H = stages.length * rowH + 30;
  const max = Math.max(1, ...stages.map((s) => s.p90_days || 0));
  const scale = (v) => ((W - left - 40) * (v || 0)) / max;
  const svg = h('svg:svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-labelledby': 'chart-title' },
    h('svg:title', { id: 'chart-title' }, t('dash.chart_title')));
  stages.forEach((s, i) => {
    const y = i * rowH + 6;
    svg.append(h('svg:text', { x: 0, y: y + 17 }, stageLabel(s.stage)),
      h('svg:rect', { x: left, y, width: Math.max(1, scale(s.median_days)), height: 12, class: 'bar-median' }),
      h('svg:rect', { x: left, y: y + 13, width: Math.max(1, scale(s.p90_days)), height: 12, class: 'bar-p90' }),
      h('svg:text', { x: left + scale(s.p90_days) + 6, y: y + 22 }, `${num(s.median_days)} / ${num(s.p90_days)}`));
  });
  svg.append(h('svg:line', { x1: left, y1: 0, x2: left, y2: H - 24, class: 'axis' }),
    h('svg:text', { x: left, y: H - 6 }, '0'), h('svg:text', { x: W - 60, y: H - 6 }, num(max)));
  return svg;
}

async function count() {
  const by = {};
  let before;
  for (let page = 0; page < 20; page++) {
    const ans = await api.get('/cases', { limit: 200, before });
    const list = ans.cases || [];
    for (const c of list) by[c.state] = (by[c.state] || 0) + 1;
    if (list.length < 200) break;
    before = list[list.length - 1].id;
  }
  return by;
}

async function page({ query }) {
  const from = input({ type: 'date', value: query.from || '' });
  const to = input({ type: 'date', value: query.to || '' });
  const level = input({ value: query.level || '' });
  const filters = h('form', { class: 'filters', 'aria-label': t('dash.filters') }, field(t('dash.from'), from), field(t('dash.to'), to),
    field(t('case.level'), level), h('button', { type: 'submit', class: 'primary' }, t('common.filter')));
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, c] of [['from', from], ['to', to], ['level', level]]) if (c.value.trim()) p.set(k, c.value.trim());
    go(`/dashboard${p.toString() ? '?' + p : ''}`);
  });
  const [stats, states, renewals] = await Promise.all([
    api.get('/stats/timeliness', { from: query.from, to: query.to, level: query.level }).catch((e) => e),
    count().catch(() => null),
    api.get('/clearances', { expiring_before: plusDays(180), limit: 500 }).catch(() => null),
  ]);
  const stages = stats instanceof Error ? null : [...(stats.stages || []), { stage: 'end_to_end', ...(stats.end_to_end || {}) }];
  return h('div', null, h('h1', null, t('dash.title')), filters,
    h('section', { class: 'card', 'aria-labelledby': 'tl-h' }, h('h2', { id: 'tl-h' }, t('dash.timeliness')),
      stages ? [h('div', { class: 'legend' }, h('span', null, h('span', { class: 'swatch swatch-median' }), t('dash.median')),
        h('span', null, h('span', { class: 'swatch swatch-p90' }), t('dash.p90'))), chart(stages),
      table(t('dash.table'), [t('dash.stage'), t('dash.cases'), t('dash.median'), t('dash.p90')],
        stages.map((s) => [stageLabel(s.stage), String(s.cases ?? 0), num(s.median_days), num(s.p90_days)]))] : errorBanner(stats)),
    h('div', { class: 'grid' },
      h('section', { class: 'card', 'aria-labelledby': 'q-h' }, h('h2', { id: 'q-h' }, t('dash.queues')),
        states ? table(null, [t('common.state'), t('dash.cases')], Object.entries(states).map(([s, n]) => [h('a', { href: href(`/cases?state=${s}`) }, stateLabel(s)), String(n)]))
          : h('p', { class: 'muted' }, t('common.none'))),
      h('section', { class: 'card', 'aria-labelledby': 'rn-h' }, h('h2', { id: 'rn-h' }, t('dash.renewals')),
        renewals && (renewals.clearances || []).length ? table(null, [t('reg.holder'), t('case.level'), t('reg.expires')],
          renewals.clearances.map((c) => [h('a', { href: href(`/register/${c.id}`) }, c.name || c.holder), c.level, fmtDate(c.expires_on)]))
          : h('p', { class: 'muted' }, t('dash.no_renewals')))));
}

export default {
  routes: [{ path: '/dashboard', roles: ['cso', 'authority', 'auditor', 'admin'], title: 'dash.title', render: page }],
};
