import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import AxeBuilder from '@axe-core/playwright';
import { Browser, BrowserContext, Page, expect } from '@playwright/test';

/** What PortalBrowserIntegrationTests prepared (see there): the platform's addresses and the people. */
export interface E2eEnv {
  baseUrl: string; e3Url: string; e3Trust: string; agentJar: string; java: string; outputDir: string;
  customerA: string; customerB: string; releaseName: string;
  users: Record<'adminA' | 'adminA2' | 'operatorA' | 'viewerA' | 'operatorB' | 'platformAdmin', { username: string; password: string }>;
}

export const env: E2eEnv = JSON.parse(readFileSync(process.env.EDP_E2E_ENV ?? 'e2e-env.json', 'utf8'));
export type Who = keyof E2eEnv['users'];

/** Logs in through the real Keycloak login page, as a person does, and waits for the portal. */
export async function login(browser: Browser, who: Who, width = 1440): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: env.baseUrl, viewport: { width, height: width < 600 ? 812 : 900 } });
  const page = await context.newPage();
  await page.goto('/');
  await page.locator('#username').fill(env.users[who].username);
  await page.locator('#password').fill(env.users[who].password);
  await page.locator('#kc-login').click();
  await expect(page.getByTestId('user-menu')).toBeVisible({ timeout: 60_000 });
  return { context, page };
}

/** axe-core on the current page: its serious and critical violations, described (empty when none). */
export async function accessibilityProblems(page: Page, name: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${name}: ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('\n    ')}`);
}

/**
 * The page has drawn its data: no loading state left. (Not "network idle": the live event stream
 * keeps a request open for as long as the page lives.)
 */
export async function settled(page: Page): Promise<void> {
  await expect(page.locator('app-load-state mat-spinner, mat-progress-bar')).toHaveCount(0);
  await page.waitForTimeout(300);
}

/** A full-page screenshot under target/, named by page and width. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(env.outputDir, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
}

export function record(name: string, value: unknown): void {
  mkdirSync(env.outputDir, { recursive: true });
  writeFileSync(join(env.outputDir, `${name}.json`), JSON.stringify(value, null, 2));
  console.log(`${name}: ${JSON.stringify(value)}`);
}

/** The real device agent (edp-agent.jar): onboard with the token, then run with 2 s heartbeats. */
export class Agent {
  readonly dir = mkdtempSync(join(tmpdir(), 'edp-e2e-agent-'));
  private process: ChildProcess | null = null;
  private log = '';

  onboard(token: string): void {
    const result = spawnSync(env.java, ['-jar', env.agentJar, 'onboard', '--e3', env.e3Url, '--token', token, '--trust', env.e3Trust,
      '--dir', this.dir], { encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) {
      throw new Error(`onboard failed (${result.status}): ${result.stdout}\n${result.stderr}`);
    }
  }

  start(): void {
    this.process = spawn(env.java, ['-Xmx96m', '-jar', env.agentJar, 'run', '--dir', this.dir, '--interval', '2s', '--executor', 'simulated'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process.stdout?.on('data', d => this.log += d);
    this.process.stderr?.on('data', d => this.log += d);
  }

  stop(): void {
    this.process?.kill('SIGKILL');
    this.process = null;
  }

  output(): string {
    return this.log;
  }
}
