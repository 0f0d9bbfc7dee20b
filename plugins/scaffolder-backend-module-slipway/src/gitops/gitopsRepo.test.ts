import {
  gitEnvironment,
  gitIdentity,
  scrubSecrets,
  secretsOf,
} from './gitopsRepo';

const author = { name: 'Jane Doe', email: 'jane@acme.example' };
const committer = { name: 'Slipway', email: 'slipway@noreply' };
const credentials = { username: 'x-access-token', token: 'ghp_secret_value' };

describe('gitEnvironment', () => {
  it('appends the auth header after GIT_CONFIG entries already in the environment', () => {
    const env = gitEnvironment({
      base: {
        PATH: '/usr/bin',
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'url.file:///srv/infra.git.insteadOf',
        GIT_CONFIG_VALUE_0: 'https://github.com/acme/infra.git',
      },
      credentials,
      author,
      committer,
    });
    expect(env.GIT_CONFIG_KEY_0).toBe('url.file:///srv/infra.git.insteadOf');
    expect(env.GIT_CONFIG_VALUE_0).toBe('https://github.com/acme/infra.git');
    expect(env.GIT_CONFIG_KEY_1).toBe('http.extraHeader');
    expect(env.GIT_CONFIG_VALUE_1).toBe(
      `Authorization: Basic ${Buffer.from(
        'x-access-token:ghp_secret_value',
      ).toString('base64')}`,
    );
    expect(env.GIT_CONFIG_KEY_2).toBe('commit.gpgSign');
    expect(env.GIT_CONFIG_COUNT).toBe('3');
    expect(env.PATH).toBe('/usr/bin');
    expect(env.GIT_TERMINAL_PROMPT).toBe('0');
    expect(env).toMatchObject({
      GIT_AUTHOR_NAME: 'Jane Doe',
      GIT_AUTHOR_EMAIL: 'jane@acme.example',
      GIT_COMMITTER_NAME: 'Slipway',
      GIT_COMMITTER_EMAIL: 'slipway@noreply',
    });
  });

  it('starts at 0 when there is no (or a nonsensical) count, and never puts the raw token anywhere', () => {
    for (const count of [undefined, 'abc', '-3']) {
      const env = gitEnvironment({
        base: { GIT_CONFIG_COUNT: count },
        credentials,
        author,
        committer,
      });
      expect(env.GIT_CONFIG_KEY_0).toBe('http.extraHeader');
      expect(JSON.stringify(env)).not.toContain('ghp_secret_value');
    }
  });

  it('drops variables that would make git prompt or run programs it does not need', () => {
    const env = gitEnvironment({
      base: {
        EDITOR: 'vim',
        PAGER: 'less',
        GIT_ASKPASS: '/usr/bin/askpass',
        SSH_ASKPASS: '/usr/bin/askpass',
        GIT_SSH_COMMAND: 'ssh -oProxyCommand=x',
        GIT_TEMPLATE_DIR: '/tmp/hooks',
        HOME: '/home/backstage',
      },
      author,
      committer,
    });
    for (const k of [
      'EDITOR',
      'PAGER',
      'GIT_ASKPASS',
      'SSH_ASKPASS',
      'GIT_SSH_COMMAND',
      'GIT_TEMPLATE_DIR',
    ]) {
      expect(env[k]).toBeUndefined();
    }
    expect(env.HOME).toBe('/home/backstage');
  });
});

describe('gitIdentity', () => {
  it('keeps a display name and a valid email', () => {
    expect(gitIdentity('Jane Doe', 'jane@acme.example')).toEqual(author);
  });

  it('strips what could forge an ident or add commit header lines', () => {
    expect(
      gitIdentity('Mallory <root@evil>\ncommitter Evil', 'not an email'),
    ).toEqual({
      name: 'Mallory root@evilcommitter Evil',
      email: 'mallory-root-evilcommitter-evil@users.noreply.slipway',
    });
  });

  it('falls back to Slipway', () => {
    expect(gitIdentity(undefined, undefined)).toEqual({
      name: 'Slipway',
      email: 'slipway@users.noreply.slipway',
    });
    expect(gitIdentity(' <> ', 'a@b')).toEqual({
      name: 'Slipway',
      email: 'a@b',
    });
  });
});

describe('scrubSecrets', () => {
  it('hides the token, the user:token pair and its base64 form', () => {
    const secrets = secretsOf(credentials);
    const basic = Buffer.from('x-access-token:ghp_secret_value').toString(
      'base64',
    );
    expect(
      scrubSecrets(
        `fatal: https://x-access-token:ghp_secret_value@github.com/ (Basic ${basic}) ghp_secret_value`,
        secrets,
      ),
    ).toBe('fatal: https://***@github.com/ (Basic ***) ***');
  });
});
