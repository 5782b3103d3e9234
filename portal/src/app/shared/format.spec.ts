import { LabelPipe, formatBytes, formatDuration, formatRelative, percentOf } from './format';

describe('format', () => {
  it('shows bytes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(35 * 1024 ** 3)).toBe('35 GB');
    expect(formatBytes(null)).toBe('—');
  });

  it('computes a percentage and survives a zero total', () => {
    expect(percentOf(1, 4)).toBe(25);
    expect(percentOf(1, 0)).toBeNull();
  });

  it('says how long ago, relative to now', () => {
    const now = Date.parse('2026-12-05T12:00:00Z');
    expect(formatRelative('2026-12-05T11:57:00Z', now)).toContain('3');
    expect(formatRelative(null, now)).toBe('—');
  });

  it('formats durations and enum labels for people', () => {
    expect(formatDuration(90061)).toBe('1 d 1 h');
    expect(formatDuration(3720)).toBe('1 h 2 min');
    expect(new LabelPipe().transform('PENDING_ONBOARDING')).toBe('Pending onboarding');
  });
});
