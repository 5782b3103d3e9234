import { expect, test } from '@playwright/test';

import { Agent, accessibilityProblems, env, login, record, screenshot, settled } from './platform';

/**
 * The portal against the whole platform (real Keycloak, every service, E3, the device agent):
 * one customer's operators run a device's life in the browser while customer B sees none of it.
 */
test.describe.serial('operator portal', () => {
  const deviceName = `press-${Date.now().toString(36)}`;
  let deviceId = '';
  let rolloutId = '';
  const agent = new Agent();

  test.afterAll(() => agent.stop());

  test('an operator logs in through Keycloak, creates a token, and the enrolled device turns ONLINE on the open overview', async ({ browser }) => {
    const { context, page } = await login(browser, 'operatorA');
    await expect(page.getByRole('heading', { name: 'Fleet overview' })).toBeVisible();

    await page.getByRole('link', { name: 'Onboarding' }).click();
    await page.getByTestId('token-device-name').fill(deviceName);
    await page.getByRole('combobox', { name: 'Environment' }).click();
    await page.getByRole('option', { name: 'Staging' }).click();
    await page.getByTestId('create-token').click();
    const token = (await page.getByTestId('token-value').textContent())?.trim() ?? '';
    expect(token).toMatch(/^\S{20,}$/);
    await expect(page.getByRole('img', { name: 'QR code with the token' })).toBeVisible();
    deviceId = (await page.getByRole('link', { name: new RegExp(`Device: ${deviceName}`) }).getAttribute('href'))!.split('/').pop()!;

    // The overview stays open; the device's first heartbeat arrives through monitoring's live stream.
    await page.getByRole('link', { name: 'Fleet' }).click();
    await expect(page.getByTestId('count-pending')).toHaveText('1');
    await expect(page.getByTestId('count-online')).toHaveText('0');
    const navigations: string[] = [];
    page.on('framenavigated', frame => frame === page.mainFrame() && navigations.push(frame.url()));
    agent.onboard(token);
    agent.start();
    await expect(page.getByTestId('count-online')).toHaveText('1', { timeout: 90_000 });
    await expect(page.getByTestId('count-active')).toHaveText('1');
    await expect(page.getByTestId('activity')).toContainText('Online');
    expect(navigations, 'the page was not reloaded').toEqual([]);
    await context.close();
  });

  test('a release is pinned and promoted; a second customer admin approves it and the device reports ready', async ({ browser }) => {
    const admin = await login(browser, 'adminA');
    const page = admin.page;
    await page.goto('/releases');
    // Keyboard, as a person without a mouse would (an empty select's floating label covers it for clicks).
    await page.getByTestId('pin-select').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: env.releaseName }).click();
    await page.getByTestId('pin-testing').click();
    await expect(page.getByTestId('pinned-TESTING')).toHaveText(env.releaseName);
    await page.getByTestId('promote-STAGING').click();
    const request = page.getByTestId('approval-STAGING');
    await expect(request).toBeVisible();
    // Four eyes: the requester's own approve button is off and says why.
    await expect(request.getByRole('button', { name: 'Approve' })).toBeDisabled();
    await expect(request).toContainText('another customer admin must approve it');
    await admin.context.close();

    const second = await login(browser, 'adminA2');
    await second.page.goto('/releases');
    await second.page.getByTestId('approval-STAGING').getByTestId('approve').click();
    await expect(second.page.getByTestId('pinned-STAGING')).toHaveText(env.releaseName);
    await expect(second.page.getByTestId('approval-STAGING')).toHaveCount(0);

    await second.page.goto(`/devices/${deviceId}`);
    await expect(second.page.getByTestId('device-name')).toHaveText(deviceName);
    await expect(async () => {
      await second.page.reload();
      await expect(second.page.getByTestId('reported-release')).toHaveText(env.releaseName, { timeout: 2_000 });
      await expect(second.page.locator('[data-testid^="container-"]').first()).toHaveText('ready', { timeout: 2_000 });
    }).toPass({ timeout: 90_000, intervals: [2_000] });
    await expect(second.page.getByText('Audit trail')).toBeVisible();
    await second.context.close();
  });

  test('moving the device down out of STAGING is a request that a second customer admin approves (four eyes)', async ({ browser }) => {
    const admin = await login(browser, 'adminA');
    await admin.page.goto(`/devices/${deviceId}`);
    await expect(admin.page.getByTestId('device-environment')).toHaveText('Staging');
    await admin.page.getByTestId('environment-select').focus();
    await admin.page.keyboard.press('Enter');
    await admin.page.getByRole('option', { name: 'Testing' }).click();
    // Going down is not a direct change: the button asks for approval and the page says why.
    await expect(admin.page.getByTestId('move')).toHaveText(/Request move/);
    await expect(admin.page.getByTestId('move-hint')).toContainText('needs a second person');
    await admin.page.getByTestId('move').click();
    await expect(admin.page.getByTestId('pending-move')).toContainText('Move to Testing requested by');
    await expect(admin.page.getByTestId('device-environment')).toHaveText('Staging');
    // The requester's own approve button in the inbox is off and says why.
    await admin.page.goto('/releases');
    const own = admin.page.getByTestId(`move-${deviceId}`);
    await expect(own).toContainText(deviceName);
    await expect(own.getByRole('button', { name: 'Approve' })).toBeDisabled();
    await expect(own).toContainText('another customer admin must approve it');
    await admin.context.close();

    const second = await login(browser, 'adminA2');
    await second.page.goto('/releases');
    await second.page.getByTestId(`move-${deviceId}`).getByTestId('approve').click();
    await expect(second.page.getByTestId(`move-${deviceId}`)).toHaveCount(0);
    await second.page.goto(`/devices/${deviceId}`);
    await expect(second.page.getByTestId('device-environment')).toHaveText('Testing');
    await expect(second.page.getByTestId('pending-move')).toHaveCount(0);
    await second.context.close();
  });

  test('an operator plans a phased TESTING rollout: the preview puts the device in a group, and the rollout opens with its groups', async ({ browser }) => {
    const { context, page } = await login(browser, 'operatorA');
    await page.getByRole('link', { name: 'Rollouts' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Rollouts' })).toBeVisible();
    await page.getByTestId('new-rollout').click();
    await expect(page.getByRole('heading', { level: 1, name: 'New rollout' })).toBeVisible();
    await expect(page.getByTestId('four-eyes-notice')).toHaveCount(0);
    await page.getByTestId('rollout-release').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: env.releaseName }).click();
    await page.getByTestId('group-size-0').fill('50%');
    await page.getByTestId('preview').click();
    // The device moved to TESTING above; it is the only ACTIVE device there, so 50 % (rounded up) puts it in group 1.
    await expect(page.getByTestId('preview-total')).toContainText('1 device is targeted');
    await expect(page.getByTestId('preview-group-0')).toContainText(deviceName);
    await expect(page.getByTestId('preview-group-1')).toContainText('Group 2: 0 devices');
    await page.getByTestId('submit-rollout').click();
    // /rollouts/new matches /rollouts/<segment> too: wait for the new rollout's own address.
    await expect(page).toHaveURL(/\/rollouts\/(?!new$)[^/]+$/);
    rolloutId = new URL(page.url()).pathname.split('/').pop()!;
    expect(rolloutId).not.toBe('new');
    await expect(page.getByTestId('rollout-title')).toHaveText(env.releaseName);
    await expect(page.getByTestId('rollout-group-0')).toContainText('Group 1');
    await expect(page.getByTestId('rollout-group-1')).toContainText('Group 2');
    await expect(page.getByTestId('rollout-status')).toHaveText(/Running|Waiting|Paused|Succeeded/);
    await page.getByRole('link', { name: 'Rollouts' }).first().click();
    await expect(page.getByTestId(`rollout-row-${rolloutId}`)).toContainText(env.releaseName);
    await context.close();
  });

  test('the device falls silent: an alert appears live and an operator acknowledges it', async ({ browser }) => {
    const { context, page } = await login(browser, 'operatorA');
    await page.goto('/alerts');
    agent.stop();
    const alert = page.getByTestId('alert-DEVICE_OFFLINE').first();
    await expect(alert).toBeVisible({ timeout: 90_000 });
    await alert.getByTestId('acknowledge').click();
    await expect(alert.getByTestId('acknowledged')).toBeVisible();
    await context.close();
  });

  test('a viewer sees no action buttons, and the API refuses the action anyway', async ({ browser }) => {
    const { context, page } = await login(browser, 'viewerA');
    await page.goto(`/devices/${deviceId}`);
    await expect(page.getByTestId('device-name')).toHaveText(deviceName);
    await expect(page.getByTestId('decommission')).toHaveCount(0);
    await expect(page.getByTestId('move')).toHaveCount(0);
    await page.goto('/onboarding');
    await expect(page.getByRole('heading', { level: 1, name: 'Onboarding tokens' })).toBeVisible();
    await expect(page.getByTestId('create-token')).toHaveCount(0);
    await page.goto('/releases');
    await expect(page.getByTestId('env-card-TESTING')).toBeVisible();
    await expect(page.getByTestId('pin-testing')).toHaveCount(0);
    await page.goto('/alerts');
    await expect(page.getByTestId('alert-DEVICE_OFFLINE').first()).toBeVisible();
    await expect(page.getByTestId('acknowledge')).toHaveCount(0);
    await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);

    const xsrf = (await context.cookies()).find(c => c.name === 'XSRF-TOKEN')?.value ?? '';
    const refused = await page.request.post('/api/onboarding/v1/tokens', {
      data: { deviceName: 'sneaky' }, headers: { 'X-XSRF-TOKEN': xsrf } });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).code).toBe('FORBIDDEN');
    await context.close();
  });

  test("customer B's operator sees none of customer A's devices", async ({ browser }) => {
    const { context, page } = await login(browser, 'operatorB');
    await page.goto('/devices');
    await expect(page.getByText('No devices match these filters.')).toBeVisible();
    await expect(page.getByText(deviceName)).toHaveCount(0);
    await page.goto(`/devices/${deviceId}`);
    await expect(page.getByRole('alert')).toContainText('not found');
    const direct = await page.request.get(`/api/devices/v1/devices/${deviceId}`);
    expect(direct.status()).toBe(404);
    await context.close();
  });

  test('the menu\'s API link opens Swagger UI, which works under the portal\'s Content Security Policy', async ({ browser }) => {
    const { context, page } = await login(browser, 'operatorA');
    const refused: string[] = [];
    context.on('console', message => /Content Security Policy|Refused to/i.test(message.text()) && refused.push(message.text()));
    context.on('weberror', error => refused.push(String(error.error())));
    if ((page.viewportSize()?.width ?? 0) < 1000) {
      await page.getByRole('button', { name: 'Open navigation' }).click();
    }
    const [docs] = await Promise.all([context.waitForEvent('page'), page.getByTestId('api-docs').click()]);
    await docs.waitForLoadState();
    expect(new URL(docs.url()).pathname).toMatch(/^\/(swagger-ui|webjars\/swagger-ui)/);
    await expect(docs.locator('.swagger-ui .info .title')).toBeVisible({ timeout: 60_000 });
    await expect(docs.locator('.opblock').first()).toBeVisible({ timeout: 60_000 });
    expect(refused, 'nothing refused by the CSP').toEqual([]);
    await context.close();
  });

  test('logout ends the session at the gateway and at Keycloak', async ({ browser }) => {
    const { context, page } = await login(browser, 'operatorA');
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await expect(page.locator('#username')).toBeVisible({ timeout: 60_000 });
    expect((await page.request.get('/api/me')).status()).toBe(401);
    // Keycloak's session is gone too: the portal asks for the password again.
    await page.goto('/');
    await expect(page.locator('#username')).toBeVisible();
    await context.close();
  });

  test('every page is accessible and screenshotted at 375 px and 1440 px', async ({ browser }) => {
    test.setTimeout(900_000);
    const pages: [string, string, string][] = [
      ['fleet', '/fleet', 'Fleet overview'], ['devices', '/devices', 'Devices'], ['device', `/devices/${deviceId}`, deviceName],
      ['onboarding', '/onboarding', 'Onboarding tokens'], ['releases', '/releases', 'Releases'], ['alerts', '/alerts', 'Alerts'],
      ['machines', '/machines', 'Machines'], ['users', '/users', 'Users'], ['rollouts', '/rollouts', 'Rollouts'],
      ['rollout-new', '/rollouts/new', 'New rollout'], ['rollout', `/rollouts/${rolloutId}`, env.releaseName],
    ];
    // Every page is screenshotted first; the accessibility findings of all pages are reported together.
    const problems: string[] = [];
    for (const width of [1440, 375]) {
      const { context, page } = await login(browser, 'adminA', width);
      for (const [name, path, heading] of pages) {
        await page.goto(path);
        await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
        await settled(page);
        await screenshot(page, name);
        problems.push(...await accessibilityProblems(page, `${name} at ${width}px`));
      }
      await context.close();
      const root = await login(browser, 'platformAdmin', width);
      for (const [name, path, heading] of [['customers', '/customers', 'Customers'], ['health', '/health', 'Service health']] as const) {
        await root.page.goto(path);
        await expect(root.page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
        await settled(root.page);
        await screenshot(root.page, name);
        problems.push(...await accessibilityProblems(root.page, `${name} at ${width}px`));
      }
      await root.context.close();
    }
    expect(problems, `axe-core found serious or critical violations:\n${problems.join('\n')}`).toEqual([]);
  });

  test('the fleet page with the whole platform (10,000+ devices) becomes interactive quickly (measured, not asserted)', async ({ browser }) => {
    const { context, page } = await login(browser, 'platformAdmin');
    const timings: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto('/fleet');
      await expect(page.getByTestId('count-total')).toBeVisible();
      timings.push(await page.evaluate(() => Math.round(performance.now())));
    }
    const total = Number(await page.getByTestId('count-total').textContent());
    await page.goto('/devices');
    const rows = page.locator('[data-testid^="device-row-"]');
    await expect(rows).toHaveCount(50);
    const firstOfPage1 = await rows.first().getAttribute('data-testid');
    const start = Date.now();
    await page.getByTestId('next-page').click();
    await expect(rows.first()).not.toHaveAttribute('data-testid', firstOfPage1!);
    await expect(rows).toHaveCount(50);
    record('fleet-page-timing', { devices: total, interactiveMs: timings, medianMs: [...timings].sort((a, b) => a - b)[1],
      devicesNextPageMs: Date.now() - start });
    expect(total).toBeGreaterThan(0);
    await context.close();
  });
});
