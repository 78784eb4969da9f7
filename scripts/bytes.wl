(* Bytes: every socket function reads and writes ByteArrays. This script shows how to build
   them, look inside them and turn them into text and back. *)

ba = ByteArray[{104, 101, 108, 108, 111}]
Length[ba]
Normal[ba]
ba[[1]]
ba[[2 ;; 3]]
ByteArrayToString[ba]

(* Text goes out as UTF-8 by default; é is two bytes *)
StringToByteArray["héllo"]
Normal[%]
ByteArrayToString[StringToByteArray["héllo"]]
StringToByteArray["héllo", "ISO8859-1"] // Normal

(* A byte that is not valid UTF-8 comes back as the character with that code, as Wolfram does *)
ByteArrayToString[ByteArray[{72, 105, 162}]]

(* InputForm shows the bytes as base64, and typing that back gives the same array *)
InputForm[ba]
ByteArray["aGVsbG8="] === ba
BaseEncode[ba]
BaseDecode["aGVsbG8="] // Normal

(* Joining frames, as a multipart message arrives *)
Join[StringToByteArray["head:"], StringToByteArray["body"]] // ByteArrayToString

(* Bad bytes get a message *)
ByteArray[{1, 300}]
