(* A Stream socket talks to plain TCP peers (a browser, curl, Python's socket): each read is
   {id, data}; a peer's arrival reads as {id, ByteArray[{}]}; writing {id, data} answers it and
   {id, ByteArray[{}]} closes its connection. Here it serves one HTTP request. *)
http = SocketOpen[Automatic, {"ZMQ", "Stream"}]
browser = SocketConnect[http]
{id, hello} = SocketReadMessage[http, "Multipart" -> List];
{Length[id], hello}
WriteString[browser, "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n"]
{from, request} = SocketReadMessage[http, "Multipart" -> List];
from === id
First[StringSplit[ByteArrayToString[request], "\r\n"]]
body = "<h1>Hello from a Stream socket</h1>";
reply = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " <> ToString[StringLength[body]] <> "\r\n\r\n" <> body;
ZeroMQLink`ZMQSocketWriteMessage[http, {id, StringToByteArray[reply]}]
ZeroMQLink`ZMQSocketWriteMessage[http, {id, ByteArray[{}]}]
StringSplit[ReadString[browser], "\r\n"]

(* the peer's departure reads as {id, ByteArray[{}]} too *)
{gone, empty} = SocketReadMessage[http, "Multipart" -> List];
{gone === id, empty}
Close /@ {http, browser};
