import { describe, expect, it } from 'vitest';
import { href, parseHash } from './router.ts';

describe('hash routes of the request log and its groups', () => {
  it('round-trips the groups list, one group and the log filtered by group', () => {
    for (const r of [
      { page: 'groups' },
      { page: 'group', id: 42 },
      { page: 'logs', group: 7 },
      { page: 'logs' },
    ] as const)
      expect(parseHash(href(r))).toEqual(r);
  });

  it('reads a group id that is not a positive integer as id 0 (shown as not found)', () => {
    expect(parseHash('#/groups/abc')).toEqual({ page: 'group', id: 0 });
    expect(parseHash('#/groups/-3')).toEqual({ page: 'group', id: 0 });
    expect(parseHash('#/logs?group=x')).toEqual({ page: 'logs' });
  });
});
