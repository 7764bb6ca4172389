// The portal in a real browser: sign up, create an app, Office 365 settings, a return URL, the
// account events URL (a receiver here), a test account linked through the fake Microsoft and listed
// healthy, its event in the delivery log and replayed, then dead once the fake revokes it; a
// service account consented from the app page with a managed mailbox added by address.
// Run by e2e/run, which starts switchboard (BASE) and the fake Microsoft (FAKE).
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';

const { BASE, FAKE, SHOTS = 'artifacts/screenshots' } = process.env;
mkdirSync(SHOTS, { recursive: true });
const AZURE = '00001111-aaaa-2222-bbbb-3333cccc4444';
const SECRET = 'Xy8Q~browser.test.secret';
const USER = 'megan@contoso.com';

async function fake(path, body) {
  const r = await fetch(`${FAKE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
  assert.ok(r.ok, `${path}: ${r.status}`);
}

// The app's events receiver: answers the validation request and keeps what it is sent.
const events = [];
const receiver = createServer((req, res) => {
  const token = new URL(req.url, 'http://x').searchParams.get('validationToken');
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    if (token) { res.writeHead(200, { 'content-type': 'text/plain' }); res.end(token); return; }
    events.push(JSON.parse(body));
    res.writeHead(200); res.end();
  });
});
await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
const EVENTS_URL = `http://127.0.0.1:${receiver.address().port}/events`;
const until = async (what, done) => {
  for (let i = 0; i < 100; i++) { if (await done()) return; await new Promise((r) => setTimeout(r, 100)); }
  throw new Error(`${what} did not happen`);
};

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
const page = await browser.newPage();
// The pages run under a strict Content-Security-Policy: anything it blocks is a bug.
const blocked = [];
page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
let shot = 0;
const snap = async (name) => page.screenshot({ path: `${SHOTS}/${String(++shot).padStart(2, '0')}-${name}.png`, fullPage: true });

try {
  // Sign up.
  await page.goto(`${BASE}/portal`);
  assert.match(page.url(), /\/portal\/signin$/);
  await snap('sign-in');
  await page.click('text=Sign up');
  await page.fill('#email', 'owner@example.com');
  await page.fill('#password', 'short');
  await page.click('button[type=submit]');
  assert.match(await page.textContent('#password-error'), /at least 10 characters/);
  await snap('sign-up-error');
  await page.fill('#password', 'a long browser passphrase');
  await page.click('button[type=submit]');
  await page.waitForURL(`${BASE}/portal`);
  assert.match(await page.textContent('main'), /No apps yet/);
  await snap('apps-empty');

  // Create an app.
  await page.click('text=Create an app');
  await page.fill('#name', 'Browser CRM');
  await page.fill('#returnUrl', 'https://crm.example.com/linked');
  await page.click('button:has-text("Create app")');
  const clientId = (await page.textContent('#client-id')).trim();
  const clientSecret = (await page.textContent('#client-secret')).trim();
  assert.ok(clientId.length > 10 && clientSecret.length > 20);
  await snap('app-created');
  await page.click('text=Continue to the app');
  assert.match(await page.textContent('main'), /Not set up yet/);

  // Office 365 settings: the secret's ID is caught, then the value is saved.
  const redirectUri = await page.inputValue('#redirect-uri');
  assert.equal(redirectUri, `${BASE}/v1/auth/callback`);
  await fake('/_fake/apps', { clientId: AZURE, secret: SECRET, redirectUris: [redirectUri] });
  await page.fill('#azureClientId', AZURE);
  await page.fill('#clientSecret', '9b1c2d3e-aaaa-bbbb-cccc-123456789abc');
  await page.fill('#authority', 'common');
  await page.click('button:has-text("Save Office 365 settings")');
  assert.match(await page.textContent('#clientSecret-error'), /secret's ID/);
  assert.match(await page.textContent('main h1'), /Browser CRM/);
  assert.ok(await page.locator('main a:has-text("Back to the app")').count() > 0, 'the way back stays');
  await snap('office365-secret-id');
  await page.fill('#clientSecret', SECRET);
  await page.click('button:has-text("Save Office 365 settings")');
  await page.waitForURL(`${BASE}/portal/apps/${clientId}`);
  assert.match(await page.textContent('main'), /a secret is saved/);
  assert.match(await page.textContent('#office365 .ok'), /Office 365 settings saved/);
  assert.ok(!(await page.content()).includes(SECRET), 'the secret is not in the page');
  await snap('office365-saved');

  // The confirmation before a new client secret comes from the portal's script (no inline
  // handlers); dismissing it keeps the secret.
  const asked = [];
  page.once('dialog', (d) => { asked.push(d.message()); d.dismiss(); });
  await page.click('button:has-text("New client secret")');
  assert.match(asked[0] ?? '', /stops working at once/);
  assert.equal(page.url(), `${BASE}/portal/apps/${clientId}`);

  // A second return URL.
  await page.fill('#url', 'https://crm.example.com/other');
  await page.click('button:has-text("Add return URL")');
  assert.match(await page.textContent('#return-urls'), /crm\.example\.com\/other/);

  // Account events go to the app's receiver (validated first).
  await page.fill('#eventsUrl', EVENTS_URL);
  await page.click('button:has-text("Save events URL")');
  await page.waitForURL(`${BASE}/portal/apps/${clientId}#webhooks`);
  assert.equal(await page.inputValue('#eventsUrl'), EVENTS_URL);
  assert.ok((await page.textContent('#signing-secret')).trim().length > 30);

  // A test account through the fake Microsoft, back in the portal.
  await fake('/_fake/users', { email: USER, name: 'Megan Bowen' });
  await page.fill('#link-scopes', 'Mail.Read');
  await page.click('button:has-text("Link a test account")');
  await page.waitForURL(/\/linked\?/);
  assert.match(await page.textContent('main'), /is linked/);
  const token = (await page.textContent('#account-token')).trim();
  await snap('test-account-linked');
  await page.click('text=Back to the app');
  const row = page.locator('#accounts tr', { hasText: USER });
  assert.match(await row.locator('.status').textContent(), /^active/);
  await snap('account-active');

  // A service account: the owner consents for the organisation, then adds Megan's mailbox.
  await fake(`/_fake/apps/${AZURE}/application-permissions`, { roles: ['User.Read.All', 'MailboxSettings.Read', 'Mail.Read'] });
  assert.match(await page.textContent('#application-permissions'), /Calendars\.ReadWrite/);
  await page.fill('#consent-scopes', 'Mail.Read');
  await page.click('button:has-text("Consent as an administrator")');
  await page.waitForURL(/\/linked\?/);
  assert.match(await page.textContent('main'), /is linked/);
  await page.click('text=Back to the app');
  assert.match(await page.textContent('#service-accounts'), /Mail\.Read, MailboxSettings\.Read, User\.Read\.All/);
  await page.fill('#service-accounts input[name=email]', USER);
  await page.click('button:has-text("Add mailbox")');
  assert.match(await page.textContent('main'), /is managed/);
  const managed = (await page.textContent('#account-token')).trim();
  const read = await fetch(`${BASE}/v1/email/messages`, { headers: { authorization: `Bearer ${managed}` } });
  assert.equal(read.status, 200);
  await page.click('text=Back to the app');
  assert.match(await page.textContent('#service-accounts .managed'), new RegExp(USER));
  await snap('service-account');

  // Its event arrived; the delivery log shows it, and replays it.
  await until('account.linked at the receiver', () => events.some((e) => e.event === 'account.linked'));
  await until('the delivery in the log', async () => {
    await page.reload();
    return /delivered/.test((await page.textContent('#webhooks')) ?? '');
  });
  await snap('webhooks-log');
  const before = events.length;
  await page.locator('#deliveries button:has-text("replay")').first().click();
  await until('the replayed event', () => events.length > before);

  // Revoked at Microsoft: the next API call finds out; the portal shows it dead, with the reason.
  await fake(`/_fake/users/${encodeURIComponent(USER)}/revoke`);
  const api = await fetch(`${BASE}/v1/email/messages`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(api.status, 401);
  await page.reload();
  const status = await page.locator('#accounts tr', { hasText: USER }).locator('.status').textContent();
  assert.match(status, /^dead/);
  assert.match(status, /AADSTS|revoked|sign in/i);
  await snap('account-dead');
  await page.click('header >> text=Apps');
  assert.match(await page.textContent('#apps'), /1 need their user again/);
  await snap('apps-health');

  // Narrow screens still work: the accounts table scrolls inside its card, the page stays narrow.
  await page.goBack();
  assert.match(await row.locator('time').first().getAttribute('datetime'), /^\d{4}-\d\d-\d\dT/);
  assert.match(await row.locator('time').first().textContent(), /ago|just now|in /);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the page is ${width}px wide at 390px`);
  await snap('app-on-phone');

  // A newcomer's first page, and the API reference rendered from the binary's own assets.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${BASE}/`);
  await page.click('text=API reference');
  await page.waitForSelector('.opblock-tag-section', { timeout: 20000 });
  assert.match(await page.textContent('.swagger-ui'), /switchboard/);
  assert.ok(await page.locator('.opblock').count() > 60, 'every operation is listed');
  await page.click('.opblock-summary:has-text("/v1/email/messages/{messageId}")');
  await page.waitForSelector('.opblock-body .parameters');
  assert.match(await page.textContent('.opblock-body'), /stripQuoted/);
  await snap('api-docs');
  assert.deepEqual(blocked, [], 'nothing blocked by the Content-Security-Policy');
  console.log(`portal browser test passed; ${shot} screenshots in ${SHOTS}`);
} catch (e) {
  await snap('failure').catch(() => {});
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
  receiver.close();
}
