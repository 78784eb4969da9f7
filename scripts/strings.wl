(* Strings and text protocols: building and taking apart the lines that cross a socket. *)

request = "GET /hello?name=zmq HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n";
{head} = StringSplit[request, "\r\n\r\n"];
lines = StringSplit[head, "\r\n"]
First[lines]
{method, path, version} = StringSplit[First[lines], " "];
path
StringTake[path, {2, 6}]
StringContainsQ[request, "Host:"]
StringStartsQ[request, "GET"]

(* Headers into an association *)
headers = Association[Rule @@@ (StringSplit[#, ": "] & /@ Rest[lines])]
headers["Host"]

(* A response, as a web server writes it *)
body = "<h1>Hello from socketrepl</h1>";
response = StringJoin["HTTP/1.1 200 OK\r\n", "Content-Type: text/html\r\n",
  "Content-Length: ", ToString[StringLength[body]], "\r\n\r\n", body];
StringLength[response]
StringReplace["a-b-c", "-" -> "+"]
ToString[{1, "two"}, InputForm]
ToExpression["1 + 2"]
IntegerString[255, 16]
IntegerString[7, 2, 8]
FromCharacterCode[{104, 105}]
ToCharacterCode["hi"]
StringRiffle[{"a", "b", "c"}, ","]
StringRepeat["ab", 3]
StringTrim["  padded  "]
DateString[]
DateString[Now, "ISODateTime"]
