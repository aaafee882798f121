// `npm start`: build the client and the server bundle (scripts/buildServer.mjs) when either is missing
// or older than its sources, then run the server as a child process and restart it whenever it dies (a crash, an out-of-memory kill), with a
// growing pause so a server that cannot start does not spin. SIGINT/SIGTERM to this process are
// passed on to the server and end the restarting; if this process itself is killed, the server
// notices its IPC channel close and stops too (server/lib/lifecycle.ts).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildServerWhenStale, newestMtime, SERVER_BUNDLE } from "./buildServer.mjs";

const root = new URL("..", import.meta.url).pathname;
const built = join(root, "client/dist/index.html");

const sources = Math.max(newestMtime(join(root, "client")), newestMtime(join(root, "shared")));
if (!existsSync(built) || statSync(built).mtimeMs < sources) {
  console.log("正在构建前端…");
  const result = spawnSync(process.execPath, [join(root, "node_modules/vite/bin/vite.js"), "build"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
if (await buildServerWhenStale()) console.log("已构建服务器");

/** Exit code of a bad configuration (server/main.ts): restarting cannot help, so don't. */
const CONFIG_ERROR = 2;
const FIRST_PAUSE_MS = 1_000;
const MAX_PAUSE_MS = 30_000;
/** A server that ran this long before dying counts as having worked: the pause starts small again. */
const STABLE_MS = 60_000;

let child;
let stopping = false;
let pause = FIRST_PAUSE_MS;
let restartTimer;

function runServer() {
  const startedAt = Date.now();
  child = spawn(process.execPath, [SERVER_BUNDLE], {
    cwd: root,
    stdio: ["inherit", "inherit", "inherit", "ipc"],
  });
  child.on("exit", (code, signal) => {
    child = undefined;
    if (stopping) process.exit(code ?? 0);
    if (code === CONFIG_ERROR) process.exit(CONFIG_ERROR);
    if (Date.now() - startedAt > STABLE_MS) pause = FIRST_PAUSE_MS;
    console.error(`服务器进程已退出（${signal ?? `代码 ${code}`}），${Math.round(pause / 1000)} 秒后重新启动`);
    restartTimer = setTimeout(runServer, pause);
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  });
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = true;
    clearTimeout(restartTimer);
    if (child) child.kill(signal);
    else process.exit(0);
  });
}

runServer();
