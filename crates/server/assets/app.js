// The hallyu dashboard: plain ES2020, no framework, nothing fetched but this server's API.
// Every request is the JSON that `hallyu <command> --print-request` prints; every result is
// the server's own rendering (the same pages and charts as the report).
'use strict';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'hallyu-token';

/** An answer of the API that is not a success: its problem's `detail`. */
class ApiError extends Error {}

// ---- The API, with the bearer token when the server asks for one -----------------------

let tokenPrompt = null;

/** The token, asked once in the page's form (never in a dialog) and kept for the tab. */
function askToken() {
  if (!tokenPrompt) {
    tokenPrompt = new Promise((resolve) => {
      const form = $('token-form');
      form.hidden = false;
      $('token').focus();
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        const token = $('token').value.trim();
        if (!token) return;
        sessionStorage.setItem(TOKEN_KEY, token);
        form.hidden = true;
        tokenPrompt = null;
        resolve(token);
      }, { once: true });
    });
  }
  return tokenPrompt;
}

/** Times a busy server (429) is asked again, after the wait it says, before giving up. */
const BUSY_RETRIES = 5;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `fetch` of the API; a problem answer becomes an ApiError with its detail. */
async function api(path, options = {}, token = sessionStorage.getItem(TOKEN_KEY), retried = false) {
  const headers = new Headers(options.headers || {});
  if (token) headers.set('Authorization', `Bearer ${token}`);
  let response = await fetch(path, { ...options, headers });
  for (let busy = 0; response.status === 429 && busy < BUSY_RETRIES; busy += 1) {
    const wait = Number(response.headers.get('Retry-After')) || 2;
    await sleep(Math.min(wait, 10) * 1000);
    response = await fetch(path, { ...options, headers });
  }
  if (response.status === 401 && !retried) {
    // Forget a token the server refuses (unless another request already replaced it).
    if (token && sessionStorage.getItem(TOKEN_KEY) === token) sessionStorage.removeItem(TOKEN_KEY);
    const stored = sessionStorage.getItem(TOKEN_KEY);
    return api(path, options, stored && stored !== token ? stored : await askToken(), true);
  }
  if (!response.ok) throw new ApiError(await problemDetail(response));
  return response;
}

/** What a failed answer says: the problem's detail, else its status. */
async function problemDetail(response) {
  const text = await response.text();
  try {
    const p = JSON.parse(text);
    if (p && typeof p.detail === 'string') return p.detail;
  } catch (_) { /* not a problem document */ }
  return `the server answered ${response.status} ${response.statusText}`.trim();
}

