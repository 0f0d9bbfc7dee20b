// Serves the bare repositories under a folder over Git's "dumb" HTTP protocol, read-only, on
// loopback: `./dev start` serves this repository's examples/ this way (development only), so the
// example entities' `slipway/repo` URL clones as it would from a Git host.
//
//   node scripts/examples-git-server.mjs <root folder> <port>
//
// Only files inside the root are served (GET and HEAD); nothing can be written.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [rootArg, portArg] = process.argv.slice(2);
if (!rootArg || !portArg) {
  console.error('usage: examples-git-server.mjs <root folder> <port>');
  process.exit(2);
}
const root = fs.realpathSync(rootArg);
const port = Number(portArg);

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  let file;
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (
    !file.startsWith(root + path.sep) ||
    !fs.existsSync(file) ||
    !fs.statSync(file).isFile()
  ) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  fs.createReadStream(file).pipe(res);
});

server.on('error', error => {
  console.error(`examples git server: ${error.message}`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`examples git server: http://127.0.0.1:${port}/ serves ${root}`);
});
// Read-only: nothing to finish on a signal.
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => process.exit(0));
