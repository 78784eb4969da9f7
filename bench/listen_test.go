package bench

import "testing"

// The SocketListen benchmark of the live-sessions issue: a libzmq PUSH (bench/zmqpeer) sends
// 64-byte messages to a PULL whose SocketListen handler counts them, in a socketrepl session
// (the built binary, -e), against a pyzmq PULL counting them in a Python loop; each receiver
// times its first message to its last. Both do the same work: the Python side takes its first
// message before its loop starts the clock, and socketrepl's first handler starts the clock and
// hands over to the counting handler, count++ & (a pure function without slots gets no event
// association: it reads none).
//
//	go test ./bench -run '^$' -bench Listen -benchtime 5x -v
//
// ZMQBENCH_LISTEN_MSGS changes the count (1,000,000).

// listenSide is socketrepl's PULL: it binds, says its port, counts in a handler while it
// pauses, and prints the time as zmqpeer and the pyzmq side do ("port P", then "ns T").
func listenSide(b *testing.B) side {
	bin := buildBinary(b)
	const code = `
pull = SocketOpen[{"127.0.0.1", Automatic}, {"ZMQ", "Pull"}];
Print["port ", pull["DestinationPort"]];
count = 0;
l = SocketListen[pull, (t0 = AbsoluteTime[]; count = 1;
  l["HandlerFunctions"] = <|"DataReceived" -> (count++ &)|>) &];
While[count < n, Pause[0.0001]];
Print["ns ", Round[(AbsoluteTime[] - t0) 10^9]]`
	// the count is the fourth argument: sh puts it before the code, which has no single quote
	return side{"socketrepl-listen", []string{"/bin/sh", "-c", `exec "$0" -e "n = $4;"'` + code + `'`, bin}}
}

// BenchmarkListenZMQ: ratio is the handler's rate over pyzmq's (goal: at least 1.0).
func BenchmarkListenZMQ(b *testing.B) {
	l, py, c := listenSide(b), pySide(b), cSide(b)
	n := envInt("ZMQBENCH_LISTEN_MSGS", 1_000_000)
	times := runPairs(b, []pair{{"socketrepl-listen", l, c}, {"pyzmq", py, c}}, "pull", "push", n, 64)
	rate := map[string]float64{}
	for name, ts := range times {
		rate[name] = float64(n) / median(ts).Seconds() / 1e6
		b.Logf("%-18s %d × 64 B from libzmq: %6.3f M msg/s (median of %d)", name, n, rate[name], len(ts))
		b.ReportMetric(rate[name], name+"-Mmsg/s")
	}
	b.ReportMetric(rate["socketrepl-listen"]/rate["pyzmq"], "ratio")
}
