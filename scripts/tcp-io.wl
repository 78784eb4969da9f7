(* Reading and writing TCP sockets with the stream functions, as Wolfram has them. Both ends
   are in this session: a client, and the server's side of its connection. *)
server = SocketOpen[Automatic];
client = SocketConnect[server];
remote = First[server["ConnectedClients"]];

(* WriteString sends strings as they are and anything else in OutputForm, with no newline *)
WriteString[client, "x = ", 1/2, ", y = ", x^2, "\n"];
ReadLine[remote]
(* WriteLine adds the newline; ReadLine takes \n, \r\n or \r off *)
WriteLine[client, "first"]; WriteString[client, "second\r\nthird\n"];
{ReadLine[remote], ReadLine[remote], ReadLine[remote]}

(* Write sends InputForm text and a newline; Read reads an expression back and evaluates it *)
Write[client, {1, 2/3, "a string", f[x] + 1}];
Write[client, 1 + 1];
Read[remote]
Read[remote]

(* SocketReadMessage gives what has arrived, as a ByteArray *)
WriteString[remote, "héllo"];
msg = SocketReadMessage[client]
ByteArrayToString[msg]
(* "Blocking" -> False does not wait *)
SocketReadMessage[client, "Blocking" -> False]

(* ReadString maps bytes to characters one to one; ByteArrayToString decodes UTF-8 *)
WriteString[remote, "héllo"];
SocketReadyQ[client, 5];
ReadString[client, EndOfBuffer] // ToCharacterCode

(* terminators: a string, EndOfLine, EndOfBuffer, a byte count, a byte sequence *)
WriteString[client, "GET / HTTP/1.1\r\nHost: example\r\n\r\nrest of it"];
ReadString[remote, "\r\n"]
ReadString[remote, EndOfLine]
ReadString[remote, "\r\n"]
ReadByteArray[remote, 4]
ReadByteArray[remote, ByteArray[ToCharacterCode[" "]]] // ByteArrayToString
ReadString[remote, EndOfBuffer]
ReadString[remote, EndOfBuffer]

(* TimeConstraint returns what arrived in time *)
WriteString[client, "partial"];
ReadString[remote, "never", TimeConstraint -> 0.2]

(* SocketReadyQ says whether data waits; with a time, it waits up to that long *)
SocketReadyQ[client]
WriteString[remote, "ping"];
SocketReadyQ[client, 5]
SocketReadyQ[client, Quantity[1, "Seconds"]]
ReadString[client, EndOfBuffer]
SocketReadyQ[client, 0.05]

(* bytes: BinaryWrite takes a byte, a list of bytes, a string of characters up to 255, a ByteArray *)
BinaryWrite[client, 1]; BinaryWrite[client, {2, 3}]; BinaryWrite[client, "\.04"];
BinaryWrite[client, ByteArray[{5, 6}]];
BinaryReadList[remote, "Byte", 6]
(* and typed numbers, little-endian unless ByteOrdering -> 1 says otherwise *)
BinaryWrite[client, {1, -1, 65535}, "Integer32"];
BinaryWrite[client, 258, "UnsignedInteger16", ByteOrdering -> 1];
BinaryWrite[client, {0.5, 1/4}, "Real64"];
BinaryWrite[client, "A", "Character8"];
BinaryReadList[remote, "Integer32", 3]
BinaryRead[remote, "UnsignedInteger16", ByteOrdering -> 1]
BinaryReadList[remote, "Real64", 2]
BinaryRead[remote, "Character8"]
BinaryWrite[client, 2^64, "UnsignedInteger64"]
BinaryWrite[client, "☺"]

(* when the peer closes, reads give what is left and then EndOfFile, never a hang *)
WriteString[client, "last words"];
Close[client];
ReadString[remote]
ReadString[remote]
SocketReadMessage[remote]
ReadLine[remote]
BinaryRead[remote]
Close[server];
