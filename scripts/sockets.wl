(* Wolfram's Sockets page, and the page's TCP "Possible Issues": a session's own sockets, the
   remote ones its servers accepted, and the filters. *)

(* Basic Examples: open a socket and show all active sockets *)
server = SocketOpen[Automatic];
Sockets[]
Close[server];
Sockets[]

(* Scope: see only local sockets, or only servers, clients, TCP or ZMQ sockets *)
server = SocketOpen[Automatic];
client = SocketConnect[server];
Sockets["Local"] === Sockets[] === {server, client}
Sockets["Server"] === {server}
Sockets["Client"] === {client}
Sockets["TCP"] === {server, client}
Sockets["ZMQ"]
Sockets["Socket"]

(* Possible Issues: the client from SocketConnect and the socket in "ConnectedClients" are
   the two ends of one connection, with different UUIDs *)
remote = First[server["ConnectedClients"]];
remote === client
Sockets["Remote"] === {remote}
Sockets[All] === {server, client, remote}
{client["SourcePort"] == remote["DestinationPort"], client["DestinationPort"] == remote["SourcePort"]}

(* writing to one end delivers to the other *)
WriteString[remote, "from the server's side"];
ByteArrayToString[SocketReadMessage[client]]
WriteString[client, "from the client"];
ByteArrayToString[SocketReadMessage[remote]]

(* closing the server disconnects its remote client: it leaves the lists, and the client
   reads the end of the stream *)
Close[server];
Sockets["Remote"]
Sockets[All] === {client}
SocketReadMessage[client]
remote["DestinationPort"] == client["SourcePort"]
WriteString[remote, "too late"]
Close[remote]
Close[client];
Sockets[All]
