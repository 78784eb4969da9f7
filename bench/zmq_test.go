package bench

// The ZeroMQ benchmarks of issue 5 (Speed): two processes, 64-byte messages, 10^6 of them,
// each figure against libzmq doing the same work in the same run, the pairs alternating.
// This project's side runs in bench/zmqgo (built with go build), libzmq's in
// bench/zmqpeer/zmqpeer.c (built with gcc against Debian's libzmq3-dev; without gcc or the
// header these benchmarks skip, saying why), pyzmq's under Debian's /usr/bin/python3.
// Throughput is timed by the receiving process from its first message to its last, as libzmq's
// local_thr does; a round trip by the REQ process over all its round trips, as remote_lat does.
//
//	go test ./bench -run '^$' -bench ZMQ -benchtime 3x -v      # every figure, 3 runs each
//	go test ./bench -run '^$' -bench 'ZMQ(Send|Recv)' -benchtime 2000000x \
//	    -cpuprofile cpu.out -memprofile mem.out                 # this process's send or receive path
//
// ZMQBENCH_MSGS and ZMQBENCH_TRIPS change the message and round-trip counts (10^6, 10^4).
// ZMQGO_CPUPROFILE / ZMQGO_MEMPROFILE (files) make the bench/zmqgo processes write profiles.

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/internal/peertest"
	"github.com/socketrepl/socketrepl/sockets/zmq"
)

// side is a program that does one end of a pair: zmqgo, zmqpeer or the pyzmq script, each with
// the same arguments (MODE bind|connect HOST:PORT COUNT SIZE).
type side struct {
	name string
	argv []string
}

func (s side) cmd(ctx context.Context, mode, how, addr string, n, size int) *exec.Cmd {
	args := append(append([]string(nil), s.argv[1:]...), mode, how, addr, strconv.Itoa(n), strconv.Itoa(size))
	cmd := exec.CommandContext(ctx, s.argv[0], args...)
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// goSide builds bench/zmqgo, this project's side.
func goSide(b *testing.B) side {
	bin := filepath.Join(b.TempDir(), "zmqgo")
	if out, err := exec.Command("go", "build", "-o", bin, "./zmqgo").CombinedOutput(); err != nil {
		b.Fatalf("go build ./bench/zmqgo: %v\n%s", err, out)
	}
	return side{"socketrepl", []string{bin}}
}

// cSide builds bench/zmqpeer/zmqpeer.c against libzmq; the benchmark skips, saying why, when
// gcc or libzmq's header is missing.
func cSide(b *testing.B) side {
	s, why := buildC(b)
	if why != "" {
		b.Skip(why)
	}
	return s
}

func buildC(b *testing.B) (side, string) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		return side{}, fmt.Sprintf("libzmq's side is built with gcc: %v", err)
	}
	bin := filepath.Join(b.TempDir(), "zmqpeer")
	if out, err := exec.Command(gcc, "-O2", "-o", bin, "zmqpeer/zmqpeer.c", "-lzmq").CombinedOutput(); err != nil {
		return side{}, fmt.Sprintf("cannot build libzmq's side (apt-get install libzmq3-dev): %v\n%s", err, out)
	}
	return side{"libzmq", []string{bin}}, ""
}

// pySide is pyzmq under Debian's python3.
func pySide(b *testing.B) side {
	peertest.NeedPyZMQ(b)
	return side{"pyzmq", []string{peertest.Python, "-c", pyPeer}}
}

