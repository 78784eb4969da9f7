(* Router and Dealer: a Router reads each message with the routing id of the peer it came
   from in front, and sends a message to the peer whose id its first frame names. *)
router = SocketOpen[Automatic, {"ZMQ", "Router"}]
alice = SocketConnect[router, {"ZMQ", "Dealer"}, "ZMQ_IDENTITY" -> "alice"];
bob = SocketConnect[router, {"ZMQ", "Dealer"}, "ZMQ_ROUTING_ID" -> "bob"];
ByteArrayToString[alice["ZMQ_IDENTITY"]]

WriteString[alice, "hello from alice"]
WriteString[bob, "hello from bob"]
msgs = Table[SocketReadMessage[router, "Multipart" -> List], 2];
Sort[Map[ByteArrayToString, msgs, {2}]] (* the two arrive in either order *)

(* Wolfram's way to answer: the id frame with "Multipart" -> True, then the data *)
ZeroMQLink`ZMQSocketWriteMessage[router, StringToByteArray["bob"], "Multipart" -> True]
WriteString[router, "just for bob"]
ByteArrayToString[SocketReadMessage[bob]]
SocketReadyQ[alice]

(* or all frames in one call *)
ZeroMQLink`ZMQSocketWriteMessage[router, {"alice", "just for alice"}]
ByteArrayToString[SocketReadMessage[alice]]

(* a peer that announced no identity gets one the Router makes: a zero byte and four more *)
anon = SocketConnect[router, {"ZMQ", "Dealer"}];
WriteString[anon, "who am I?"]
{id, data} = SocketReadMessage[router, "Multipart" -> List];
{Length[id], First[Normal[id]], ByteArrayToString[data]}
ZeroMQLink`ZMQSocketWriteMessage[router, {id, StringToByteArray["you are " <> ToString[Length[id]] <> " bytes"]}]
ByteArrayToString[SocketReadMessage[anon]]

(* a message to an unknown id is dropped, as libzmq drops it; with ZMQ_ROUTER_MANDATORY set
   it is an error *)
ZeroMQLink`ZMQSocketWriteMessage[router, {"carol", "anyone?"}]
router["ZMQ_ROUTER_MANDATORY"] = 1;
ZeroMQLink`ZMQSocketWriteMessage[router, {"carol", "anyone?"}]
Close /@ {router, alice, bob, anon};
