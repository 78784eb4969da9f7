// Package bench holds the benchmarks that run socketrepl and its peers side by side, in the
// same run on the same machine, and report ratios. They run on demand (bench/run, or
// go test ./bench -bench .); ordinary tests stay free of timing.
package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/eval"
	"github.com/socketrepl/socketrepl/grammar"
)

// evalIn evaluates src in the session and returns the result in InputForm.
func evalIn(tb testing.TB, s *eval.Session, src string) string {
	tb.Helper()
	n, err := grammar.Parse(src)
	if err != nil {
		tb.Fatal(err)
	}
	return eval.InputForm(s.Run(context.Background(), n, src).Value)
}

// discardServer accepts connections and reads everything sent, as fast as it can; each time
// a connection has delivered another `every` bytes, it sends on the returned channel.
func discardServer(tb testing.TB, every int) (net.Listener, <-chan struct{}) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	delivered := make(chan struct{}, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				buf := make([]byte, 1<<20)
				total := 0
				for {
					n, err := c.Read(buf)
					total += n
					if total >= every {
						total -= every
						delivered <- struct{}{}
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	tb.Cleanup(func() { ln.Close() })
	return ln, delivered
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkTCPBinaryWrite256MiB: BinaryWrite of a 256 MiB ByteArray to a connected client,
// against raw Go writing the same bytes over the same loopback; both to a Go reader that
// discards, each timed until the reader has every byte. The ratio is socketrepl's throughput
// over raw Go's (goal: at least 0.9).
func BenchmarkTCPBinaryWrite256MiB(b *testing.B) {
	const size = 256 << 20
	ln, delivered := discardServer(b, size)
	port := ln.Addr().(*net.TCPAddr).Port
	s := eval.NewSession(io.Discard)
	defer s.CloseSockets()
	evalIn(b, s, `data = StringToByteArray[StringRepeat["x", 2^28]];`)
	if got := evalIn(b, s, fmt.Sprintf(`c = SocketConnect[%d]; Length[data]`, port)); got != strconv.Itoa(size) {
		b.Fatalf("setup gave %s", got)
	}
	raw, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	// the same bytes as data: a fresh zero slice would be read from the one shared zero page,
	// always in cache, and flatter raw Go
	payload := []byte(strings.Repeat("x", size))
	write := `BinaryWrite[c, data]`
	node, _ := grammar.Parse(write)
	var ours, theirs []time.Duration
	b.SetBytes(size)
	timeOurs := func() {
		t0 := time.Now()
		if v := s.Run(context.Background(), node, write).Value; eval.InputForm(v) != "Null" {
			b.Fatalf("BinaryWrite gave %s", eval.InputForm(v))
		}
		<-delivered
		ours = append(ours, time.Since(t0))
	}
	timeTheirs := func() {
		t0 := time.Now()
		if _, err := raw.Write(payload); err != nil {
			b.Fatal(err)
		}
		<-delivered
		theirs = append(theirs, time.Since(t0))
	}
	for i := 0; b.Loop(); i++ {
		// alternate which goes first, so that neither always follows the other
		if i%2 == 0 {
			timeOurs()
			timeTheirs()
		} else {
			timeTheirs()
			timeOurs()
		}
	}
	gbps := func(d time.Duration) float64 { return float64(size) / d.Seconds() / 1e9 }
	b.ReportMetric(gbps(median(ours)), "socketrepl-GB/s")
	b.ReportMetric(gbps(median(theirs)), "rawgo-GB/s")
	b.ReportMetric(median(theirs).Seconds()/median(ours).Seconds(), "ratio")
}

// BenchmarkSockets1000ZMQ10000TCP starts socketrepl, opens 1,000 ZeroMQ sockets in it (500
// bound PULLs and a PUSH connected to each, the 500 connections made), then a TCP server to
// which 10,000 clients connect from this process (fewer when the file limit is lower, said in
// the output), waits until the server lists them all in "ConnectedClients", and reports
// socketrepl's peak RSS (goal: at most 256 MiB).
func BenchmarkSockets1000ZMQ10000TCP(b *testing.B) {
	n := 10000
	const zmqPairs = 500
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && int(lim.Cur) < n+4*zmqPairs+200 {
		n = int(lim.Cur) - 4*zmqPairs - 200
		b.Logf("the file limit is %d: %d clients instead of 10,000", lim.Cur, n)
	}
	bin := buildBinary(b)
	for b.Loop() {
		script := fmt.Sprintf(`zs = Table[SocketOpen[{"127.0.0.1", Automatic}, {"ZMQ", "Pull"}], %d];
zc = Map[SocketConnect, zs];
t = 0; While[Count[zs, z_ /; Length[z["ConnectedClients"]] > 0] < %d && t < 1200, Pause[0.05]; t++]
Print["zmq ", Length[Sockets[]], " ", Count[zs, z_ /; Length[z["ConnectedClients"]] > 0]]
server = SocketOpen[Automatic];
Print[server["DestinationPort"]];
t = 0; While[Length[server["ConnectedClients"]] < %d && t < 1200, Pause[0.05]; t++]
Print["listed ", Length[server["ConnectedClients"]]]
`, zmqPairs, zmqPairs, n)
		cmd := exec.Command(bin)
		// stdin stays open until the RSS is read: the process ends when it closes
		stdin, err := cmd.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		io.WriteString(stdin, script)
		lines := bufio.NewScanner(out)
		if want := fmt.Sprintf("zmq %d %d", 2*zmqPairs, zmqPairs); !lines.Scan() || lines.Text() != want {
			b.Fatalf("socketrepl said %q, not %q", lines.Text(), want)
		}
		if !lines.Scan() {
			b.Fatal("socketrepl printed no port")
		}
		port := strings.TrimSpace(lines.Text())
		conns := make([]net.Conn, 0, n)
		for range n {
			c, err := net.Dial("tcp", "127.0.0.1:"+port)
			if err != nil {
				b.Fatalf("client %d: %v", len(conns)+1, err)
			}
			conns = append(conns, c)
		}
		if !lines.Scan() || lines.Text() != fmt.Sprintf("listed %d", n) {
			b.Fatalf("socketrepl said %q", lines.Text())
		}
		// the peak of this process's own memory (rusage would count the memory of the parent
		// it was forked from)
		rss := peakRSS(b, cmd.Process.Pid)
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			b.Fatal(err)
		}
		for _, c := range conns {
			c.Close()
		}
		b.ReportMetric(float64(n), "clients")
		b.ReportMetric(2*zmqPairs, "zmq-sockets")
		b.ReportMetric(rss, "peak-RSS-MiB")
	}
}

// peakRSS reads a live process's peak resident set (VmHWM) in MiB.
func peakRSS(tb testing.TB, pid int) float64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kib, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
			if err != nil {
				tb.Fatal(err)
			}
			return float64(kib) / 1024
		}
	}
	tb.Fatal("no VmHWM in /proc status")
	return 0
}

// cpuTime is the processor time a live process has used so far, all its threads together
// (/proc/PID/task/*/schedstat, in nanoseconds; 0 where there is no such file). On a shared,
// noisy machine it varies far less than wall time: it is what a process costs, whatever else
// runs.
func cpuTime(pid int) time.Duration {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	var total time.Duration
	for _, task := range tasks {
		stat, err := os.ReadFile(task)
		if err != nil {
			continue // the thread has gone
		}
		if fields := strings.Fields(string(stat)); len(fields) > 0 {
			ns, _ := strconv.ParseInt(fields[0], 10, 64)
			total += time.Duration(ns)
		}
	}
	return total
}

func buildBinary(tb testing.TB) string {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("peak RSS is read from Linux's rusage")
	}
	bin := filepath.Join(tb.TempDir(), "socketrepl")
	cmd := exec.Command("go", "build", "-o", bin, "..")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}
