package bench

// The whole-path benchmarks of issue 7: what a user types in the REPL, run by the built binary
// (-e, the same evaluator as the prompt), against pyzmq doing the same work in a Python loop and
// a libzmq C peer (bench/zmqpeer) on the other end, the pairs alternating in one run.
//
//	go test ./bench -run '^$' -bench REPL -benchtime 5x -v
//
// ZMQBENCH_MSGS and ZMQBENCH_TRIPS change the message and round-trip counts (10^6, 10^4).

import (
	"bufio"
	"context"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/internal/peertest"
)

// replCode is the REPL's side of a pair, with the same arguments as zmqpeer and the pyzmq
// script (mode, how, addr, n, size as variables): what a user would type for each figure. The
// receiving and round-trip sides time themselves as the others do: the clock starts after the
// first message or trip, and "ns T" is printed at the end.
const replCode = `
msg = StringRepeat["x", size];
Switch[mode,
 "push",
  push = SocketConnect[addr, {"ZMQ", "Push"}];
  Do[WriteString[push, msg], {n}];
  Close[push];,
 "pull",
  pull = SocketOpen[{"127.0.0.1", Automatic}, {"ZMQ", "Pull"}];
  Print["port ", pull["DestinationPort"]];
  SocketReadMessage[pull];
  t0 = AbsoluteTime[];
  Do[SocketReadMessage[pull], {n - 1}];
  Print["ns ", Round[(AbsoluteTime[] - t0) 10^9]],
 "req",
  req = SocketConnect[addr, {"ZMQ", "Req"}];
  WriteString[req, msg]; SocketReadMessage[req];
  t0 = AbsoluteTime[];
  Do[WriteString[req, msg]; SocketReadMessage[req], {n}];
  Print["ns ", Round[(AbsoluteTime[] - t0) 10^9]]]`

// replSide runs replCode in the built binary; the arguments become its variables.
func replSide(b *testing.B) side {
	bin := buildBinary(b)
	// sh puts the arguments before the code, which has no single quote
	vars := `mode = \"$1\"; how = \"$2\"; addr = \"$3\"; n = $4; size = $5;`
	return side{"socketrepl", []string{"/bin/sh", "-c", `exec "$0" -e "` + vars + `"'` + replCode + `'`, bin}}
}

// rates runs the pairs and reports each one's median rate in M msg/s, and the ratio of the
// first over the second.
func rates(b *testing.B, pairs []pair, toMode, fromMode string) {
	n := envInt("ZMQBENCH_MSGS", 1_000_000)
	times := runPairs(b, pairs, toMode, fromMode, n, 64)
	r := map[string]float64{}
	for _, p := range pairs {
		r[p.name] = float64(n) / median(times[p.name]).Seconds() / 1e6
		b.Logf("%-12s %d × 64 B: %6.3f M msg/s (median of %d)", p.name, n, r[p.name], len(times[p.name]))
		b.ReportMetric(r[p.name], p.name+"-Mmsg/s")
	}
	b.ReportMetric(r[pairs[0].name]/r[pairs[1].name], "ratio")
}

// BenchmarkREPLSend: Do[WriteString[push, msg], {10^6}] typed in the REPL, to a libzmq PULL in
// another process (which times first message to last), against a pyzmq send loop (goal: ratio
// at least 1.0).
func BenchmarkREPLSend(b *testing.B) {
	repl, py, c := replSide(b), pySide(b), cSide(b)
	rates(b, []pair{{"socketrepl", c, repl}, {"pyzmq", c, py}}, "pull", "push")
}

// BenchmarkREPLRecv: Do[SocketReadMessage[pull], {10^6}] from a libzmq PUSH, against a pyzmq
// recv loop (goal: ratio at least 1.0).
func BenchmarkREPLRecv(b *testing.B) {
	repl, py, c := replSide(b), pySide(b), cSide(b)
	rates(b, []pair{{"socketrepl", repl, c}, {"pyzmq", py, c}}, "pull", "push")
}

