/**
 * The plain tables in cards (master data, onboarding tokens, releases, a device's containers): full
 * width, left-aligned cells with a rule under each row, and `.end` for a right-aligned actions cell.
 * Put first in a component's `styles` so the component's own rules can refine it.
 */
export const TABLE_STYLES = `
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid var(--mat-sys-outline-variant); }
  .end { text-align: right; }
`;
