import { createServer } from "node:http";

/**
 * The floor under start-up: plain Node answering GET /api/health with no database, no features and
 * no imports of ours. bench/startup.bench.ts starts it the same way as the server, so the difference
 * between the two is what our start-up adds.
 */
createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json" });
  res.end('{"ok":true}');
}).listen(Number(process.env.PORT), process.env.HOST ?? "127.0.0.1");
