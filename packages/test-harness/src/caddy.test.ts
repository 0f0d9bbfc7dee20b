import http from 'node:http';
import { AddressInfo } from 'node:net';
import { CaddyServer, startCaddy } from './caddy';
import { freePort, run, waitFor } from './exec';
import { getHarness } from './harness';

/** A tiny upstream on loopback that answers every request with its name. */
async function startUpstream(name: string): Promise<{
  server: http.Server;
  dial: string;
}> {
  const server = http.createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end(name);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    dial: `127.0.0.1:${(server.address() as AddressInfo).port}`,
  };
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise(resolve => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

class ReusedConnectionClosed extends Error {}

function get(port: number, agent: http.Agent | false): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port, path: '/', agent, timeout: 5000 },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', chunk => chunks.push(chunk));
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) {
            reject(new Error(`${response.statusCode}: ${body}`));
          } else {
            resolve(body);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', error => {
      const closed =
        request.reusedSocket &&
        (error as NodeJS.ErrnoException).code === 'ECONNRESET';
      reject(closed ? new ReusedConnectionClosed(String(error)) : error);
    });
  });
}

/**
 * A client that requests `/` until told to stop (or a bound is reached), recording every
 * answer. Like browsers, curl and Go's client (RFC 9110 9.2.2), it sends a GET again once when
 * the server closed a kept-alive connection before answering: every Caddy config change is a
 * reload, and the reload closes idle client connections.
 */
function requestLoop(port: number, agent: http.Agent | false, max = 5000) {
  const bodies: string[] = [];
  const failures: string[] = [];
  let retries = 0;
  let stopping = false;
  const done = (async () => {
    for (let i = 0; i < max && !stopping; i++) {
      try {
        bodies.push(await get(port, agent));
      } catch (error) {
        if (!(error instanceof ReusedConnectionClosed)) {
          failures.push(`request ${i}: ${String(error)}`);
          continue;
        }
        retries += 1;
        try {
          bodies.push(await get(port, agent));
        } catch (again) {
          failures.push(`request ${i}, sent again: ${String(again)}`);
        }
      }
    }
  })();
  return {
    bodies,
    failures,
    retries: () => retries,
    stop: async () => {
      stopping = true;
      await done;
    },
  };
}

describe('startCaddy', () => {
  const harness = getHarness();
  let caddy: CaddyServer;

  beforeAll(async () => {
    caddy = await startCaddy(harness.dir);
  });
  afterAll(async () => {
    await caddy?.stop();
  });

  it('routes through a config loaded over the admin socket and switches upstreams with no failed request', async () => {
    const blue = await startUpstream('blue');
    const green = await startUpstream('green');
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const port = await freePort();
      await caddy.load({
        apps: {
          http: {
            servers: {
              app: {
                listen: [`127.0.0.1:${port}`],
                automatic_https: { disable: true },
                routes: [
                  {
                    handle: [
                      {
                        '@id': 'app-proxy',
                        handler: 'reverse_proxy',
                        upstreams: [{ dial: blue.dial }],
                        // Caddy retries a request whose upstream does not answer, which
                        // covers the moment an old upstream goes away.
                        load_balancing: { try_duration: '5s' },
                      },
                    ],
                  },
                ],
              },
            },
          },
        },
      });
      expect(await get(port, false)).toBe('blue');

      // Two clients: one reuses its connection (as browsers do), one opens a new one each time.
      const loops = [requestLoop(port, keepAlive), requestLoop(port, false)];
      await waitFor(
        'requests through blue',
        async () =>
          loops.every(l => l.bodies.length >= 20) ? true : undefined,
        20_000,
        20,
      );
      await caddy.api('PATCH', '/id/app-proxy/upstreams', [
        { dial: green.dial },
      ]);
      const afterSwitch = loops.map(l => l.bodies.length);
      await waitFor(
        'requests through green',
        async () =>
          loops.every((l, i) => l.bodies.length >= afterSwitch[i] + 20)
            ? true
            : undefined,
        20_000,
        20,
      );
      // The old upstream goes away while the loops run: nothing reaches it any more.
      await closeServer(blue.server);
      const afterStop = loops.map(l => l.bodies.length);
      await waitFor(
        'requests after blue stopped',
        async () =>
          loops.every((l, i) => l.bodies.length >= afterStop[i] + 20)
            ? true
            : undefined,
        20_000,
        20,
      );
      for (const loop of loops) await loop.stop();

      for (const [i, loop] of loops.entries()) {
        expect(loop.failures).toEqual([]);
        // One reload (the PATCH) closes at most the one kept-alive connection.
        expect(loop.retries()).toBeLessThanOrEqual(1);
        expect(loop.bodies.slice(0, 20)).toEqual(Array(20).fill('blue'));
        // Only the two versions answered, blue then green, never blue again after green.
        expect(loop.bodies.join(',')).toMatch(/^blue(,blue)*(,green)+$/);
        // The request in flight when the PATCH answered may finish on blue (the old config
        // drains); every one sent after it goes to green.
        expect(new Set(loop.bodies.slice(afterSwitch[i] + 1))).toEqual(
          new Set(['green']),
        );
      }
      expect(
        await caddy.getConfig(
          'apps/http/servers/app/routes/0/handle/0/upstreams',
        ),
      ).toEqual([{ dial: green.dial }]);
    } finally {
      keepAlive.destroy();
      await closeServer(blue.server);
      await closeServer(green.server);
    }
  }, 120_000);

  it('serves a `tls internal` site that curl verifies against Caddy’s root CA, and redirects HTTP', async () => {
    const host = 'app.slipway.test';
    await caddy.load({
      apps: {
        http: {
          servers: {
            site: {
              listen: [`127.0.0.1:${caddy.httpsPort}`],
              routes: [
                {
                  match: [{ host: [host] }],
                  handle: [{ handler: 'static_response', body: 'secure' }],
                  terminal: true,
                },
              ],
            },
          },
        },
        tls: {
          automation: {
            policies: [{ subjects: [host], issuers: [{ module: 'internal' }] }],
          },
        },
      },
    });
    const resolve = (port: number) => [
      '--resolve',
      `${host}:${port}:127.0.0.1`,
    ];
    const httpsUrl = `https://${host}:${caddy.httpsPort}/`;
    // /load answers before the certificate is issued: wait until the site is served with it.
    const body = await waitFor(
      'the site served with a certificate of Caddy’s CA',
      () =>
        run('curl', [
          '-sS',
          '--fail',
          '--max-time',
          '5',
          ...resolve(caddy.httpsPort),
          '--cacert',
          caddy.rootCertificate,
          httpsUrl,
        ]),
      30_000,
      100,
    );
    expect(body).toBe('secure');
    expect(caddy.rootCertificate.startsWith(caddy.dataDir)).toBe(true);

    // With only the system's roots it does not verify: the check above is a real one, and
    // Caddy did not add its root to the machine's trust store.
    await expect(
      run('curl', [
        '-sS',
        '--max-time',
        '5',
        ...resolve(caddy.httpsPort),
        httpsUrl,
      ]),
    ).rejects.toThrow(/certificate/i);

    const redirect = await run('curl', [
      '-sS',
      '--max-time',
      '5',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{redirect_url}',
      ...resolve(caddy.httpPort),
      `http://${host}:${caddy.httpPort}/path`,
    ]);
    expect(redirect).toMatch(
      new RegExp(`^308 https://${host.replace(/\./g, '\\.')}(:\\d+)?/path$`),
    );
  }, 120_000);
});
