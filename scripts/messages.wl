(* What bad input gets: a message in Wolfram's Sym::tag form, and the session goes on.
   Every input below is a mistake; every one is followed by one that works. *)

(* A syntax error says where, with the line and a caret; the next input runs *)
f[1 +]
1 + 1

(* Wrong argument counts: the call stays unevaluated *)
Length[1, 2]
StringLength[]

(* A bad value in a well-formed call *)
{1, 2, 3}[[5]]
StringTake["abc", 10]

(* Unknown functions stay unevaluated; a near miss gets a hint *)
Lenght[{1, 2}]
myFunction[1]

(* Runaway recursion stops at $RecursionLimit with $Aborted *)
down[n_] := down[n + 1]
down[1]

(* The same message three times, then General::stop *)
Table[1/0, {5}]

(* Check and Quiet *)
Check[1/0, "caught"]
Quiet[1/0]

(* Throw without Catch, Break outside a loop *)
Throw[1]
Break[]

(* Protected symbols *)
Plus = 3

(* Your own messages *)
connect::refused = "Connection to `1` was refused.";
Message[connect::refused, "127.0.0.1:5555"]
"still here"
