// The operator page in a real browser (OperatorPageIT runs this): Debian's Chromium driven by playwright-core against
// the packaged services. Every step prints one line; the first failure ends the run with exit 1 and says why.
//
// Environment: PAGE_URL (the decision-service, e.g. http://127.0.0.1:31000), VIEWER_TOKEN, OPERATOR_TOKEN,
// FAIL_PRIMARY_URL (POST makes the primary backend fail its health checks), GROUP, PRIMARY, SECONDARY,
// SCREENSHOTS (a directory), FACTS (a file: what the group page shows at the end, as JSON), CHROMIUM (default
// /usr/bin/chromium).
//
// With the argument "kafka" it runs the second part instead: PAGE_URL is then an instance that does not own the group,
// and KAFKA_PID the broker's process, which the script freezes (SIGSTOP) and thaws (SIGCONT) to see the page say that
// the instance cannot reach Kafka, and stop saying it; meanwhile READINESS_PATH (the path of the readiness probe in the
// Kubernetes manifests) must keep answering 200 on MANAGEMENT_URL (the instance's management port, where /q is), or
// Kubernetes would take every instance out of its Service and the page and API would go dark exactly when the broker
// is lost.
import { chromium } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const env = name => {
  const value = process.env[name];
  if (!value) {
    throw new Error('environment variable ' + name + ' is required');
  }
  return value;
};
const PAGE_URL = env('PAGE_URL');
const GROUP = env('GROUP');
const PRIMARY = env('PRIMARY');
const SECONDARY = env('SECONDARY');
const WAIT = 90_000;

function step(text) {
  console.log(new Date().toISOString() + ' ' + text);
}

function check(condition, what) {
  if (!condition) {
    throw new Error('expected: ' + what);
  }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Chromium refuses its sandbox as root (CI runs the suite as root)
  args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
});
const problems = [];

async function signedIn(token, who) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', e => problems.push(who + ': page error ' + e.message));
  page.on('console', m => {
    if (m.type() === 'error' && !/status of 40[13]/.test(m.text())) {
      problems.push(who + ': console ' + m.text() + ' (' + (m.location() && m.location().url) + ')'); // a CSP violation too
    }
  });
  const answer = await page.goto(PAGE_URL + '/ui/');
  const csp = answer.headers()['content-security-policy'] || '';
  check(csp.includes("script-src 'self'") && csp.includes("frame-ancestors 'none'"), 'a strict CSP on /ui/, got: ' + csp);
  await page.getByLabel('Token').waitFor({ timeout: WAIT });
  // keyboard only: type the token, Tab to the button, Enter
  await page.getByLabel('Token').fill(token);
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement && document.activeElement.textContent) === 'Use this token',
    'Tab from the token field reaches "Use this token"');
  await page.keyboard.press('Enter');
  await page.getByRole('link', { name: GROUP, exact: true }).waitFor({ timeout: WAIT });
  return { context, page };
}

/** The overview's row of the group, as its cells' texts. */
async function overviewRow(page) {
  const row = page.locator('#groups tr').filter({ has: page.getByRole('link', { name: GROUP, exact: true }) });
  const cells = await row.locator('td').allTextContents();
  return { active: cells[0], served: cells[1], holds: cells[2], epoch: cells[3], last: cells[4], from: cells[5] };
}

/** The action buttons on the group page become exactly these (only the actions that apply to the group's state). */
async function actionsShown(page, labels) {
  const deadline = Date.now() + WAIT;
  let shown;
  for (;;) {
    shown = await page.locator('#action-buttons button').allTextContents();
    if (JSON.stringify(shown) === JSON.stringify(labels)) {
      step('actions shown: ' + shown.join(', '));
      return;
    }
    check(Date.now() < deadline, 'the actions ' + labels.join(', ') + ' shown, saw ' + shown.join(', '));
    await page.waitForTimeout(200);
  }
}

