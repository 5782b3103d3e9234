// Fails the build when the initial JavaScript (what index.html loads before any lazy route) is
// larger than the budget once compressed. Angular's own budgets measure uncompressed bytes.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const LIMIT = 400 * 1024;
const dir = 'dist/portal/browser';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const scripts = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g)].map(m => m[1]);
const initial = new Set(scripts);
// Static imports of the entry chunks are initial too (esbuild emits them as modulepreload links; follow them anyway).
for (const file of [...initial]) {
  const code = readFileSync(join(dir, file), 'utf8');
  for (const m of code.matchAll(/(?:^|[;\s])import\s*(?:[^'"();]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) initial.add(m[1]);
}
let total = 0;
for (const file of initial) {
  const size = gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
  total += size;
  console.log(`${file.padEnd(32)} ${(size / 1024).toFixed(1).padStart(7)} KB gzip`);
}
console.log(`Initial JavaScript: ${(total / 1024).toFixed(1)} KB gzip (limit ${LIMIT / 1024} KB)`);
if (total > LIMIT) {
  console.error('Initial JavaScript exceeds the budget');
  process.exit(1);
}
