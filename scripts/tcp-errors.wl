(* What bad input gets: a message naming the function and the cause, $Failed, and the
   session goes on. *)

(* a port in use *)
server = SocketOpen[Automatic];
SocketOpen[server["DestinationPort"]]
(* ports out of range or not integers *)
SocketOpen[70000]
SocketOpen[-1]
SocketOpen[{"127.0.0.1", 1.5}]
SocketConnect["127.0.0.1:99999"]
(* an unknown service name; a known one is fine *)
SocketConnect[{"127.0.0.1", "no-such-service"}]
(* malformed addresses *)
SocketOpen["127.0.0.1"]
SocketOpen[{"bad host name", 80}]
SocketOpen["::1:8000"]
SocketConnect[IPAddress["127.0.0.1"]]
SocketConnect[{"127.0.0.1", Automatic}]
SocketOpen[{1, 2, 3}]
(* transports and protocols this runtime does not have *)
SocketOpen["ipc:///tmp/socket"]
SocketOpen[Automatic, "UDP"]
(* SocketOpen opens local addresses only; nothing is bound *)
SocketOpen[{"192.0.2.1", 8000}]
(* a host name that does not resolve *)
SocketConnect["no-such-host.invalid:80"]
(* nothing listens: the connection is refused *)
free = SocketOpen[Automatic]; port = free["DestinationPort"]; Close[free];
SocketConnect[port]
(* a SocketObject that does not exist, and operations on a closed socket *)
SocketObject["00000000-0000-0000-0000-000000000000"]["UUID"]
WriteString[SocketObject["00000000-0000-0000-0000-000000000000"], "x"]
client = SocketConnect[server];
Close[client];
WriteString[client, "x"]
SocketReadMessage[client]
ReadString[client]
client["DestinationPort"]
Close[client]
(* properties that do not exist, and ConnectedClients on a client *)
client = SocketConnect[server];
client["Colour"]
client["ConnectedClients"]
(* a server socket is not read, written or polled itself *)
SocketReadMessage[server]
ReadString[server]
SocketReadyQ[server]
(* bad options and arguments *)
SocketReadyQ[client, -1]
SocketReadMessage[client, "Multipart" -> 2]
ReadString[client, 42]
BinaryWrite[client, 1, "Integer7"]
BinaryWrite[client, 1, "Integer8", ByteOrdering -> 2]
WriteString[42, "x"]
SocketOpen[]
SocketConnect[1, 2, 3]
(* the session goes on *)
Close /@ {client, server}
