(* ZeroMQ as Wolfram's SocketOpen, SocketConnect, SocketObject and SocketReadMessage pages show
   it, and what a person experimenting with it looks at next: types, frames, options, peers.
   Ports come from Automatic; a bound socket says which in its summary. *)

(* a "ZMQ" socket is a Pair socket: one peer, messages both ways *)
server = SocketOpen[Automatic, "ZMQ"]
server["Type"]
client = SocketConnect[{server["DestinationIPAddress"], server["DestinationPort"]}, "ZMQ"]
WriteString[client, "hello from the client"]
SocketReadMessage[server]
ByteArrayToString[%]
WriteString[server, "hello from the server"];
ByteArrayToString[SocketReadMessage[client]]
Close /@ {server, client}

(* Push sends, Pull receives; SocketConnect[server] gives the complementary type *)
push = SocketOpen[{"127.0.0.1", Automatic}, {"ZMQ", "Push"}];
pull = SocketConnect[push]
pull["Type"]
{push["State"], pull["State"], Length[push["Peers"]]}
WriteString[push, "hello"]
ByteArrayToString[SocketReadMessage[pull]]

(* WriteString sends one message per expression, in OutputForm *)
WriteString[push, "first", "second", 3]
Table[ByteArrayToString[SocketReadMessage[pull]], 3]

(* Write sends the InputForm text, then a newline message; Read reads the expression back *)
Write[push, {1, 2, x^2}]
Read[pull]
Write[push, "text"]
InputForm[ByteArrayToString /@ {SocketReadMessage[pull], SocketReadMessage[pull]}]

(* frames: several in one call, or one at a time with "Multipart" -> True *)
ZeroMQLink`ZMQSocketWriteMessage[push, {"a", StringToByteArray["bc"], "def"}]
SocketReadMessage[pull, "Multipart" -> List]
ZeroMQLink`ZMQSocketWriteMessage[push, StringToByteArray["head "], "Multipart" -> True]
ZeroMQLink`ZMQSocketWriteMessage[push, StringToByteArray["tail"]]
ByteArrayToString[SocketReadMessage[pull]]
Needs["ZeroMQLink`"]
ZMQSocketWriteMessage[push, {"one", "two"}]
ByteArrayToString[SocketReadMessage[pull, "Multipart" -> False]]
pull["ZMQ_RCVMORE"]
ByteArrayToString[SocketReadMessage[pull, "Multipart" -> False]]
pull["ZMQ_RCVMORE"]

(* nothing waiting: SocketReadyQ says so, and waits when given a time *)
SocketReadyQ[pull]
SocketReadyQ[pull, 0.05]
BinaryWrite[push, {1, 2, 3}];
SocketReadyQ[pull, 1]
Normal[SocketReadMessage[pull]]

(* the types as Wolfram spells them: any case, short or long *)
#["Type"] & /@ (others = SocketOpen[Automatic, #] & /@ {"ZMQ_Pub", "zmq_subscribe", "ZMQ_REQUEST", {"ZMQ", "XPublish"}})
Length[Sockets[{"ZMQ", "Publish"}]]
Length[Sockets["ZMQ_PUB"]]
Length[Sockets["ZMQ"]]
Close /@ others;

(* options: sock["ZMQ_…"], Options, SetOptions; "Linger" is ZMQ_LINGER *)
push["ZMQ_LINGER"]
push["ZMQ_LINGER"] = 0
SetOptions[push, "Sndhwm" -> 10, "ZMQ_RCVTIMEO" -> 50]
{push["ZMQ_SNDHWM"], push["Rcvtimeo"], push["ZMQ_TYPE"]}
Options[pull, "ReconnectIvl"]
Keys[Options[pull]]
Close /@ {push, pull}
