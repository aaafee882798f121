// bare Socket.IO broadcast server: no auth, no parsing, no database (for comparing with the bare ws relay)
import { createServer } from "node:http";
import { Server } from "socket.io";
const http = createServer();
const io = new Server(http, { serveClient: false });
io.on("connection", (s) => {
  s.join("room");
  s.on("msg", (m) => io.to("room").emit("forum:slide", m));
});
http.listen(0, "127.0.0.1", () => process.send({ url: `http://127.0.0.1:${http.address().port}` }));
process.on("message", (m) => { if (m === "cpu") process.send({ cpu: process.cpuUsage() }); if (m === "stop") process.exit(0); });
