(* SocketListen: a handler runs on each piece of data that arrives. Handlers run at safe
   points only: inside Pause, inside blocking reads and waits, between inputs, and on a
   terminal while the prompt is idle; never in the middle of other evaluation. *)

(* an echo server in one line: #SourceSocket is the client that sent, and it is writable *)
echo = SocketListen[Automatic, WriteString[#SourceSocket, "echo: " <> #Data] &]
client = SocketConnect[echo["Socket"]];
WriteString[client, "hello"];
ByteArrayToString[SocketReadMessage[client]]

(* the listener's settings; each can be changed while it runs *)
echo["Socket"]
Keys[echo[]]

(* RecordSeparators cuts the stream into records; an unfinished one waits for its end *)
lines = {};
echo["RecordSeparators"] = "\n";
echo["HandlerFunctions"] = <|"DataReceived" -> (AppendTo[lines, #Data] &)|>;
WriteString[client, "one\ntwo\nthr"]; Pause[0.2]
lines
WriteString[client, "ee\n"]; Pause[0.2]
lines

(* ZeroMQ: one event per frame, and MultipartComplete says which frame ends its message *)
pull = SocketOpen[Automatic, {"ZMQ", "Pull"}];
push = SocketConnect[pull];
frames = {};
zl = SocketListen[pull, AppendTo[frames, {#Data, #MultipartComplete}] &, HandlerFunctionsKeys -> {"Data", "MultipartComplete"}];
ZeroMQLink`ZMQSocketWriteMessage[push, {"a", "b"}]; WriteString[push, "c"]; Pause[0.2]
frames

(* a busy loop is no safe point: the handler runs when the loop is done *)
log = {};
zl["HandlerFunctions"] = <|"DataReceived" -> (AppendTo[log, "handler"] &)|>;
WriteString[push, "x"]; Do[Null, {10^5}]; AppendTo[log, "loop done"]; Pause[0.1]; log

(* waiting for several sockets: SocketWaitNext gives those with data, {} after its time *)
echo["HandlerFunctions"] = <|"DataReceived" -> (WriteString[#SourceSocket, "echo: " <> #Data] &)|>;
c2 = SocketConnect[echo["Socket"]];
SocketWaitNext[{client, c2}, TimeConstraint -> 0.2]
WriteString[c2, "ping\n"];
SocketWaitNext[{client, c2}] === {c2}
ByteArrayToString[SocketReadMessage[c2]]
SocketWaitAll[{client, c2}, TimeConstraint -> 0.2] === {client, c2}

(* DeleteObject stops listening, and closes the server SocketListen opened itself *)
server = echo["Socket"];
DeleteObject[{echo, zl}]
MemberQ[Sockets[], server]
echo["Socket"]

(* bad calls *)
SocketListen[pull, HandlerFunctions -> <|"Closed" -> f|>]
SocketListen[pull, f, HandlerFunctionsKeys -> "Size"]
SocketListen[pull, f, RecordSeparators -> 0]
DeleteObject[echo]
SocketWaitNext[{1, 2}]
SocketWaitNext[{client}, "PollSomething"]
Close /@ {client, c2, pull, push};
