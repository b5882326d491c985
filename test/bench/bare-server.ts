/**
 * The bare baseline: a Node HTTP server that answers every POST with a fixed JSON payload of the size
 * given in argv, with keep-alive. Any scenario's ratio to it shows what our stack costs above raw Node.
 */
import http from 'node:http';

const size = Number(process.argv[2] ?? 1000);
const port = Number(process.argv[3] ?? 0);
const payload = JSON.stringify({ data: { blob: 'x'.repeat(Math.max(0, size - 22)) } });
const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.end('ok');
    return;
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    res.end(payload);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
