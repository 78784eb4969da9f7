(* SocketTrace: what goes over the wire, as socat -v shows it, for TCP and ZeroMQ alike, and
   each socket's events on the same timeline. A trace line is the time, «the socket», ← for
   what it read or → for what it wrote, the peer, MORE or LAST for a frame of a multipart
   message, the size, and the first 32 bytes as text, or as hex when they are not text.
   Trace lines print where the session can stop for them: between inputs, and inside Pause
   and blocking reads (so this script pauses after traffic). Their times read HH:MM:SS.mmm
   here: transcripts mask them. *)

(* TCP: a traced server sees its client arrive, what it sends, the answer and its departure *)
srv = SocketOpen[Automatic];
SocketTrace[srv];
client = SocketConnect[srv];
WriteString[client, "GET / HTTP/1.0\r\n\r\n"]; Pause[0.5]
acc = First[srv["ConnectedClients"]];
WriteString[acc, "hi"]
ByteArrayToString[SocketReadMessage[client]]
BinaryWrite[client, Range[0, 40]]; Pause[0.5]
Close[client]; Pause[0.5]
SocketTrace[]

(* every socket keeps its last 100 events, traced or not: sock["Events"] is a list of
   associations with "Time", "Event", "Peer" and "Detail" *)
#Event & /@ srv["Events"]
KeyDrop[First[acc["Events"]], "Time"]
SocketTrace[srv, False];

(* ZeroMQ: the peer's arrival and its type, each frame of a message, an empty delimiter too *)
pull = SocketTrace[SocketOpen[Automatic, {"ZMQ", "Pull"}]];
push = SocketConnect[pull];
WriteString[push, "one"]; ZeroMQLink`ZMQSocketWriteMessage[push, {"id", "", ByteArray[{0, 255, 1}]}]; Pause[0.5]
SocketTrace[pull, False];

(* A Request socket whose server is gone and one whose peer is of the wrong type both wait
   for ever; their events say which is which. SocketTrace[All] traces the sockets made
   afterwards from their first event. *)
gone = SocketOpen[Automatic]; port = gone["DestinationPort"]; Close[gone];
SocketTrace[All]; dead = SocketConnect[{"127.0.0.1", port}, {"ZMQ", "Request"}]; Pause[0.5]; SocketTrace[All, False];
{#Event, #Detail} & /@ dead["Events"]
pub = SocketOpen[Automatic, {"ZMQ", "Publish"}];
wrong = SocketConnect[pub, {"ZMQ", "Request"}]; Pause[0.5]
{#Event, #Detail} & /@ wrong["Events"]
