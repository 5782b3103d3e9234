import { defineConfig } from 'vitest/config';

// Merged by Angular's unit-test builder (angular.json "runnerConfig") into its own Vitest setup.
// CI runs on a loaded 2-core machine where a component test with fake timers and change detection
// took longer than Vitest's 5 s default once (device-detail.spec.ts); a test that hangs still fails,
// after 30 s.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