const pyPeer = `
import sys, time, zmq
mode, how, addr, n, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
ctx = zmq.Context()
s = ctx.socket({'push': zmq.PUSH, 'pull': zmq.PULL, 'req': zmq.REQ, 'rep': zmq.REP}[mode])
if how == 'bind':
    s.bind('tcp://' + addr)
    print('port', s.getsockopt(zmq.LAST_ENDPOINT).decode().rsplit(':', 1)[1], flush=True)
else:
    s.connect('tcp://' + addr)
payload = b'x' * size
recv, send = s.recv, s.send
if mode == 'pull':
    assert len(recv()) == size
    t0 = time.perf_counter_ns()
    for _ in range(n - 1):
        recv()
    print('ns', time.perf_counter_ns() - t0, flush=True)
elif mode == 'push':
    for _ in range(n):
        send(payload)
elif mode == 'rep':
    for _ in range(n + 1):
        recv()
        send(payload)
elif mode == 'req':
    send(payload); recv()
    t0 = time.perf_counter_ns()
    for _ in range(n):
        send(payload)
        recv()
    print('ns', time.perf_counter_ns() - t0, flush=True)
s.setsockopt(zmq.LINGER, -1)
s.close()
ctx.term()
`

// pair is one figure's two processes: to binds (the PULL, or the REP), from connects.
type pair struct {
	name     string
	to, from side
}

// runPair runs a pair once and gives the time its timing process printed.
func runPair(b *testing.B, p pair, toMode, fromMode string, n, size int) time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var toErr, fromErr peertest.Buffer
	to := p.to.cmd(ctx, toMode, "bind", "127.0.0.1:0", n, size)
	to.Stderr = &toErr
	out, err := to.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := to.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { to.Process.Kill(); to.Wait() }()
	lines := bufio.NewScanner(out)
	var port string
	if lines.Scan() {
		port, _ = strings.CutPrefix(lines.Text(), "port ")
	}
	if port == "" {
		to.Wait()
		b.Fatalf("%s: %s %s printed no port: %s", p.name, p.to.name, toMode, toErr.String())
	}
	from := p.from.cmd(ctx, fromMode, "connect", "127.0.0.1:"+port, n, size)
	from.Stderr = &fromErr
	fromOut, err := from.Output()
	if err != nil {
		b.Fatalf("%s: %s %s: %v: %s", p.name, p.from.name, fromMode, err, fromErr.String())
	}
	var rest []string
	for lines.Scan() {
		rest = append(rest, lines.Text())
	}
	if err := to.Wait(); err != nil {
		b.Fatalf("%s: %s %s: %v: %s", p.name, p.to.name, toMode, err, toErr.String())
	}
	for _, line := range append(rest, strings.Split(string(fromOut), "\n")...) {
		if v, ok := strings.CutPrefix(line, "ns "); ok {
			ns, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatalf("%s: a time of %q", p.name, line)
			}
			return time.Duration(ns)
		}
	}
	b.Fatalf("%s: no time printed (%q, %q)", p.name, rest, fromOut)
	return 0
}

