(* The SocketOpen page's web server, as the page writes it: open a port, wait for a browser to
   connect, write a generic HTTP response to every client, close the clients and the server.
   Run it with `socketrepl scripts/webserver.wl` and open http://127.0.0.1:18080/ in a browser
   within 30 seconds. *)
server = SocketOpen[18080]
server["ConnectedClients"]
Print["Open http://127.0.0.1:18080/ in a browser"]
(* a browser may open more than one connection; wait until one of them has sent a request *)
ready := Select[server["ConnectedClients"], SocketReadyQ];
n = 0; While[ready === {} && n < 300, Pause[0.1]; n++]
client = First[ready];
request = ReadString[client, "\r\n\r\n"];
First[StringSplit[request, "\r\n"]]
body = "<html><head><title>socketrepl</title></head><body><h1>Hello from socketrepl</h1></body></html>";
WriteString[#, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ",
  StringLength[body], "\r\nConnection: close\r\n\r\n", body] & /@ server["ConnectedClients"];
Close /@ server["ConnectedClients"];
server["ConnectedClients"]
Close[server]
