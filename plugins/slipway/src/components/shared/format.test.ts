import {
  commitUrl,
  formatDuration,
  formatRelativeTime,
  initiatorName,
} from './format';

const SHA = '0123456789abcdef0123456789abcdef01234567';

describe('commitUrl', () => {
  it('links https repos of GitHub, GitLab and the like', () => {
    expect(commitUrl('https://github.com/acme/app.git', SHA)).toBe(
      `https://github.com/acme/app/commit/${SHA}`,
    );
    expect(commitUrl('https://gitlab.example.com/group/sub/app/', SHA)).toBe(
      `https://gitlab.example.com/group/sub/app/commit/${SHA}`,
    );
  });

  it('never shows credentials that a repo URL carries', () => {
    expect(commitUrl('https://x-token:s3cret@github.com/acme/app', SHA)).toBe(
      `https://github.com/acme/app/commit/${SHA}`,
    );
  });

  it('has no link for SSH, plain http, local paths or odd SHAs', () => {
    expect(commitUrl('git@github.com:acme/app.git', SHA)).toBeUndefined();
    expect(commitUrl('ssh://git@github.com/acme/app.git', SHA)).toBeUndefined();
    expect(commitUrl('http://git.local/acme/app', SHA)).toBeUndefined();
    expect(commitUrl('/srv/git/app', SHA)).toBeUndefined();
    expect(
      commitUrl('https://github.com/acme/app', '../../evil'),
    ).toBeUndefined();
  });
});

describe('formatting', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it('says how long ago', () => {
    expect(formatRelativeTime('2026-11-25T11:59:58Z', now)).toBe('just now');
    expect(formatRelativeTime('2026-11-25T11:59:30Z', now)).toBe(
      '30 seconds ago',
    );
    expect(formatRelativeTime('2026-11-25T11:30:00Z', now)).toBe(
      '30 minutes ago',
    );
    expect(formatRelativeTime('2026-11-24T12:00:00Z', now)).toBe('yesterday');
    expect(formatRelativeTime('not a date', now)).toBe('not a date');
  });

  it('says how long it took', () => {
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(192_000)).toBe('3 min 12 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(3_900_000)).toBe('1 h 5 min');
  });

  it('names initiators by their entity name', () => {
    expect(initiatorName('user:default/jane')).toBe('jane');
    expect(initiatorName('user:jane')).toBe('jane');
    expect(initiatorName('scaffolder')).toBe('scaffolder');
    expect(initiatorName(null)).toBeUndefined();
  });
});
