(* Request and reply (28/REQREP): a Request socket sends a request and reads its reply, in
   turn; a Reply socket reads a request and answers it. *)
server = SocketOpen[Automatic, {"ZMQ", "Reply"}]
client = SocketConnect[server]
client["Type"]
WriteString[client, "2 + 2"]
client["AwaitingReply"]
request = ByteArrayToString[SocketReadMessage[server]]
WriteString[server, ToString[ToExpression[request]]]
ByteArrayToString[SocketReadMessage[client]]

(* a little calculator server, three requests *)
ask[q_] := (WriteString[client, q]; WriteString[server, ToString[ToExpression[ByteArrayToString[SocketReadMessage[server]]]]]; ByteArrayToString[SocketReadMessage[client]])
ask /@ {"10!", "2^64", "Total[Range[100]]"}

(* a bound Request socket with two Reply peers sends its requests to them in turn *)
front = SocketOpen[Automatic, {"ZMQ", "Request"}];
workers = {SocketConnect[front], SocketConnect[front]};
Length[front["Peers"]]
Table[WriteString[front, "job " <> ToString[i]]; w = workers[[Mod[i - 1, 2] + 1]]; job = ByteArrayToString[SocketReadMessage[w]]; WriteString[w, "done: " <> job]; ByteArrayToString[SocketReadMessage[front]], {i, 4}]

(* a Dealer talks to Reply sockets without waiting for each answer: it adds the empty
   delimiter frame a Reply socket expects, itself *)
dealer = SocketConnect[server, {"ZMQ", "Dealer"}];
ZeroMQLink`ZMQSocketWriteMessage[dealer, {ByteArray[{}], StringToByteArray["first"]}]
ZeroMQLink`ZMQSocketWriteMessage[dealer, {ByteArray[{}], StringToByteArray["second"]}]
Table[r = ByteArrayToString[SocketReadMessage[server]]; WriteString[server, "re: " <> r]; r, 2]
Table[ByteArrayToString /@ SocketReadMessage[dealer, "Multipart" -> List], 2]
Close /@ Join[{server, client, front, dealer}, workers];
