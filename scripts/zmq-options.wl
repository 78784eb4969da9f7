(* ZeroMQ socket options, what each one changes. *)

(* ZMQ_SNDHWM: a connecting socket queues messages for its absent peer up to the high-water
   mark; past it a write waits, or with "Asynchronous" -> True is refused at once *)
gone = SocketOpen[Automatic]; port = gone["DestinationPort"]; Close[gone];
push = SocketConnect[{"127.0.0.1", port}, {"ZMQ", "Push"}, "ZMQ_SNDHWM" -> 2];
WriteString[push, "one", "two"]
ZeroMQLink`ZMQSocketWriteMessage[push, StringToByteArray["three"], "Asynchronous" -> True]

(* the peer comes: what was queued goes to it *)
pull = SocketOpen[{"127.0.0.1", port}, {"ZMQ", "Pull"}];
ByteArrayToString /@ {SocketReadMessage[pull], SocketReadMessage[pull]}
Close /@ {push, pull};

(* ZMQ_IMMEDIATE: queue nothing for a peer whose connection is not made *)
imm = SocketConnect[{"127.0.0.1", port}, {"ZMQ", "Push"}, "ZMQ_IMMEDIATE" -> 1];
ZeroMQLink`ZMQSocketWriteMessage[imm, StringToByteArray["now or never"], "Asynchronous" -> True]
Close[imm];

(* ZMQ_XPUB_VERBOSE: an XPublish socket passes every subscription up, not only new ones *)
xpub = SocketOpen[Automatic, {"ZMQ", "XPublish"}, "ZMQ_XPUB_VERBOSE" -> 1];
s1 = SocketConnect[xpub, {"ZMQ", "Subscribe"}, "ZMQ_SUBSCRIBE" -> "a"];
s2 = SocketConnect[xpub, {"ZMQ", "Subscribe"}, "ZMQ_SUBSCRIBE" -> "a"];
Normal /@ {SocketReadMessage[xpub], SocketReadMessage[xpub]}

(* ZMQ_LINGER: how long Close lets queued messages go out; 0 drops them at once *)
late = SocketConnect[{"127.0.0.1", port}, {"ZMQ", "Push"}, "ZMQ_LINGER" -> 0];
WriteString[late, "never sent"]
Close[late]
Close /@ {xpub, s1, s2};

(* ZMQ_HEARTBEAT_IVL: send a PING that often and drop a peer that answers nothing within
   ZMQ_HEARTBEAT_TIMEOUT (-1: the interval). Here the peer is a plain TCP client that does
   the ZeroMQ handshake by hand (a greeting, then READY as a PUSH) and then goes silent. *)
hb = SocketOpen[Automatic, {"ZMQ", "Pull"}, "ZMQ_HEARTBEAT_IVL" -> 100, "ZMQ_HEARTBEAT_TIMEOUT" -> 300];
{hb["ZMQ_HEARTBEAT_IVL"], hb["ZMQ_HEARTBEAT_TIMEOUT"], hb["ZMQ_HEARTBEAT_TTL"]}
greeting = Join[{255, 0, 0, 0, 0, 0, 0, 0, 1, 127, 3, 0}, ToCharacterCode["NULL"], ConstantArray[0, 48]];
ready = Join[{4, 26, 5}, ToCharacterCode["READY"], {11}, ToCharacterCode["Socket-Type"], {0, 0, 0, 4}, ToCharacterCode["PUSH"]];
silent = SocketConnect[hb["DestinationPort"]];
BinaryWrite[silent, ByteArray[Join[greeting, ready]]];
TimeConstrained[While[hb["Peers"] === {}, Pause[0.01]], 5];
Length[hb["Peers"]]
TimeConstrained[While[hb["Peers"] =!= {}, Pause[0.01]], 5];
hb["Peers"]

(* ZMQ_HEARTBEAT_TTL asks the peer to drop us when it hears nothing from us for that long;
   a PING carries it in tenths of a second *)
hb["ZMQ_HEARTBEAT_TTL"] = 250;
hb["ZMQ_HEARTBEAT_TTL"]
hb["ZMQ_HEARTBEAT_TTL"] = -5
Close /@ {hb, silent};
