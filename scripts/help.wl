(* Help: ?Name gives a function's usage, ??Name adds its attributes and options, and ?Pattern*
   lists the names that match. A line that begins with ? asks, as in Wolfram's text-mode kernel.
   In a terminal, Tab completes names, socket properties, ZeroMQ types and option names. *)

?WriteString
??SocketReadMessage
??ReadString

(* * is any characters, @ any characters but capital letters *)
?Socket*
?Socket@
?*ByteArray*

(* Information is the same as a function; LongForm -> False is what ? asks *)
Information["SocketOpen", LongForm -> False]

(* Symbols of your own show their definitions, in the order they are tried, and a usage if you
   give them one *)
square[x_] := x^2
square[0] = 0
?square
checksum::usage = "checksum[bytes] adds the bytes up, modulo 256.";
checksum[b_ByteArray] := Mod[Total[Normal[b]], 256]
?checksum
??checksum

(* ??name of a ByteArray shows its first bytes: offsets, hex, and the text they spell *)
request = StringToByteArray["GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"]
??request
big = ByteArray[Table[Mod[i, 256], {i, 0, 299}]];
??big

(* ??sock: a socket's live state — its clients or peers, what waits, its last events *)
srv = SocketOpen[Automatic];
??srv
Close[srv];

(* A name nobody defined *)
?NoSuchFunction
?NoSuch*