// BenchmarkREPLReqRep: a REQ/REP round trip typed in the REPL against a libzmq REP, against
// pyzmq's round trip with the same REP; ratio is our time over pyzmq's (goal: at most 1.0).
func BenchmarkREPLReqRep(b *testing.B) {
	repl, py, c := replSide(b), pySide(b), cSide(b)
	n := envInt("ZMQBENCH_TRIPS", 10_000)
	times := runPairs(b, []pair{{"socketrepl", c, repl}, {"pyzmq", c, py}}, "rep", "req", n, 64)
	us := map[string]float64{}
	for name, ts := range times {
		us[name] = median(ts).Seconds() / float64(n) * 1e6
		b.Logf("%-12s %d round trips: %6.1f µs each (median of %d)", name, n, us[name], len(ts))
		b.ReportMetric(us[name], name+"-µs/roundtrip")
	}
	b.ReportMetric(us["socketrepl"]/us["pyzmq"], "ratio")
}

// echoServers are the two TCP echo servers: socketrepl's SocketListen handler and a Python
// socket server, each printing its port and serving until killed.
const (
	replEcho = `l = SocketListen[{"127.0.0.1", Automatic}, WriteString[#SourceSocket, #Data] &];
Print["port ", l["Socket"]["DestinationPort"]];
While[True, Pause[1]]`
	pyEcho = `
import socket
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen()
print("port", srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
recv, send = conn.recv, conn.sendall
while True:
    data = recv(65536)
    if not data:
        break
    send(data)
`
)

// echoRoundTrip starts an echo server and times trips round trips of 64 bytes from this
// process, one at a time, after one to start with.
func echoRoundTrip(b *testing.B, argv []string, trips int) (wall, cpu time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = time.Second
	var stderr peertest.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	lines := bufio.NewScanner(out)
	var port string
	if lines.Scan() {
		port, _ = strings.CutPrefix(lines.Text(), "port ")
	}
	if port == "" {
		b.Fatalf("%v printed no port: %s", argv[0], stderr.String())
	}
	conn, err := net.Dial("tcp", "127.0.0.1:"+port)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(time.Minute))
	msg, back := []byte(strings.Repeat("x", 64)), make([]byte, 64)
	trip := func() {
		if _, err := conn.Write(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(conn, back); err != nil {
			b.Fatalf("%v: %v: %s", argv[0], err, stderr.String())
		}
	}
	trip()
	start, cpu0 := time.Now(), cpuTime(cmd.Process.Pid)
	for range trips {
		trip()
	}
	return time.Since(start), cpuTime(cmd.Process.Pid) - cpu0
}

// BenchmarkREPLTCPEcho: a 64-byte TCP echo round trip through SocketListen against a Python
// socket echo server, the client in this process; ratio is our time over Python's (goal: at
// most 1.0).
func BenchmarkREPLTCPEcho(b *testing.B) {
	bin := buildBinary(b)
	peertest.NeedPython(b)
	trips := envInt("ZMQBENCH_TRIPS", 10_000)
	servers := []struct {
		name string
		argv []string
	}{{"socketrepl", []string{bin, "-e", replEcho}}, {"python", []string{peertest.Python, "-c", pyEcho}}}
	times, cpus := map[string][]time.Duration{}, map[string][]time.Duration{}
	for i := 0; b.Loop(); i++ {
		for j := range servers {
			s := servers[(i+j)%len(servers)]
			wall, cpu := echoRoundTrip(b, s.argv, trips)
			times[s.name] = append(times[s.name], wall)
			cpus[s.name] = append(cpus[s.name], cpu)
		}
	}
	us, cpuUs := map[string]float64{}, map[string]float64{}
	for _, s := range servers {
		us[s.name] = median(times[s.name]).Seconds() / float64(trips) * 1e6
		cpuUs[s.name] = median(cpus[s.name]).Seconds() / float64(trips) * 1e6
		b.Logf("%-12s %d round trips: %6.1f µs each, the server's processor %5.1f µs a trip (medians of %d)",
			s.name, trips, us[s.name], cpuUs[s.name], len(times[s.name]))
		b.ReportMetric(us[s.name], s.name+"-µs/roundtrip")
		b.ReportMetric(cpuUs[s.name], s.name+"-cpu-µs/roundtrip")
	}
	b.ReportMetric(us["socketrepl"]/us["python"], "ratio")
	b.ReportMetric(cpuUs["socketrepl"]/cpuUs["python"], "cpu-ratio")
}