async function watchAFailover() {
  // ---- a viewer: looks, cannot act; a forged write is refused ----
  step('viewer signs in');
  const viewer = await signedIn(env('VIEWER_TOKEN'), 'viewer');
  let row = await overviewRow(viewer.page);
  check(row.active.startsWith(PRIMARY), 'the viewer sees ' + PRIMARY + ' active, saw ' + JSON.stringify(row));
  check(/this instance, its owner/.test(row.from), 'the view comes from the owner, saw ' + row.from);
  await viewer.page.getByRole('link', { name: GROUP, exact: true }).focus();
  await viewer.page.keyboard.press('Enter');
  await viewer.page.getByRole('heading', { name: 'Group ' + GROUP }).waitFor({ timeout: WAIT });
  check(await viewer.page.getByRole('button', { name: 'Pause automation' }).count() === 0,
    'a viewer is shown no action buttons');
  const forged = await viewer.page.evaluate(async group => {
    const token = sessionStorage.getItem('failover-token');
    const as = async headers => (await fetch('/groups/' + group + '/pause', { method: 'POST', headers: {
      'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ reason: 'forged' }) })).status;
    return { viewer: await as({ Authorization: 'Bearer ' + token }), none: await as({}) };
  }, GROUP);
  check(forged.viewer === 403 && forged.none === 401, 'a write with a viewer token is 403, without one 401; got '
    + JSON.stringify(forged));
  step('viewer: no actions shown, forged writes refused ' + JSON.stringify(forged));

  // ---- an operator watches a failover happen on the overview ----
  step('operator signs in');
  const operator = await signedIn(env('OPERATOR_TOKEN'), 'operator');
  const page = operator.page;
  const seen = [];
  const remember = r => {
    const text = r.active + ' | ' + r.served;
    if (seen[seen.length - 1] !== text) {
      seen.push(text);
      step('overview: ' + text);
    }
  };
  remember(await overviewRow(page));
  step('the primary fails');
  const failed = await fetch(env('FAIL_PRIMARY_URL'), { method: 'POST' });
  check(failed.ok, 'the primary backend took the failure switch, HTTP ' + failed.status);
  const deadline = Date.now() + WAIT;
  for (;;) {
    row = await overviewRow(page);
    remember(row);
    if (row.active.startsWith(SECONDARY) && /CONVERGED/.test(row.served) && /(^|\s)SERVED(\s|$)/.test(row.served)) {
      break;
    }
    check(Date.now() < deadline, 'the overview shows ' + SECONDARY + ' CONVERGED within ' + WAIT + ' ms; saw ' + seen.join(' / '));
    await page.waitForTimeout(200);
  }
  check(seen.some(s => s.startsWith(SECONDARY) && /CONVERGING/.test(s)), 'the switch shown CONVERGING before CONVERGED: '
    + seen.join(' / '));
  await page.screenshot({ path: join(env('SCREENSHOTS'), 'operator-page-overview.png'), animations: 'disabled',
    caret: 'hide', mask: [page.locator('time'), page.locator('#instance')], maskColor: '#d0d0d0' });

  // ---- the group page: an explanation opens; a pause with a reason is applied and shown ----
  await page.getByRole('link', { name: GROUP, exact: true }).click();
  await page.getByRole('heading', { name: 'Group ' + GROUP }).waitFor({ timeout: WAIT });
  const primaryHealth = await page.locator('#matrix tbody tr').filter({ hasText: PRIMARY }).locator('td').first().textContent();
  check(primaryHealth === 'UNHEALTHY', 'the failed primary shown UNHEALTHY in the matrix, saw ' + primaryHealth);
  await page.locator('#timeline').getByText(/actuator DNS_SWITCH SUCCEEDED/).first().waitFor({ timeout: WAIT });
  await page.locator('#timeline').getByText(/actuator RECONCILE CONVERGED/).first().waitFor({ timeout: WAIT });
  step('the timeline shows the actuator\'s steps');
  const why = page.getByRole('button', { name: 'Why?' }).first();
  await why.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /^Why decision / }).waitFor({ timeout: WAIT });
  const explanation = await page.locator('#decision-explanation').textContent();
  check(/SWITCHED/.test(explanation) && /FIRED/.test(explanation), 'the decision\'s explanation names the rule that fired: '
    + explanation.slice(0, 300));
  step('explanation opened');

  await actionsShown(page, ['Pause automation', 'Pin to a target', 'Planned switchover', 'Start a drill', 'Force (break glass)']);
  await page.getByRole('button', { name: 'Pause automation' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor({ timeout: WAIT });
  const effect = await page.locator('#confirm-effect').textContent();
  check(effect.includes('traffic stays on ' + SECONDARY), 'the confirmation states the effect: ' + effect);
  await page.getByRole('button', { name: 'Confirm' }).click();
  check(/A reason is required/.test(await page.locator('#confirm-error').textContent()), 'no pause without a reason');
  await page.getByLabel(/^Reason/).fill('looking at the primary before failing back');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await page.getByText('Pause automation: applied').waitFor({ timeout: WAIT });
  await page.getByText(/paused by system-test: looking at the primary before failing back/).first().waitFor({ timeout: WAIT });
  await actionsShown(page, ['Resume automation', 'Pin to a target', 'Planned switchover', 'Force (break glass)']);
  step('pause applied and shown');
  await page.screenshot({ path: join(env('SCREENSHOTS'), 'operator-page-group.png'), fullPage: true,
    animations: 'disabled', caret: 'hide', mask: [page.locator('time'), page.locator('#instance')], maskColor: '#d0d0d0' });

  // ---- what the group page shows, for the comparison with failoverctl status ----
  const facts = await page.evaluate(() => {
    const cell = name => [...document.querySelectorAll('#group-state th')].find(th => th.textContent === name)
      .nextElementSibling.textContent;
    const matrix = [...document.querySelectorAll('#matrix tbody tr')].map(tr => ({
      target: tr.querySelector('th').firstChild.textContent,
      health: tr.querySelectorAll('td')[0].textContent,
      verdicts: [...tr.querySelectorAll('td')].slice(1, -1).map(td => td.querySelector('.state')?.textContent),
    }));
    const locations = [...document.querySelectorAll('#matrix thead th')].slice(2, -1).map(th => th.firstChild.textContent);
    return { active: cell('Active target'), epoch: cell('Epoch'), holds: cell('Automation and holds'), locations, matrix };
  });
  writeFileSync(env('FACTS'), JSON.stringify(facts, null, 2));
  step('facts: ' + JSON.stringify(facts));

}

/** On an instance that does not own the group: its view is the owner's state record; with the broker frozen it says so. */
async function kafkaLost() {
  step('viewer signs in on an instance that does not own the group');
  const { page } = await signedIn(env('VIEWER_TOKEN'), 'viewer');
  const deadline = Date.now() + WAIT;
  let row;
  for (;;) {
    row = await overviewRow(page);
    if (/the owner's state record of/.test(row.from) && row.active.startsWith(SECONDARY) && /paused by system-test/.test(row.holds)) {
      break;
    }
    check(Date.now() < deadline, 'a non-owner shows the owner\'s state record, with ' + SECONDARY + ' active and the pause; saw '
      + JSON.stringify(row));
    await page.waitForTimeout(200);
  }
  step('non-owner: ' + row.active + ' | ' + row.holds + ' | ' + row.from);
  await page.getByRole('link', { name: GROUP, exact: true }).click();
  await page.locator('#timeline').getByText(/actuator RECONCILE CONVERGED/).first().waitFor({ timeout: WAIT });
  step('non-owner: the timeline shows the actuator\'s steps, from the owner\'s state record');
  await page.locator('#explanation-now').getByText(/does not evaluate group/).waitFor({ timeout: WAIT });
  check(await page.locator('#kafka').textContent() === '', 'no word of Kafka while the broker runs');
  const pid = Number(env('KAFKA_PID'));
  process.kill(pid, 'SIGSTOP');
  step('the broker is frozen: kill -STOP ' + pid);
  try {
    await page.getByText(/cannot reach Kafka since/).waitFor({ timeout: 30_000 });
    step('page: ' + await page.locator('#kafka').textContent());
    const readiness = await fetch(env('MANAGEMENT_URL') + env('READINESS_PATH'));
    const body = await readiness.text();
    step('readiness probe ' + env('READINESS_PATH') + ' with the broker frozen: ' + readiness.status + ' ' + body.replace(/\s+/g, ' '));
    check(readiness.status === 200, 'the readiness probe of the manifests answers 200 while the broker is frozen, so the'
      + ' instance stays in its Service; got ' + readiness.status + ' ' + body);
  } finally {
    process.kill(pid, 'SIGCONT');
    step('the broker runs again: kill -CONT ' + pid);
  }
  await page.getByText(/cannot reach Kafka since/).waitFor({ state: 'detached', timeout: WAIT });
  step('the page no longer says that Kafka cannot be reached');
}

try {
  if (process.argv[2] === 'kafka') {
    await kafkaLost();
  } else {
    await watchAFailover();
  }
  check(problems.length === 0, 'no page errors and no console errors (CSP violations among them): ' + problems.join('; '));
  step('done');
  await browser.close();
} catch (e) {
  console.log('FAILED: ' + e.message);
  if (problems.length) {
    console.log('page problems: ' + problems.join('; '));
  }
  await browser.close();
  process.exit(1);
}
