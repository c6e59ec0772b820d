// The operator page (ADR 0019): reads the decision-service's API with the caller's identity and renders it with DOM
// calls only (textContent, never HTML built from data). Polls every two seconds with ETags; says when its data is old.
'use strict';

const POLL_MILLIS = 2000;
const TOKEN_KEY = 'failover-token';

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  session: null,
  groups: [],
  etag: null,
  lastAnswer: null,
  failingSince: null,
  openExplanation: null,
};

// ---- the API ----

async function api(path, options = {}) {
  const headers = { Accept: 'application/json' };
  if (state.token) {
    headers.Authorization = 'Bearer ' + state.token;
  }
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (options.etag) {
    headers['If-None-Match'] = options.etag;
  }
  if (options.key) {
    headers['Idempotency-Key'] = options.key;
  }
  const response = await fetch(path, {
    method: options.method || 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    cache: 'no-store',
    credentials: 'same-origin',
  });
  let json = null;
  if (response.status !== 304 && (response.headers.get('Content-Type') || '').includes('json')) {
    json = await response.json();
  }
  return { status: response.status, json, etag: response.headers.get('ETag') };
}

// ---- small DOM helpers ----

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name === 'class') {
      node.className = value;
    } else if (name.startsWith('on')) {
      node.addEventListener(name.substring(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

function byId(id) {
  return document.getElementById(id);
}

function show(id, visible) {
  byId(id).hidden = !visible;
}

function time(instant) {
  if (!instant) {
    return el('span', { class: 'muted' }, 'never');
  }
  const at = new Date(instant);
  return el('time', { datetime: instant, title: at.toISOString() }, at.toLocaleTimeString(), ' (', ago(at), ')');
}

function ago(at) {
  const seconds = Math.round((Date.now() - at.getTime()) / 1000);
  if (seconds < 0) {
    return 'in ' + (-seconds) + ' s';
  }
  if (seconds < 90) {
    return seconds + ' s ago';
  }
  if (seconds < 5400) {
    return Math.round(seconds / 60) + ' min ago';
  }
  return Math.round(seconds / 3600) + ' h ago';
}

/** A state in words, with a colour that only repeats them. */
function badge(text, tone) {
  return el('span', { class: 'state ' + (tone || '') }, text);
}

const SERVED_TONE = { SERVED: 'ok', NO_DECISION: 'ok', ACTUATING: 'warn', AWAITING_REPORT: 'warn', NOT_SERVED: 'bad' };
const SERVING_TONE = { CONVERGED: 'ok', CONVERGING: 'warn', BLOCKED: 'bad', DRIFT: 'bad', SUPERSEDED: 'warn' };
const HEALTH_TONE = { HEALTHY: 'ok', UNKNOWN: 'warn', FLAPPING: 'warn', UNHEALTHY: 'bad' };
const VERDICT_TONE = { UP: 'ok', UNKNOWN: 'warn', FLAPPING: 'warn', DOWN: 'bad' };
const ACTUATION_TONE = { SUCCEEDED: 'ok', CONVERGED: 'ok', SKIPPED: 'ok', CONVERGING: 'warn', SUPERSEDED: 'warn',
  FAILED: 'bad', BLOCKED: 'bad', DRIFT: 'bad' };

// ---- what a group says, shared by the overview and the group page ----

function desiredVsServed(view) {
  const parts = [];
  const check = view.decidedVsServed;
  if (check) {
    parts.push(badge(check.state, SERVED_TONE[check.state]));
  }
  if (view.serving) {
    parts.push(' ', badge(view.serving.status, SERVING_TONE[view.serving.status]));
    if (view.serving.detail) {
      parts.push(' ', el('span', { class: 'muted' }, view.serving.detail));
    }
    const lanes = laneChips(view.serving);
    if (lanes) {
      parts.push(lanes);
    }
  }
  if (check && check.detail) {
    parts.push(el('div', { class: 'muted' }, check.detail));
  }
  return parts;
}

const LANE_TONE = { SERVED: 'ok', CONVERGING: 'warn', THROTTLED: 'warn', REFUSED: 'bad', DRIFT: 'bad' };

/**
 * A chip per DNS provider of a group of several (ADR 0036): its state, what the actuator said of it on hover; null for a
 * group of one provider, which has no lanes.
 */
function laneChips(serving) {
  if (!serving.lanes || !serving.lanes.length) {
    return null;
  }
  return el('div', { class: 'lanes' }, serving.lanes.flatMap(l => [el('span', {
    class: 'state ' + (LANE_TONE[l.state] || ''),
    title: l.kind + (l.detail ? ': ' + l.detail : '') + (l.since ? ' (since ' + new Date(l.since).toLocaleTimeString() + ')' : ''),
  }, l.lane + ' ' + l.state), ' ']));
}

const OBSERVED_TONE = { OBSERVED: 'ok', OBSERVING: 'warn', NOT_OBSERVED: 'bad', NO_SWITCH: 'muted' };

/** What each location's resolvers send clients to, and the latest switch's marks (ADR 0026). */
function convergence(c) {
  const parts = [badge(c.state, OBSERVED_TONE[c.state]), ' ', el('span', {}, c.summary)];
  const s = c.lastSwitch;
  if (s) {
    const origin = new Date(s.failedAt || s.decidedAt).getTime();
    const after = at => '+' + ((new Date(at).getTime() - origin) / 1000).toFixed(1) + ' s';
    const marks = [(s.failedAt ? 'failure ' : 'decided ') + new Date(origin).toLocaleTimeString()];
    if (s.failedAt) {
      marks.push('decided ' + after(s.decidedAt));
    }
    if (s.servedAt) {
      marks.push('served ' + after(s.servedAt));
    }
    if (s.quorumAt) {
      marks.push('observed by the quorum (' + s.need + ' of ' + s.of + ' locations) ' + after(s.quorumAt));
    }
    parts.push(el('div', { class: 'muted' }, marks.join(' → ')));
    // ADR 0036: when all of each DNS provider's own servers answered the target; absent when none observes
    const providers = Object.entries(s.providers || {});
    if (providers.length) {
      parts.push(el('div', { class: 'muted providers' }, "providers' servers: "
        + providers.map(([p, seen]) => p + ' ' + (seen ? after(seen) : 'not yet')).join(' · ')));
    }
  }
  const rows = (c.observers || []).map(o => el('li', {}, o.location + ' / ' + o.observer
    + (o.provider ? ' (' + o.provider + ' server)' : '') + ': '
    + (o.target || (o.error ? 'no answer (' + o.error + ')' : (o.addresses || []).join(', ') || 'nothing'))
    + (o.ttlSeconds !== undefined && o.ttlSeconds !== null ? ', TTL ' + o.ttlSeconds + ' s' : '')));
  if (rows.length) {
    parts.push(el('ul', { class: 'muted' }, rows));
  }
  return parts;
}

function holds(view) {
  const items = [badge(view.automation, view.automation === 'RUNNING' ? 'ok' : 'warn')];
  if (view.pin) {
    items.push(el('div', {}, (view.pin.forced ? 'forced to ' : 'pinned to ') + view.pin.target + ' by ' + view.pin.principal
      + (view.pin.until ? ' until ' + new Date(view.pin.until).toLocaleString() : '') + ': ' + view.pin.reason));
  }
  if (view.pause) {
    items.push(el('div', {}, 'paused by ' + view.pause.principal + ': ' + view.pause.reason));
  }
  if (view.freeze) {
    items.push(el('div', {}, 'frozen by the flap guard: ' + view.freeze.reason));
  }
  if (view.drill) {
    items.push(el('div', {}, 'drill on ' + view.drill.target + ' until ' + new Date(view.drill.endsAt).toLocaleTimeString()));
  }
  const safety = view.safety || {};
  if (safety.correlatedFailure) {
    items.push(el('div', {}, 'correlated failure suspected'));
  }
  if (safety.maxSwitchesPerDay && safety.switchesLast24h >= safety.maxSwitchesPerDay) {
    items.push(el('div', {}, 'switch budget spent: ' + safety.switchesLast24h + ' of ' + safety.maxSwitchesPerDay + ' in 24 h'));
  }
  return items;
}

function lastDecision(view) {
  const decision = (view.recentDecisions || [])[0];
  if (!decision) {
    return el('span', { class: 'muted' }, 'none yet');
  }
  return [decision.kind + ' ' + (decision.fromTarget || '–') + ' → ' + decision.toTarget + ' by ' + decision.principal + ', ',
    time(decision.issuedAt)];
}

function source(group) {
  const known = state.session && state.session.groups.find(g => g.group === group);
  if (!known) {
    return el('span', { class: 'muted' }, 'unknown');
  }
  if (known.owned) {
    return 'this instance, its owner (live)';
  }
  return known.asOf ? ['the owner\'s state record of ', time(known.asOf)]
    : badge('no state record read yet', 'warn');
}

// ---- the overview ----

function renderOverview() {
  const rows = state.groups.map(view => el('tr', {},
    el('th', { scope: 'row' }, el('a', { href: '#/groups/' + encodeURIComponent(view.group), 'data-key': 'group:' + view.group },
      view.group)),
    el('td', {}, view.activeTarget, ' ', badge(view.activeHealth, HEALTH_TONE[view.activeHealth])),
    el('td', {}, desiredVsServed(view)),
    el('td', {}, holds(view)),
    el('td', {}, String(view.epoch)),
    el('td', {}, lastDecision(view)),
    el('td', {}, source(view.group))));
  byId('groups').replaceChildren(...rows);
}

// ---- a group ----

function currentGroup() {
  const match = location.hash.match(/^#\/groups\/([^/]+)$/);
  return match ? decodeURIComponent(match[1]) : null;
}

function renderGroup(id) {
  const view = state.groups.find(g => g.group === id);
  byId('group-title').textContent = 'Group ' + id;
  if (!view) {
    byId('group-state').replaceChildren(el('p', { class: 'error' }, 'This instance has no view of group ' + id + '.'));
    return;
  }
  byId('group-state').replaceChildren(el('table', {}, el('tbody', {},
    el('tr', {}, el('th', { scope: 'row' }, 'Active target'), el('td', {}, view.activeTarget, ' ',
      badge(view.activeHealth, HEALTH_TONE[view.activeHealth]), ', mode ' + view.mode)),
    el('tr', {}, el('th', { scope: 'row' }, 'Desired vs served'), el('td', {}, desiredVsServed(view))),
    view.convergence ? el('tr', {}, el('th', { scope: 'row' }, 'Seen by clients'), el('td', {}, convergence(view.convergence)))
      : null,
    el('tr', {}, el('th', { scope: 'row' }, 'Automation and holds'), el('td', {}, holds(view))),
    el('tr', {}, el('th', { scope: 'row' }, 'Epoch'), el('td', {}, String(view.epoch))),
    el('tr', {}, el('th', { scope: 'row' }, 'Last switch'), el('td', {}, time(view.lastSwitchAt))),
    el('tr', {}, el('th', { scope: 'row' }, 'View from'), el('td', {}, source(view.group))))));
  renderMatrix(view);
  renderTimeline(view);
  renderActions(view);
}

function renderMatrix(view) {
  const locations = [...new Set(view.targets.flatMap(t => t.locations.map(l => l.location)))];
  const clocks = Object.fromEntries((view.locationClocks || []).map(c => [c.location, c]));
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Target'), el('th', { scope: 'col' }, 'Quorum health'),
    ...locations.map(l => el('th', { scope: 'col' }, l, clockNote(clocks[l]))),
    el('th', { scope: 'col' }, 'May automation move traffic here?'));
  const rows = view.targets.map(target => el('tr', {},
    el('th', { scope: 'row' }, target.target, el('div', { class: 'muted' }, target.region || '')),
    el('td', {}, badge(target.health, HEALTH_TONE[target.health])),
    ...locations.map(l => {
      const at = target.locations.find(x => x.location === l);
      if (!at) {
        return el('td', { class: 'muted' }, '–');
      }
      return el('td', {}, badge(at.verdict, VERDICT_TONE[at.verdict]),
        el('div', { class: 'muted' }, at.consecutiveFailures + ' failure(s), ' + at.consecutiveSuccesses + ' success(es) in a row'),
        el('div', { class: 'muted' }, 'last result ', time(at.lastResultAt)),
        at.lastIgnored ? el('div', { class: 'muted' }, 'last ignored (' + at.lastIgnored.reason + '): ', time(at.lastIgnored.at)) : null);
    }),
    el('td', {}, target.destination ? [badge(target.destination.verdict,
      target.destination.verdict === 'ELIGIBLE' ? 'ok' : 'warn'), el('div', { class: 'muted' }, target.destination.detail)] : '–')));
  byId('matrix').replaceChildren(el('table', {}, el('thead', {}, head), el('tbody', {}, rows)));
}

function clockNote(clock) {
  if (!clock || clock.offsetMillis === null || clock.offsetMillis === undefined) {
    return null;
  }
  return el('div', { class: 'muted' }, 'clock ' + (clock.offsetMillis >= 0 ? '+' : '') + clock.offsetMillis + ' ms'
    + (clock.skew && clock.skew !== 'OK' ? ' (' + clock.skew + ')' : ''));
}

function renderTimeline(view) {
  const decisions = (view.recentDecisions || []).map(d => ({
    at: d.issuedAt,
    node: el('li', {}, time(d.issuedAt), ' decision ', el('strong', {}, d.kind), ' ' + (d.fromTarget || '–') + ' → '
      + d.toTarget + ', epoch ' + d.epoch + ', by ' + d.principal + ': ' + (d.reason || ''), ' ',
      el('button', { type: 'button', 'data-key': 'why:' + d.decisionId, onclick: () => explainDecision(view.group, d.decisionId) },
        'Why?'), ' ',
      el('button', { type: 'button', 'data-key': 'report:' + d.decisionId, onclick: () => reportDecision(view.group, d.decisionId) },
        'Report')),
  }));
  const audit = (view.audit || []).map(a => ({
    at: a.at,
    node: el('li', {}, time(a.at), ' ' + a.action + ' by ' + a.principal + (a.reason ? ': ' + a.reason : '')),
  }));
  const actuations = (view.recentActuations || []).map(a => ({
    at: a.at,
    node: el('li', { class: 'actuation' }, time(a.at), ' actuator ', el('strong', {}, a.step), ' ',
      badge(a.status, ACTUATION_TONE[a.status]), ' for epoch ' + a.epoch + (a.provider ? ' via ' + a.provider : '')
      + (a.detail ? ': ' + a.detail : '')),
  }));
  const entries = decisions.concat(audit, actuations).sort((a, b) => new Date(b.at) - new Date(a.at));
  byId('timeline').replaceChildren(...entries.map(e => e.node));
}

function renderExplanation(explanation) {
  return el('div', {},
    el('p', {}, el('strong', {}, explanation.outcome), ' ', explanation.summary || ''),
    el('ol', { class: 'rules' }, (explanation.rules || []).map(r =>
      el('li', {}, badge(r.result, r.result === 'PASSED' ? 'ok' : r.result === 'FIRED' ? 'bad' : 'warn'), ' ' + r.rule
        + (r.detail ? ': ' + r.detail : '')))),
    el('ul', {}, (explanation.targets || []).map(t => el('li', {}, t.target + ' ', badge(t.health, HEALTH_TONE[t.health]),
      ' ' + (t.margin || ''),
      el('ul', {}, (t.locations || []).map(l => el('li', {}, l.location + ': ', badge(l.verdict, VERDICT_TONE[l.verdict]),
        ' ' + (l.margin || '') + ' ' + (l.results || []).map(r => r.outcome + (r.partition !== undefined
          ? '@' + r.partition + ':' + r.offset : '')).join(' '))))))));
}

async function explainNow(group) {
  const target = byId('explanation-now');
  const known = state.session && state.session.groups.find(g => g.group === group);
  if (known && !known.owned) {
    // only the owner evaluates the group; the decisions' explanations below are readable from any instance
    target.replaceChildren(el('p', { class: 'muted' }, 'Instance ' + state.session.instance + ' does not evaluate group '
      + group + ': another instance owns it, and only that one can say why, now. Each decision\'s explanation in the'
      + ' timeline can be read here.'));
    return;
  }
  const answer = await api('/groups/' + encodeURIComponent(group) + '/explanation');
  if (answer.status === 200) {
    target.replaceChildren(renderExplanation(answer.json));
  } else {
    target.replaceChildren(el('p', { class: 'muted' }, problem(answer)));
  }
}

async function explainDecision(group, decisionId) {
  const target = byId('decision-explanation');
  target.replaceChildren(el('p', {}, 'Reading the explanation of ' + decisionId + '…'));
  const answer = await api('/groups/' + encodeURIComponent(group) + '/decisions/' + encodeURIComponent(decisionId)
    + '/explanation');
  const title = el('h3', { tabindex: '-1' }, 'Why decision ' + decisionId);
  target.replaceChildren(title, answer.status === 200 ? renderExplanation(answer.json) : el('p', { class: 'error' },
    problem(answer)));
  title.focus();
}

/** A switch's signed report: its stages, and the signed JSON to keep (failoverctl report verify checks it). */
async function reportDecision(group, decisionId) {
  const target = byId('decision-explanation');
  target.replaceChildren(el('p', {}, 'Reading the report of ' + decisionId + '…'));
  const answer = await api('/groups/' + encodeURIComponent(group) + '/decisions/' + encodeURIComponent(decisionId) + '/report');
  const title = el('h3', { tabindex: '-1' }, 'Report of decision ' + decisionId);
  if (answer.status !== 200) {
    target.replaceChildren(title, el('p', { class: 'error' }, problem(answer)));
    title.focus();
    return;
  }
  const r = answer.json.report;
  const stages = r.stages || {};
  const rows = [['failure → decided', stages.failureToDecided], ['decided → served', stages.decidedToServed],
    ['served → observed by the quorum', stages.servedToObserved], ['failure → observed', stages.failureToObserved],
    ['decided → complete', stages.decidedToComplete]].filter(x => x[1] !== undefined && x[1] !== null)
    .map(x => el('tr', {}, el('th', { scope: 'row' }, x[0]), el('td', {}, (x[1] / 1000).toFixed(3) + ' s')));
  const database = (r.database || []).map(a => a.step + ' ' + a.status + ': ' + a.detail).join('; ') || 'no data tier step';
  const file = new Blob([JSON.stringify(answer.json, null, 2)], { type: 'application/json' });
  target.replaceChildren(title,
    el('p', {}, r.decision.kind + ' ' + (r.decision.fromTarget || '–') + ' → ' + r.decision.toTarget + ' by '
      + r.decision.principal + '; signed with key ' + answer.json.signature.keyId + '.'),
    el('table', {}, el('tbody', {}, rows, el('tr', {}, el('th', { scope: 'row' }, 'data loss exposure'), el('td', {}, database)))),
    el('p', {}, el('a', { href: URL.createObjectURL(file), download: 'report-' + decisionId + '.json' }, 'Download the signed report'),
      ' (check it with failoverctl report verify FILE --trusted-keys DIR)'));
  title.focus();
}

function problem(answer) {
  if (answer.json && answer.json.message) {
    return answer.json.message + (answer.json.field ? ' (' + answer.json.field + ')' : '');
  }
  return 'HTTP ' + answer.status;
}

// ---- actions ----

// applies: whether the action can do anything in the group's state as read; the API checks again and says why not
const ACTIONS = [
  { id: 'pause', label: 'Pause automation', path: 'pause', applies: v => !v.pause, effect: v => 'Automation of ' + v.group + ' stops; traffic stays on ' + v.activeTarget + ' until someone resumes it.' },
  { id: 'resume', label: 'Resume automation', path: 'resume', applies: v => Boolean(v.pause || v.freeze), effect: v => 'Automation of ' + v.group + ' runs again and may move traffic on its own.' },
  { id: 'pin', label: 'Pin to a target', path: 'pin', target: true, applies: v => !v.drill, effect: (v, t) => 'Traffic of ' + v.group + ' moves to ' + t + ' and stays there until the pin is released.' },
  { id: 'release', label: 'Release the pin', path: 'release', applies: v => Boolean(v.pin), effect: v => 'The pin of ' + v.group + ' is released; automation decides again.' },
  { id: 'switchover', label: 'Planned switchover', path: 'switchover', target: true, applies: v => !v.drill, effect: (v, t) => 'Traffic of ' + v.group + ' moves to ' + t + ' as a planned switchover (TTL lowered first).' },
  { id: 'abort', label: 'Abort switchover', path: 'switchover/abort', applies: v => Boolean(v.pin && v.pin.switchedFrom), effect: v => 'The planned switchover of ' + v.group + ' stops.' },
  { id: 'drill', label: 'Start a drill', path: 'drills', target: true, applies: v => v.automation === 'RUNNING', consent: v => movesDatabaseOneWay(v),
    effect: (v, t) => movesDatabaseOneWay(v)
      ? 'Traffic of ' + v.group + ' moves to ' + t + ' for a drill, and its database moves one way: ' + t + '\'s node is promoted and '
        + v.activeTarget + '\'s (' + (databaseOf(v, v.activeTarget) || 'none') + ') is fenced as an old primary. The drill\'s end, back to '
        + v.activeTarget + ', is BLOCKED until that node is rebuilt as a replica: traffic stays on ' + t + '.'
      : 'Traffic of ' + v.group + ' moves to ' + t + ' for a drill, and back when it ends.' },
  { id: 'drill-end', label: 'End the drill', path: 'drills/end', applies: v => Boolean(v.drill), effect: v => 'The drill of ' + v.group + ' ends and traffic goes back.' },
  { id: 'force', label: 'Force (break glass)', path: 'force', target: true, applies: () => true, effect: (v, t) => 'Traffic of ' + v.group + ' moves to ' + t + ' NOW, whatever its health, and stays there.' },
];

// a drill moves a postgres or rds data tier one way (ADR 0020); the API asks for promoteDatabase: true
function movesDatabaseOneWay(view) {
  return view.targets.some(t => t.database && !t.database.startsWith('aurora-global '));
}

function databaseOf(view, target) {
  const found = view.targets.find(t => t.target === target);
  return found ? found.database : null;
}

function renderActions(view) {
  const operator = state.session && state.session.operator;
  show('actions', Boolean(operator));
  const buttons = byId('action-buttons');
  if (!operator) {
    buttons.replaceChildren();
    return;
  }
  const applicable = ACTIONS.filter(action => action.applies(view));
  const shown = view.group + ':' + applicable.map(a => a.id).join(',');
  if (buttons.dataset.shown === shown) {
    return; // the same buttons: keep them, and the focus where it is, while the page refreshes
  }
  buttons.dataset.shown = shown;
  buttons.replaceChildren(...applicable.map(action =>
    el('button', { type: 'button', 'data-action': action.id, 'data-key': 'action:' + action.id,
      onclick: () => openAction(view.group, action) }, action.label)));
}

function newKey() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
}

function openAction(group, action) {
  const dialog = byId('confirm');
  const view = () => state.groups.find(g => g.group === group);
  const key = newKey(); // one per opening: a retry of this dialog is the same command
  byId('confirm-title').textContent = action.label + ': ' + group;
  byId('confirm-key').textContent = key;
  byId('confirm-error').textContent = '';
  byId('confirm-reason').value = '';
  let select = null;
  if (action.target) {
    select = el('select', { id: 'confirm-target', required: true },
      view().targets.filter(t => t.target !== view().activeTarget).map(t =>
        el('option', { value: t.target }, t.target + (t.region ? ' (' + t.region + ')' : '') + ', ' + t.health)));
    byId('confirm-fields').replaceChildren(el('label', { for: 'confirm-target' }, 'Target'), select);
    select.addEventListener('change', () => effect());
  } else {
    byId('confirm-fields').replaceChildren();
  }
  let consent = null;
  if (action.consent && action.consent(view())) {
    consent = el('input', { type: 'checkbox', id: 'confirm-consent' });
    byId('confirm-fields').append(consent, el('label', { for: 'confirm-consent' }, 'I accept that the database moves one way'));
  }
  const effect = () => {
    const chosen = select ? view().targets.find(t => t.target === select.value) : null;
    byId('confirm-effect').textContent = action.effect(view(), chosen ? chosen.target + (chosen.region ? ' (' + chosen.region + ')' : '') : '');
  };
  effect();
  const form = byId('confirm-form');
  form.onsubmit = async event => {
    event.preventDefault();
    const reason = byId('confirm-reason').value.trim();
    if (!reason) {
      byId('confirm-error').textContent = 'A reason is required: it is recorded with your name.';
      byId('confirm-reason').focus();
      return;
    }
    const body = { reason };
    if (select) {
      body.target = select.value;
    }
    if (consent) {
      body.promoteDatabase = consent.checked;
    }
    byId('confirm-ok').disabled = true;
    try {
      const answer = await api('/groups/' + encodeURIComponent(group) + '/' + action.path, { method: 'POST', body, key });
      outcome(action, answer, key);
      if (answer.status === 200 || answer.status === 202) {
        dialog.close();
        refresh();
      } else {
        byId('confirm-error').textContent = 'Refused: ' + problem(answer);
      }
    } catch (e) {
      byId('confirm-error').textContent = 'No answer (' + e.message + '). Confirm again: the same key makes it one command.';
    } finally {
      byId('confirm-ok').disabled = false;
    }
  };
  byId('confirm-cancel').onclick = () => dialog.close();
  dialog.showModal();
  (select || byId('confirm-reason')).focus();
}

function outcome(action, answer, key) {
  const target = byId('action-outcome');
  if (answer.status === 200) {
    target.textContent = action.label + ': applied. ' + answer.json.message;
  } else if (answer.status === 202) {
    target.textContent = action.label + ': pending. The owner has not answered yet; Idempotency-Key ' + key
      + '. Watch the group, or confirm again with the same key.';
  } else {
    target.textContent = action.label + ': refused (' + answer.status + '). ' + problem(answer);
  }
}

// ---- the loop ----

function signIn(message) {
  show('sign-in', true);
  show('overview', false);
  show('group', false);
  show('forget-token', Boolean(state.token));
  byId('sign-in-error').textContent = message || '';
}

async function refresh() {
  try {
    const session = await api('/ui/api/session');
    if (session.status === 401) {
      signIn(state.token ? 'The token was refused (expired, or not for this service). Paste a new one.' : '');
      return;
    }
    if (session.status !== 200) {
      throw new Error(problem(session));
    }
    const groups = await api('/groups', { etag: state.etag });
    if (groups.status === 200) {
      state.groups = groups.json;
      state.etag = groups.etag;
    } else if (groups.status !== 304) {
      throw new Error(problem(groups));
    }
    state.session = session.json;
    state.lastAnswer = session.json.serverTime;
    kafkaContact(session.json);
    state.failingSince = null;
    byId('connection').textContent = '';
    byId('connection').className = '';
    render();
  } catch (e) {
    state.failingSince = state.failingSince || new Date();
    byId('connection').className = 'stale';
    byId('connection').textContent = 'No answer from the decision-service since ' + state.failingSince.toLocaleTimeString()
      + ' (' + e.message + '): what is shown is of ' + (state.lastAnswer ? new Date(state.lastAnswer).toLocaleTimeString() : 'never') + '.';
  }
}

/**
 * Says when the answering instance cannot reach Kafka: its view no longer moves (an owner decides on nothing new, a
 * non-owner reads no newer state record) and a command it is given cannot be delivered.
 */
function kafkaContact(session) {
  const contact = session.kafka || { state: 'UNKNOWN' };
  const banner = byId('kafka');
  if (contact.state === 'UNREACHABLE') {
    banner.className = 'stale';
    banner.textContent = 'Instance ' + session.instance + ' cannot reach Kafka since '
      + new Date(contact.since).toLocaleTimeString() + ' (' + contact.error + '): what it shows may be out of date, and'
      + ' a command sent through it is not delivered until Kafka answers again.';
  } else {
    banner.className = '';
    banner.textContent = contact.state === 'UNKNOWN' ? 'Instance ' + session.instance + ' has not yet checked its contact with Kafka.' : '';
  }
}

/**
 * Renders what was read. Sections are rebuilt on every answer (their "n s ago" texts move), so the element that has the
 * keyboard focus is found again by its data-key and focused: a refresh never takes the focus away.
 */
function render() {
  const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.key : null;
  draw();
  if (focused) {
    const again = document.querySelector('[data-key="' + CSS.escape(focused) + '"]');
    if (again && again !== document.activeElement) {
      again.focus();
    }
  }
}

function draw() {
  show('sign-in', false);
  show('forget-token', Boolean(state.token));
  byId('as-of').textContent = new Date(state.lastAnswer).toLocaleTimeString();
  byId('as-of').setAttribute('datetime', state.lastAnswer);
  byId('instance').textContent = state.session.instance;
  byId('principal').textContent = state.session.principal + (state.session.operator ? ' (operator)' : ' (viewer)');
  const group = currentGroup();
  show('overview', !group);
  show('group', Boolean(group));
  if (group) {
    renderGroup(group);
  } else {
    renderOverview();
  }
}

function route() {
  byId('decision-explanation').replaceChildren();
  byId('action-buttons').dataset.shown = '';
  const group = currentGroup();
  if (state.session) {
    render();
  }
  if (group) {
    explainNow(group);
  }
  byId('main').focus();
}

document.addEventListener('DOMContentLoaded', () => {
  byId('token-form').addEventListener('submit', event => {
    event.preventDefault();
    const token = byId('token').value.trim();
    if (!token) {
      return;
    }
    state.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    byId('token').value = '';
    refresh().then(route);
  });
  byId('forget-token').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.session = null;
    signIn('');
  });
  window.addEventListener('hashchange', route);
  refresh().then(route);
  setInterval(refresh, POLL_MILLIS);
});