// runPairs runs every pair once per iteration, starting with a different one each time so that
// none always follows another, and gives each pair's times.
func runPairs(b *testing.B, pairs []pair, toMode, fromMode string, n, size int) map[string][]time.Duration {
	times := map[string][]time.Duration{}
	for i := 0; b.Loop(); i++ {
		for j := range pairs {
			p := pairs[(i+j)%len(pairs)]
			times[p.name] = append(times[p.name], runPair(b, p, toMode, fromMode, n, size))
		}
	}
	return times
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// throughput runs PUSH→PULL pairs of n messages of size bytes and gives each pair's median
// rate in M msg/s, logging every run.
func throughput(b *testing.B, pairs []pair, size int) map[string]float64 {
	n := envInt("ZMQBENCH_MSGS", 1_000_000)
	times := runPairs(b, pairs, "pull", "push", n, size)
	rates := map[string]float64{}
	for _, p := range pairs {
		var runs []string
		for _, d := range times[p.name] {
			runs = append(runs, fmt.Sprintf("%.2f", float64(n)/d.Seconds()/1e6))
		}
		rates[p.name] = float64(n) / median(times[p.name]).Seconds() / 1e6
		b.Logf("%-26s %d × %d B: %6.2f M msg/s (median; runs %s)", p.name, n, size, rates[p.name], strings.Join(runs, " "))
		b.ReportMetric(rates[p.name], p.name+"-Mmsg/s")
	}
	return rates
}

// BenchmarkZMQPushPull64B: the sockets/zmq API PUSH→PULL, Go to Go, against libzmq C to C;
// ratio is ours over libzmq's (goal: at least 1.3).
func BenchmarkZMQPushPull64B(b *testing.B) {
	g, c := goSide(b), cSide(b)
	r := throughput(b, []pair{{"socketrepl", g, g}, {"libzmq", c, c}}, 64)
	b.ReportMetric(r["socketrepl"]/r["libzmq"], "ratio")
}

// BenchmarkZMQMixed64B: libzmq PUSH → our PULL and our PUSH → libzmq PULL, against libzmq C to
// C (goal: each at least 0.95 — our side is never the bottleneck).
func BenchmarkZMQMixed64B(b *testing.B) {
	g, c := goSide(b), cSide(b)
	r := throughput(b, []pair{{"libzmq-to-socketrepl", g, c}, {"socketrepl-to-libzmq", c, g}, {"libzmq", c, c}}, 64)
	b.ReportMetric(r["libzmq-to-socketrepl"]/r["libzmq"], "ratio-into-ours")
	b.ReportMetric(r["socketrepl-to-libzmq"]/r["libzmq"], "ratio-from-ours")
}

// BenchmarkZMQPushPull1KiB: 1 KiB messages, Go to Go, against libzmq C to C (goal: at least
// 0.95).
func BenchmarkZMQPushPull1KiB(b *testing.B) {
	g, c := goSide(b), cSide(b)
	r := throughput(b, []pair{{"socketrepl", g, g}, {"libzmq", c, c}}, 1024)
	b.ReportMetric(r["socketrepl"]/r["libzmq"], "ratio")
}

// BenchmarkZMQPyzmq64B: pyzmq PUSH→PULL, Python to Python, as another peer's figure, beside
// ours Go to Go; ratio is ours over pyzmq's.
func BenchmarkZMQPyzmq64B(b *testing.B) {
	g, py := goSide(b), pySide(b)
	r := throughput(b, []pair{{"socketrepl", g, g}, {"pyzmq", py, py}}, 64)
	b.ReportMetric(r["socketrepl"]/r["pyzmq"], "ratio")
}

// BenchmarkZMQReqRep: the REQ/REP round trip of 64 bytes, Go to Go, against libzmq C to C;
// ratio is our time over libzmq's (goal: at most 0.5).
func BenchmarkZMQReqRep(b *testing.B) {
	g, c := goSide(b), cSide(b)
	n := envInt("ZMQBENCH_TRIPS", 10_000)
	pairs := []pair{{"socketrepl", g, g}, {"libzmq", c, c}}
	times := runPairs(b, pairs, "rep", "req", n, 64)
	us := map[string]float64{}
	for _, p := range pairs {
		var runs []string
		for _, d := range times[p.name] {
			runs = append(runs, fmt.Sprintf("%.1f", d.Seconds()/float64(n)*1e6))
		}
		us[p.name] = median(times[p.name]).Seconds() / float64(n) * 1e6
		b.Logf("%-26s %d round trips: %6.1f µs each (median; runs %s)", p.name, n, us[p.name], strings.Join(runs, " "))
		b.ReportMetric(us[p.name], p.name+"-µs/roundtrip")
	}
	b.ReportMetric(us["socketrepl"]/us["libzmq"], "ratio")
}

// ---------------------------------------------------------------- one side in this process

// counting counts the read and write calls on the connections a listener accepts.
type counting struct {
	net.Listener
	reads, writes atomic.Int64
}

func (l *counting) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &countingConn{c, l}, nil
}

type countingConn struct {
	net.Conn
	l *counting
}

func (c *countingConn) Read(p []byte) (int, error) {
	c.l.reads.Add(1)
	return c.Conn.Read(p)
}

func (c *countingConn) Write(p []byte) (int, error) {
	c.l.writes.Add(1)
	return c.Conn.Write(p)
}

// goroutinesCreated is how many goroutines this process has started.
func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// mallocs is how many heap objects this process has allocated, every goroutine together
// (testing.AllocsPerRun and b.ReportAllocs truncate to a whole number per op: 1.9996 shows as 1).
func mallocs() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.Mallocs
}

