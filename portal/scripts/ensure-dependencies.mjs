// Runs `npm ci` unless node_modules was installed from exactly this package-lock.json, so a fresh
// clone (and CI) always gets the locked tree while repeated local builds skip a minute of npm.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const lock = readFileSync('package-lock.json', 'utf8');
const installed = 'node_modules/.package-lock.json';
const marker = 'node_modules/.edp-lock';
if (existsSync(installed) && existsSync(marker) && readFileSync(marker, 'utf8') === lock) {
  console.log('node_modules matches package-lock.json; npm ci skipped');
} else {
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
  // Written after a successful install only.
  (await import('node:fs')).writeFileSync(marker, lock);
}