/** POST of a request; the answer rendered in `format`. */
function post(capability, request, format) {
  return api(`/api/v1/${capability}?format=${format}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
}

/** Saves `blob` as a file named `name`. */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ---- What every panel shares ------------------------------------------------------------

/** A panel's status line, error box, result frame and buttons, by id prefix. */
function panel(prefix) {
  const statusEl = $(`${prefix}-status`) || $(`${prefix}-progress`);
  return {
    status(text) { statusEl.textContent = text; },
    error(e) {
      const box = $(`${prefix}-error`);
      if (!e) { box.hidden = true; box.textContent = ''; return; }
      box.textContent = e instanceof ApiError ? e.message : `The request failed: ${e.message || e}`;
      box.hidden = false;
    },
    show(html) {
      const frame = $(`${prefix}-result`);
      frame.hidden = false;
      frame.addEventListener('load', () => fitFrame(frame), { once: true });
      frame.srcdoc = html;
    },
    busy(on) {
      $(`${prefix}-run`).disabled = on;
    },
  };
}

/** Makes a result frame as tall as its page, so that the dashboard scrolls, not the frame. */
function fitFrame(frame) {
  const doc = frame.contentDocument;
  if (!doc || !doc.documentElement) return;
  frame.style.height = `${doc.documentElement.scrollHeight + 4}px`;
}

window.addEventListener('resize', () => {
  document.querySelectorAll('iframe.result:not([hidden])').forEach(fitFrame);
});

/** Fills a select with options `[value, label]`, under an optional group label. */
function fill(select, options, group) {
  const parent = group ? document.createElement('optgroup') : select;
  if (group) parent.label = group;
  for (const [value, label] of options) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    parent.appendChild(o);
  }
  if (group) select.appendChild(parent);
}

/** The years `[from, to]` of two inputs, null when both are empty. */
function yearRange(fromId, toId) {
  const a = $(fromId).value.trim();
  const b = $(toId).value.trim();
  if (!a && !b) return null;
  if (!a || !b) throw new ApiError('Give both years (from and to), or neither for every year.');
  const from = Number(a);
  const to = Number(b);
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new ApiError('Years are whole numbers.');
  return [from, to];
}

/** A file name made of the parts that name a result. */
function fileName(parts, ext) {
  return `${parts.filter(Boolean).join('-').replace(/[^A-Za-z0-9._-]+/g, '_')}.${ext}`;
}

// ---- Tabs ------------------------------------------------------------------------------

function selectTab(tab) {
  for (const t of document.querySelectorAll('[role=tab]')) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  document.querySelectorAll('iframe.result:not([hidden])').forEach(fitFrame);
}

function setUpTabs() {
  const tabs = [...document.querySelectorAll('[role=tab]')];
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => selectTab(t));
    t.addEventListener('keydown', (e) => {
      const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      selectTab(next);
    });
  });
  selectTab(tabs[0]);
}

// ---- Reference tables --------------------------------------------------------------------

const reference = { countries: [], blocs: [], groups: [], datasets: [] };

async function loadReference() {
  // One after the other: look-ups take a worker each, and a server has few (2 by default).
  const get = async (path) => (await api(path)).json();
  const countries = await get('/api/v1/reference/countries');
  const blocs = await get('/api/v1/reference/blocs');
  const groups = await get('/api/v1/reference/groups');
  const datasets = await get('/api/v1/datasets');
  Object.assign(reference, { countries, blocs, groups, datasets });
  const countryOptions = countries.map((c) => [c.iso3, `${c.name} (${c.iso3})`]);
  const blocOptions = blocs.map((b) => [b.name, `${b.name} — ${b.description}`]);

  fill($('ind-country'), countryOptions);
  $('ind-country').value = 'KOR';
  fill($('ind-partner'), [['', 'none (trade with the world)']]);
  fill($('ind-partner'), blocOptions, 'Blocs');
  fill($('ind-partner'), countryOptions, 'Countries');
  $('ind-partner').value = 'asean';
  fill($('ind-group'), [['', 'all products in the data']]);
  fill($('ind-group'), groups.map((g) => [g.name, `${g.name} — ${g.description}`]));
  fill($('ind-data'), [['', 'embedded: Advanced Guide panel (1986–2006)']]);
  fill($('ind-data'), datasets.map((d) => [d.name, `${d.name} (${yearsOf(d.years)})`]), 'Datasets');

  for (const id of ['sc-between', 'sc-and']) {
    fill($(id), blocOptions.map(([v]) => [v, v]), 'Blocs');
    fill($(id), countryOptions, 'Countries');
  }
  choose($('sc-between'), ['KOR']);
  choose($('sc-and'), ['asean']);
}

/** Says under a multiple select what is chosen: its list may scroll the choice out of view. */
function showChosen(select) {
  const values = chosen(select);
  $(`${select.id}-chosen`).textContent = values.length ? `Chosen: ${values.join(', ')}` : 'Nothing chosen';
}

function yearsOf(years) {
  if (!Array.isArray(years) || years.length === 0) return 'no year';
  return years.length === 1 ? `${years[0]}` : `${years[0]}–${years[years.length - 1]}`;
}

function choose(select, values) {
  for (const o of select.options) o.selected = values.includes(o.value);
  showChosen(select);
}

function chosen(select) {
  return [...select.selectedOptions].map((o) => o.value);
}

// ---- Indicators ------------------------------------------------------------------------

const isBloc = (name) => reference.blocs.some((b) => b.name === name);

function dataSource() {
  const dir = $('ind-data').value;
  return dir ? { kind: 'dataset', dir } : { kind: 'embedded' };
}

/** The sources of the chosen dataset: one to pick when it holds several. */
function onDataChange() {
  const d = reference.datasets.find((x) => x.name === $('ind-data').value);
  const select = $('ind-source');
  select.textContent = '';
  const sources = d ? d.sources || [] : [];
  fill(select, sources.map((s) => [s, s]));
  $('ind-source-field').hidden = sources.length < 2;
}

function indicatorsRequest() {
  const sources = $('ind-source-field').hidden ? null : $('ind-source').value || null;
  return {
    capability: 'indicators',
    version: 1,
    data: dataSource(),
    subject: $('ind-country').value,
    partner: $('ind-partner').value || null,
    group: $('ind-group').value || null,
    source: sources,
    years: yearRange('ind-from', 'ind-to'),
  };
}

function reportRequest() {
  const partner = $('ind-partner').value;
  return {
    capability: 'report',
    version: 1,
    country: $('ind-country').value,
    bloc: partner && isBloc(partner) ? partner : null,
    group: $('ind-group').value || null,
    years: yearRange('ind-from', 'ind-to'),
    data: dataSource(),
  };
}

function setUpIndicators() {
  const p = panel('ind');
  let last = null;
  $('ind-data').addEventListener('change', onDataChange);
  $('ind-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    p.error(null);
    p.busy(true);
    p.status('Computing…');
    try {
      const request = indicatorsRequest();
      const html = await (await post('indicators', request, 'html')).text();
      last = request;
      p.show(html);
      const what = [request.group || 'all products', request.data.dir || 'embedded data'].join(', ');
      p.status(`Indicators of ${request.subject}${request.partner ? ` with ${request.partner}` : ''} (${what}).`);
      $('ind-json').disabled = false;
      $('ind-csv').disabled = false;
    } catch (err) {
      p.status('');
      p.error(err);
    } finally {
      p.busy(false);
    }
  });
  const download = (format) => async () => {
    if (!last) return;
    p.error(null);
    try {
      const blob = await (await post('indicators', last, format)).blob();
      save(blob, fileName(['indicators', last.subject, last.partner, last.group], format));
    } catch (err) {
      p.error(err);
    }
  };
  $('ind-json').addEventListener('click', download('json'));
  $('ind-csv').addEventListener('click', download('csv'));
  $('ind-report').addEventListener('click', async () => {
    p.error(null);
    // Opened now, while the click still counts as the user's, and filled when ready.
    const tab = window.open('', '_blank');
    try {
      const request = reportRequest();
      p.status(`Writing the report of ${request.country}…`);
      const html = await (await post('report', request, 'html')).text();
      const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
      if (tab) tab.location.href = url;
      else save(new Blob([html], { type: 'text/html' }), fileName(['report', request.country], 'html'));
      p.status(`The report of ${request.country} is open in a new tab.`);
    } catch (err) {
      if (tab) tab.close();
      p.status('');
      p.error(err);
    }
  });
}

// ---- Jobs: submit, follow the event stream, fetch the result ------------------------------

/** Submits `request` as a job; its status JSON. */
async function submitJob(request) {
  const r = await api('/api/v1/jobs', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  return r.json();
}

/**
 * Follows a job's server-sent events (read with fetch, so that the token goes in a header),
 * calling `onStatus` with each status; the last one. The stream is read to its end: a
 * client that leaves it early cancels the job.
 */
async function followJob(id, onStatus) {
  const response = await api(`/api/v1/jobs/${id}/events`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (!data) continue;
      last = JSON.parse(data);
      onStatus(last);
    }
  }
  if (!last) throw new ApiError('the job\'s event stream ended before any status');
  return last;
}

/** A job panel: Run submits, Cancel deletes, the result is rendered HTML. */
function setUpJobPanel(prefix, buildRequest, describe, names) {
  const p = panel(prefix);
  let current = null;
  let finished = null;
  const cancel = $(`${prefix}-cancel`);
  $(`${prefix}-form`).addEventListener('submit', async (e) => {
    e.preventDefault();
    p.error(null);
    p.busy(true);
    $(`${prefix}-json`).disabled = true;
    $(`${prefix}-csv`).disabled = true;
    let request;
    try {
      request = buildRequest();
      p.status('Submitting…');
      const job = await submitJob(request);
      current = job.id;
      cancel.disabled = false;
      describe(job, request);
      const end = await followJob(job.id, (s) => describe(s, request));
      if (end.state === 'done') {
        p.status('Rendering…');
        const html = await (await api(`/api/v1/jobs/${end.id}/result?format=html`)).text();
        p.show(html);
        finished = { id: end.id, request };
        describe(end, request);
        $(`${prefix}-json`).disabled = false;
        $(`${prefix}-csv`).disabled = false;
      } else if (end.state === 'failed') {
        p.status('');
        p.error(new ApiError(end.error && end.error.detail ? end.error.detail : 'the job failed'));
      } else if (end.state === 'cancelled') {
        p.status('Cancelled.');
      }
    } catch (err) {
      p.status('');
      p.error(err);
    } finally {
      current = null;
      cancel.disabled = true;
      p.busy(false);
    }
  });
  cancel.addEventListener('click', async () => {
    if (current === null) return;
    cancel.disabled = true;
    // Said before asking: the event stream may end with "Cancelled." before DELETE answers.
    p.status('Cancelling…');
    try {
      await api(`/api/v1/jobs/${current}`, { method: 'DELETE' });
    } catch (err) {
      p.error(err);
    }
  });
  const download = (format) => async () => {
    if (!finished) return;
    p.error(null);
    try {
      const blob = await (await api(`/api/v1/jobs/${finished.id}/result?format=${format}`)).blob();
      save(blob, fileName(names(finished.request), format));
    } catch (err) {
      p.error(err);
    }
  };
  $(`${prefix}-json`).addEventListener('click', download('json'));
  $(`${prefix}-csv`).addEventListener('click', download('csv'));
}

/** Words for a job's state and progress. */
function progressText(s) {
  const elapsed = typeof s.elapsed_s === 'number' ? ` (${s.elapsed_s.toFixed(1)} s)` : '';
  switch (s.state) {
    case 'queued': return `Queued: waiting for a free worker${elapsed}.`;
    case 'running': {
      const step = s.iteration ? `, ${s.stage === 'coefficient draws' ? 'draw' : 'iteration'} ${s.iteration}` : '';
      return `Running: ${s.stage || 'starting'}${step}${elapsed}.`;
    }
    case 'done': return `Done${elapsed}.`;
    case 'failed': return 'Failed.';
    case 'cancelled': return 'Cancelled.';
    default: return '';
  }
}

// ---- Gravity ---------------------------------------------------------------------------

function fitRequest() {
  const formula = $('grav-formula').value.trim();
  if (!formula) throw new ApiError('Write a formula, e.g. trade ~ rta | exporter^year + importer^year + pair_id');
  const where = $('grav-where').value.trim();
  return {
    capability: 'fit',
    version: 1,
    estimator: 'fepois',
    formulas: [formula],
    data: { kind: 'embedded' },
    where: where || null,
    vcov: [$('grav-vcov').value],
  };
}

// ---- Scenario --------------------------------------------------------------------------

/** The KOR–ASEAN example's baseline (`hallyu simulate examples/kor_asean_rta.toml --print-request`). */
const BASELINE = {
  year: 2006,
  estimation_years: [1986, 1990, 1994, 1998, 2002, 2006],
  formula: 'trade ~ rta | exporter^year + importer^year + pair_id',
  fill: ['log(dist)', 'cntg', 'lang', 'clny'],
  vcov: 'pair_id',
  sigma: 7.0,
  closure: 'deficit_ratio',
  exporter: 'exporter',
  importer: 'importer',
  value: 'trade',
  year_column: 'year',
};

function scenarioRequest() {
  const between = chosen($('sc-between'));
  const and = chosen($('sc-and'));
  if (between.length === 0 || and.length === 0) {
    throw new ApiError('Pick at least one country or bloc on each side (between and and).');
  }
  const draws = Number($('sc-draws').value || 0);
  if (!Number.isInteger(draws) || draws < 0) throw new ApiError('Draws are a whole number, 0 or more.');
  const change = { between, and };
  if ($('sc-kind').value === 'cost') {
    change.cost_factor = Number($('sc-cost').value);
  } else {
    change.variable = $('sc-variable').value;
    change.value = Number($('sc-value').value);
  }
  const sides = (xs) => xs.join('+');
  return {
    capability: 'scenario',
    version: 1,
    scenario: {
      title: `${sides(between)}–${sides(and)}: ${change.variable ? `${change.variable} = ${change.value}` : `trade cost × ${change.cost_factor}`}`,
      baseline: BASELINE,
      change: [change],
    },
    data: { kind: 'embedded' },
    options: { method: 'exact', tolerance: null, max_iterations: null, draws, seed: 1, bilateral: false },
    reference: null,
  };
}

function describeScenario(s, request) {
  const bar = $('sc-progress');
  const draws = request.options.draws;
  bar.hidden = false;
  if (s.state === 'done') {
    bar.max = 1;
    bar.value = 1;
  } else if (s.stage === 'coefficient draws' && draws > 0) {
    bar.max = draws;
    bar.value = Math.min(s.iteration || 0, draws);
  } else if (s.state === 'running' || s.state === 'queued') {
    bar.removeAttribute('value'); // indeterminate until the draws start
  }
  $('sc-status').textContent = progressText(s);
}

function setUpScenario() {
  for (const id of ['sc-between', 'sc-and']) $(id).addEventListener('change', () => showChosen($(id)));
  $('sc-kind').addEventListener('change', () => {
    const kind = $('sc-kind').value;
    document.querySelectorAll('#sc-form [data-kind]').forEach((f) => {
      f.hidden = f.dataset.kind !== kind;
    });
  });
  setUpJobPanel('sc', scenarioRequest, describeScenario,
    (r) => ['scenario', ...r.scenario.change[0].between, ...r.scenario.change[0].and]);
}

// ---- Start -----------------------------------------------------------------------------

async function start() {
  setUpTabs();
  setUpIndicators();
  setUpJobPanel('grav', fitRequest, (s) => { $('grav-progress').textContent = progressText(s); },
    () => ['fit']);
  setUpScenario();
  try {
    await loadReference();
    panel('ind').status('Choose a country and a partner, then Run.');
    document.body.dataset.ready = 'true';
  } catch (err) {
    panel('ind').error(err);
  }
}

document.addEventListener('DOMContentLoaded', start);
