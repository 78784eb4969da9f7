(* What ZeroMQ misuse gets: a message that says what happened and $Failed, never a hang. *)

(* names: an unknown type, an unknown protocol, options for a TCP socket *)
SocketOpen[Automatic, {"ZMQ", "Pusher"}]
SocketOpen[Automatic, "ZMQ_WHATEVER"]
SocketOpen[Automatic, "UDP"]
SocketOpen[Automatic, "TCP", "ZMQ_LINGER" -> 0]
SocketConnect[{"127.0.0.1", Automatic}, {"ZMQ", "Pull"}]

(* a type that cannot send, or cannot receive *)
push = SocketOpen[Automatic, {"ZMQ", "Push"}];
pull = SocketConnect[push];
SocketReadMessage[push]
WriteString[pull, "back"]
SocketReadMessage[pull, "Multipart" -> "yes"]
ZeroMQLink`ZMQSocketWriteMessage[push, {1, "two"}]

(* options: a name no socket has, one this type has not, a bad value *)
push["ZMQ_SPEED"] = 3
SetOptions[push, "ZMQ_SUBSCRIBE" -> "x"]
SetOptions[push, "ZMQ_SNDHWM" -> -5]
push["ZMQ_LINGER"] = "long"
push["ZMQ_CURVE_SERVER"]
Options[push, "ZMQ_SPEED"]

(* a read that waits longer than ZMQ_RCVTIMEO *)
pull["ZMQ_RCVTIMEO"] = 20;
SocketReadMessage[pull]

(* a bound Push with no peer: an asynchronous write says so at once; a waiting one says why,
   once, and stops when its time is up (or on Ctrl-C) *)
lonely = SocketOpen[Automatic, {"ZMQ", "Push"}];
ZeroMQLink`ZMQSocketWriteMessage[lonely, StringToByteArray["x"], "Asynchronous" -> True]
TimeConstrained[WriteString[lonely, "x"], 0.1]
TimeConstrained[WriteString[lonely, "x"], 0.1]
lonely["ZMQ_SNDTIMEO"] = 20;
WriteString[lonely, "x"]

(* Request and Reply take turns *)
req = SocketOpen[Automatic, {"ZMQ", "Request"}];
rep = SocketConnect[req];
SocketReadMessage[req]
WriteString[rep, "an answer to nothing"]
WriteString[req, "question 1"]
WriteString[req, "question 2"]
ByteArrayToString[SocketReadMessage[rep]]
WriteString[rep, "answer 1"]
ByteArrayToString[SocketReadMessage[req]]

(* a Subscribe socket with no subscription receives nothing: a hint says so, once *)
pub = SocketOpen[Automatic, {"ZMQ", "Publish"}];
sub = SocketConnect[pub, {"ZMQ", "Subscribe"}, "ZMQ_RCVTIMEO" -> 20];
WriteString[pub, "news"]
SocketReadMessage[sub]
SocketReadMessage[sub]
SocketReadMessage[pub]

(* a peer of a type that cannot talk to this one refuses the handshake: said once, with why *)
wrong = SocketConnect[{"127.0.0.1", pub["DestinationPort"]}, {"ZMQ", "Push"}];
WriteString[wrong, "lost?"]

(* closed sockets *)
Close[push]
Close[push]
WriteString[push, "x"]
SocketReadMessage[push]
push["ZMQ_LINGER"]
Close /@ {pull, lonely, req, rep, pub, sub, wrong};
Sockets["ZMQ"]
