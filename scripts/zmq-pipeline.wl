(* A pipeline (30/PIPELINE): a ventilator Push hands tasks to workers in turn, each worker
   Pushes its result to a sink that Pulls from them all. *)
ventilator = SocketOpen[Automatic, {"ZMQ", "Push"}]
sink = SocketOpen[Automatic, {"ZMQ", "Pull"}]

(* two workers: each pulls tasks and pushes results *)
workers = Table[<|"tasks" -> SocketConnect[ventilator], "results" -> SocketConnect[sink, {"ZMQ", "Push"}]|>, 2];
Length[ventilator["Peers"]]
Length[sink["Peers"]]

(* the ventilator load-balances: tasks go to the workers in turn *)
WriteString[ventilator, ##] & @@ (ToString /@ Range[6])
got = Table[ByteArrayToString[SocketReadMessage[w["tasks"]]], {w, workers}, 3]

(* each worker squares its tasks and sends the results on *)
Do[WriteString[workers[[i, "results"]], ToString[ToExpression[t]^2]], {i, 2}, {t, got[[i]]}]
Sort[Table[ToExpression[ByteArrayToString[SocketReadMessage[sink]]], 6]]

(* a worker that goes away: the ventilator sends the rest to the one that is left *)
Close[workers[[2, "tasks"]]];
WriteString[ventilator, "7", "8"]
ByteArrayToString /@ {SocketReadMessage[workers[[1, "tasks"]]], SocketReadMessage[workers[[1, "tasks"]]]}

(* a connecting socket queues what it sends until its peer is there (up to ZMQ_SNDHWM); closed
   before that, it says what was lost *)
gone = SocketOpen[Automatic]; port = gone["DestinationPort"]; Close[gone];
early = SocketConnect[{"127.0.0.1", port}, {"ZMQ", "Push"}];
early["Peers"]
WriteString[early, "waiting"]
Close[early];
Close /@ {ventilator, sink, workers[[1, "tasks"]], workers[[1, "results"]], workers[[2, "results"]]};
