(* Wolfram's SocketOpen page, its TCP examples. Ports the page fixes are fixed here too (high
   ones, unlikely to be taken); elsewhere Automatic picks a free port. *)

(* Basic Examples: open a TCP server socket, connect a client to it, close both *)
server = SocketOpen[18000]
client = SocketConnect[18000]
Close[client]; Close[server]

(* the clients a server has accepted are listed as SocketObjects; they are remote sockets *)
server = SocketOpen[Automatic];
client = SocketConnect[server];
server["ConnectedClients"]
Sockets["Remote"] === server["ConnectedClients"]
Sockets[] === {server, client}

(* write from the client, read on the server's side of the connection *)
WriteString[client, "hello from the client"]
remote = First[server["ConnectedClients"]];
ByteArrayToString[SocketReadMessage[remote]]
Close /@ {client, server}

(* Scope: every way to give the address *)
s1 = SocketOpen[{"127.0.0.1", 18002}]
s2 = SocketOpen[18003]
s3 = SocketOpen["127.0.0.1:18004"]
s4 = SocketOpen[{"localhost", Automatic}];
{s4["DestinationHostname"], s4["DestinationIPAddress"]}
s5 = SocketOpen[{IPAddress["127.0.0.1"], Automatic}];
s5["DestinationIPAddress"]
s6 = SocketOpen["tcp://127.0.0.1:18006", "TCP"]
s7 = SocketOpen[Automatic];
IntegerQ[s7["DestinationPort"]]
Close /@ {s1, s2, s3, s4, s5, s6, s7}

(* a port Automatic chose can be read back, and clients connect to it every way *)
server = SocketOpen[Automatic];
port = server["DestinationPort"];
c1 = SocketConnect[port];
c2 = SocketConnect[{"127.0.0.1", port}];
c3 = SocketConnect["127.0.0.1:" <> ToString[port]];
c4 = SocketConnect["tcp://localhost:" <> ToString[port]];
c5 = SocketConnect[URL["http://127.0.0.1:" <> ToString[port] <> "/index.html"]];
c6 = SocketConnect[server];
Length[server["ConnectedClients"]]
#["DestinationPort"] == port & /@ {c1, c2, c3, c4, c5, c6}
Close /@ {c1, c2, c3, c4, c5, c6};
server["ConnectedClients"]
Close[server]

(* Possible Issues: a TCP server socket is not written to itself; write to its clients *)
server = SocketOpen[Automatic];
client = SocketConnect[server];
WriteString[server, "hello"]
WriteString[#, "hello to every client"] & /@ server["ConnectedClients"];
ByteArrayToString[SocketReadMessage[client]]
Close /@ {client, server}
Sockets[All]
