(* JSON: the payload of most messages you will send and receive. "RawJSON" maps objects to
   associations; "JSON" maps them to lists of rules. *)

msg = <|"op" -> "subscribe", "topics" -> {"prices", "news"}, "depth" -> 10, "live" -> True|>;
ExportString[msg, "RawJSON", "Compact" -> True]
ExportString[msg, "RawJSON"]

back = ImportString["{\"op\": \"ack\", \"id\": 42, \"ok\": true, \"err\": null, \"rate\": 0.5}", "RawJSON"]
back["id"]
Keys[back]
ImportString["[1, [2, 3], {\"a\": \"b\"}]", "JSON"]

(* Round trip through bytes, as it crosses a socket *)
wire = StringToByteArray[ExportString[msg, "RawJSON", "Compact" -> True]];
ImportString[ByteArrayToString[wire], "RawJSON"] === msg

(* Malformed JSON gets a message and $Failed *)
ImportString["{\"a\": [1, 2}", "RawJSON"]
