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
