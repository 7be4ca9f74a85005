import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, saveScreenshot, seriousAccessibilityViolations } from './support/browser';
import { useRunningStack } from './support/running-stack';

const ADMIN_API_KEY = 'console-e2e-admin-key-0123456789';
const WAIT_MS = 20_000;

/**
 * The operator console driven by Debian's chromium through playwright-core, against the api and
 * a worker in this process: what an operator sees and does, each page checked with axe-core and
 * saved as a screenshot in test-results/console/.
 */
describe('operator console in a real browser', () => {
  const world = useRunningStack({ ADMIN_API_KEY });
  const { stack } = world;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const checkPage = async (name: string) => {
    await saveScreenshot(page, name);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
  };
  const statusShown = () => page.locator('[data-field="status"]').first().textContent();
  /** Waits for the status on the page to read `status`, as the page's own script updates it. */
  const waitForStatus = (status: string) =>
    page.waitForFunction(
      (expected) => (globalThis as any).document.querySelector('[data-field="status"]')?.textContent === expected,
      status,
      {
        timeout: WAIT_MS,
      },
    );
  /** A mark on the page's window: still there later means the page was never reloaded. */
  const markPage = () => page.evaluate(() => ((globalThis as any).__sameDocument = true));
  const isSamePage = () => page.evaluate(() => (globalThis as any).__sameDocument === true);
  const press = (name: string) => page.getByRole('button', { name, exact: true }).click();
  const openTenants = () => page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Tenants' }).click();

  beforeAll(async () => {
    browser = await launchChromium();
    // The console's Content-Security-Policy admits only its own script; axe-core is injected by the test.
    context = await browser.newContext({ bypassCSP: true });
    page = await context.newPage();
    page.setDefaultTimeout(WAIT_MS);
  });
  afterAll(() => browser?.close());

  it('answers a wrong key with an error on the page and no cookie', async () => {
    await page.goto(`${world.api}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await checkPage('login');
    await page.getByLabel('Admin API key').fill('not-the-admin-key-at-all');
    await press('Log in');
    expect(await page.getByRole('alert').textContent()).toBe('That is not the admin API key.');
    expect(await context.cookies()).toEqual([]);
    await checkPage('login-refused');
  });

  it('logs in with the admin key into an HttpOnly, SameSite=Strict session cookie', async () => {
    await page.getByLabel('Admin API key').fill(ADMIN_API_KEY);
    await press('Log in');
    await page.waitForURL(`${world.api}/console`);
    expect(await context.cookies()).toEqual([
      expect.objectContaining({ name: 'operator_session', httpOnly: true, sameSite: 'Strict' }),
    ]);
    await checkPage('tenants-empty');
  });

  it('creates a tenant and shows it turn ready without reloading', async () => {
    await page.getByLabel('Tenant name').fill('Console Acme');
    await press('Create tenant');
    await page.waitForURL(/\/console\/tenants\/[0-9a-f-]{36}$/);
    await markPage();
    await waitForStatus('ready');
    expect(await isSamePage()).toBe(true);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Console Acme');
    expect(await page.getByRole('button', { name: 'Suspend' }).isVisible()).toBe(true);
    // Recorded when it turned ready, and shown as it happened.
    expect(await page.locator('[data-field="schema"]').innerText()).toMatch(/^\S+ \([0-9a-f]{12}\), current$/);
    await checkPage('tenant');
  });

  it("tells a tenant whose schema is behind this service's migrations", async () => {
    const tenantId = page.url().split('/').pop()!;
    const [recorded] = await stack.query<{ schema_fingerprint: string }>('SELECT schema_fingerprint FROM tenants WHERE id = $1', [
      tenantId,
    ]);
    await stack.query('UPDATE tenants SET schema_fingerprint = $2 WHERE id = $1', [tenantId, 'f'.repeat(64)]);
    try {
      await page.reload();
      expect(await page.locator('[data-field="schema"]').innerText()).toMatch(/\(ffffffffffff\), behind this service's migrations$/);
    } finally {
      await stack.query('UPDATE tenants SET schema_fingerprint = $2 WHERE id = $1', [tenantId, recorded!.schema_fingerprint]);
    }
  });

  it('lists tenants, searched by name and filtered by status', async () => {
    await openTenants();
    await page.getByLabel('Search by name').fill('acme');
    await page.getByLabel('Status').selectOption('ready');
    await press('Search');
    expect(await page.getByRole('table').getByRole('link').allTextContents()).toEqual(['Console Acme']);
    await checkPage('tenants');
    await page.getByLabel('Status').selectOption('failed');
    await press('Search');
    expect(await page.getByText('No tenant matches.').isVisible()).toBe(true);
  });

  it('shows a failed tenant, and retries it once the obstacle is gone', async () => {
    const foreign = `${stack.config.tenants.databasePrefix}doomed`;
    await stack.query(`CREATE ROLE "${foreign}" NOLOGIN`, [], 'postgres');
    await stack.query(`CREATE DATABASE "${foreign}" OWNER "${foreign}"`, [], 'postgres');
    await openTenants();
    await page.getByLabel('Tenant name').fill('Doomed');
    await press('Create tenant');
    await waitForStatus('failed');
    expect(await page.locator('[data-field="error"]').textContent()).toMatch(/exists but was not made by this service/);
    await checkPage('tenant-failed');

    await stack.query(`DROP DATABASE "${foreign}"`, [], 'postgres');
    await stack.query(`DROP ROLE "${foreign}"`, [], 'postgres');
    await press('Retry provisioning');
    await markPage();
    await waitForStatus('ready');
    expect(await isSamePage()).toBe(true);
  });

  it('suspends and resumes a tenant', async () => {
    await press('Suspend');
    await waitForStatus('suspended');
    expect(await page.getByRole('button', { name: 'Resume' }).isVisible()).toBe(true);
    await press('Resume');
    await waitForStatus('ready');
    expect(await statusShown()).toBe('ready');
  });

  it('refuses a form without its session token, and never takes the cookie for a JSON write', async () => {
    const tenantId = page.url().split('/').pop()!;
    const forged = await context.request.post(`${world.api}/console/tenants/${tenantId}/suspend`, { form: { _csrf: 'forged' } });
    expect(forged.status()).toBe(403);
    const json = await context.request.post(`${world.api}/org/${tenantId}/suspend`);
    expect(json.status()).toBe(401);
    await page.reload();
    expect(await statusShown()).toBe('ready');
  });

  it('issues an API key shown once, and revokes it', async () => {
    await press('Issue an API key');
    const key = await page.locator('.secret code').textContent();
    expect(key).toMatch(/^\S{20,}$/);
    await checkPage('api-key-issued');
    await page.getByRole('link', { name: /^Back to/ }).click();
    await page.getByRole('button', { name: /^Revoke/ }).click();
    expect(await page.getByText('No active API key.').isVisible()).toBe(true);
  });

  it('deletes a tenant only after a confirmation', async () => {
    await page.getByRole('link', { name: 'Delete…' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Delete Doomed?');
    await checkPage('delete-confirmation');
    await press('Delete Doomed');
    await waitForStatus('deleted');
  });

  it('shows rollouts with their progress', async () => {
    const started = await fetch(`${world.api}/fleet/migrations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_API_KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(started.status).toBe(202);
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Rollouts' }).click();
    expect(await page.getByRole('table').getByRole('cell', { name: 'migrate', exact: true }).count()).toBe(1);
    expect(await page.getByRole('progressbar', { name: 'Tenants dealt with' }).count()).toBe(1);
    await checkPage('rollouts');
  });

  it('shows every queue in Bull Board to the signed-in operator, and nothing to anyone else', async () => {
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Queues' }).click();
    await page.waitForURL(`${world.api}/admin/queues`);
    for (const queue of ['tenant-provisioning', 'tenant-lifecycle', 'tenant-fleet-default']) {
      await page.getByText(queue, { exact: true }).first().waitFor();
    }
    await saveScreenshot(page, 'queues');
    const anonymous = await fetch(`${world.api}/admin/queues/api/queues`);
    expect(anonymous.status).toBe(401);
    const withKey = await fetch(`${world.api}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${ADMIN_API_KEY}` } });
    expect(withKey.status).toBe(200);
    const board = await fetch(`${world.api}/admin/queues`, { redirect: 'manual' });
    expect(board.headers.get('location')).toBe('/console/login?returnTo=%2Fadmin%2Fqueues');
    await page.goBack();
  });

  it('logs out', async () => {
    await press('Log out');
    await page.waitForURL(/\/console\/login$/);
    expect(await context.cookies()).toEqual([]);
  });
});
