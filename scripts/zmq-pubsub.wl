(* Publish and subscribe (29/PUBSUB): a Subscribe socket gets the messages whose start matches
   one of its subscriptions; it starts with none, as in libzmq. *)
pub = SocketOpen[Automatic, {"ZMQ", "Publish"}]
weather = SocketConnect[pub]
everything = SocketConnect[pub, {"ZMQ", "Subscribe"}, "ZMQ_SUBSCRIBE" -> All];

(* subscribe by prefix: a string, a ByteArray or a list of bytes *)
SetOptions[weather, "ZMQ_SUBSCRIBE" -> "weather"]
weather["ZMQ_SUBSCRIBE"] = {115, 112}; (* "sp" *)
WriteString[pub, "weather: sunny", "news: none", "sports: 3-1", "weather: rain"]
Table[ByteArrayToString[SocketReadMessage[everything]], 4]
Table[ByteArrayToString[SocketReadMessage[weather]], 3]
SocketReadyQ[weather]

(* the filter looks at the first frame of a message *)
ZeroMQLink`ZMQSocketWriteMessage[pub, {"weather", "hail"}]
ByteArrayToString /@ SocketReadMessage[weather, "Multipart" -> List]
ByteArrayToString[SocketReadMessage[everything]]

(* unsubscribing ends it *)
weather["ZMQ_UNSUBSCRIBE"] = "weather";
WriteString[pub, "weather: fog", "sports: 0-0"]
ByteArrayToString[SocketReadMessage[weather]]
SocketReadyQ[weather]

(* a Publish socket never waits: with no subscriber a message is simply not sent *)
lonely = SocketOpen[Automatic, {"ZMQ", "Publish"}];
WriteString[lonely, "anyone?"]

(* XPublish sees the subscriptions: a byte 1 (or 0 to unsubscribe), then the prefix; an
   XSubscribe socket subscribes by sending such messages *)
xpub = SocketOpen[Automatic, {"ZMQ", "XPublish"}];
xsub = SocketConnect[xpub];
xsub["Type"]
BinaryWrite[xsub, Join[{1}, ToCharacterCode["temp"]]]
Normal[SocketReadMessage[xpub]]
WriteString[xpub, "temp 21", "wind 5"]
ByteArrayToString[SocketReadMessage[xsub]]
SocketReadyQ[xsub]
Close /@ {pub, weather, everything, lonely, xpub, xsub};