// peerSide is the other process of the in-process benchmarks: libzmq's when it can be built,
// else ours (the figures are this process's, either way).
func peerSide(b *testing.B) side {
	s, why := buildC(b)
	if why == "" {
		return s
	}
	b.Logf("%s: the peer process is bench/zmqgo instead", why)
	return goSide(b)
}

// boundHere makes a socket of typ in this process, bound with a counting listener, and starts
// the peer process (mode, connecting to it); it returns when the peer is connected.
func boundHere(b *testing.B, typ, peerMode string, size int) (*zmq.Socket, *counting) {
	peer := peerSide(b)
	s, err := zmq.New(typ, zmq.Defaults())
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	cl := &counting{Listener: ln}
	if err := s.Listen(cl); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stderr peertest.Buffer
	cmd := peer.cmd(ctx, peerMode, "connect", ln.Addr().String(), 1<<62, size)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		s.Close(0)
		cancel()
		cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); len(s.Peers()) == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("the %s peer did not connect: %s", peer.name, stderr.String())
		}
	}
	return s, cl
}

// BenchmarkZMQSend64B: this process's send path, PUSH to a PULL in another process, one
// message per op (the same [][]byte each time: anything allocated is the send path's own). It
// reports allocations per message, counted over every goroutine (the connection's writer too):
// send-allocs/msg by testing.AllocsPerRun, allocs/msg over the timed loop, not truncated; the
// messages per write call; and goroutines started per message (goal: no allocation, no
// goroutine, and one write per batch of many messages).
func BenchmarkZMQSend64B(b *testing.B) {
	push, cl := boundHere(b, "PUSH", "pull", 64)
	ctx := context.Background()
	msg := [][]byte{[]byte(strings.Repeat("x", 64))}
	send := func() {
		if err := push.Send(ctx, msg); err != nil {
			b.Fatal(err)
		}
	}
	for range 10000 { // warm up: queues and buffers at their working size
		send()
	}
	allocs := testing.AllocsPerRun(100000, send)
	m0 := mallocs()
	w0, g0 := cl.writes.Load(), goroutinesCreated()
	b.ResetTimer()
	for b.Loop() {
		send()
	}
	b.StopTimer()
	writes, created := cl.writes.Load()-w0, goroutinesCreated()-g0
	b.ReportMetric(allocs, "send-allocs/msg")
	b.ReportMetric(float64(mallocs()-m0)/float64(b.N), "allocs/msg")
	b.ReportMetric(float64(b.N)/float64(max(writes, 1)), "msgs/write")
	b.ReportMetric(float64(created)/float64(b.N), "goroutines/msg")
	b.Logf("%d messages: %d write calls, %d goroutines started", b.N, writes, created)
}

// BenchmarkZMQRecv64B: this process's receive path, PULL from a PUSH in another process, one
// message per op; allocations (every goroutine: the connection's reader too, which runs ahead
// of Recv by up to the high-water mark, so that testing.AllocsPerRun would truncate 1.99 to 1),
// read calls and goroutines started per message.
func BenchmarkZMQRecv64B(b *testing.B) {
	pull, cl := boundHere(b, "PULL", "push", 64)
	ctx := context.Background()
	recv := func() {
		msg, err := pull.Recv(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if len(msg) != 1 || len(msg[0]) != 64 {
			b.Fatalf("a message of %d frames", len(msg))
		}
	}
	for range 10000 {
		recv()
	}
	m0 := mallocs()
	r0, g0 := cl.reads.Load(), goroutinesCreated()
	b.ResetTimer()
	for b.Loop() {
		recv()
	}
	b.StopTimer()
	reads, created := cl.reads.Load()-r0, goroutinesCreated()-g0
	b.ReportMetric(float64(mallocs()-m0)/float64(b.N), "allocs/msg")
	b.ReportMetric(float64(b.N)/float64(max(reads, 1)), "msgs/read")
	b.ReportMetric(float64(created)/float64(b.N), "goroutines/msg")
	b.Logf("%d messages: %d read calls, %d goroutines started", b.N, reads, created)
}
