(* Patterns, rules and definitions: how to take messages apart and react to them.
   Run it with: socketrepl --transcript scripts/patterns.wl *)

(* A message from a peer, as a list of frames: topic, then payload *)
msgs = {{"prices", "AAPL", 187.5}, {"news", "rates unchanged"}, {"prices", "MSFT", 410.1}, {"ping"}};

(* Definitions are tried most specific first *)
handle[{"prices", sym_String, px_?NumberQ}] := sym <> " at " <> ToString[px]
handle[{"news", text_}] := "news: " <> text
handle[{"ping"}] := "pong"
handle[other_] := "unknown: " <> ToString[other, InputForm]
handle /@ msgs
handle[{"weather", 12}]

(* Cases picks by shape; :> rewrites what it picks *)
Cases[msgs, {"prices", __}]
Cases[msgs, {"prices", s_, p_} :> s -> p]
Select[msgs, Length[#] > 2 &]
Count[msgs, {"ping"}]

(* Rules on whole structures *)
{"ping"} /. {"ping"} -> {"pong"}
msgs /. {"prices", s_, p_} :> {"prices", s, Round[p]}

(* Conditions: a definition applies only when its test holds *)
classify[x_ /; x > 400] := "high"
classify[x_ /; x > 200] := "middle"
classify[x_] := "low"
classify /@ {187.5, 250, 410.1}

(* Sequences of arguments *)
frames[first_, rest___] := {first, Length[{rest}]}
frames["topic", "a", "b", "c"]
frames["alone"]

(* Defaults *)
connect[host_, port_: 5555] := host <> ":" <> ToString[port]
{connect["127.0.0.1"], connect["127.0.0.1", 6000]}

(* MatchQ and Switch *)
MatchQ[{"prices", "AAPL", 187.5}, {_String, _String, _Real}]
Switch[Last[msgs], {"ping"}, "reply pong", _, "ignore"]

(* A redefinition with the same shape replaces the old one *)
handle[{"ping"}] := "PONG"
handle[{"ping"}]
