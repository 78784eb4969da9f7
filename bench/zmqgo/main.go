// Command zmqgo is this project's side of the ZeroMQ benchmarks (bench/zmq_test.go): the same
// work as bench/zmqpeer/zmqpeer.c does with libzmq, through the sockets/zmq Go API, in a process
// of its own.
//
//	zmqgo MODE bind|connect HOST:PORT COUNT SIZE
//
// MODE is push, pull, req or rep. A bound socket prints "port P" once it listens (PORT 0: the
// system chooses). pull receives COUNT messages of SIZE bytes and prints "ns T", the time from
// the first message to the last; push sends COUNT messages of SIZE bytes (each its own
// [][]byte, the payload shared) and waits until they are written; rep answers COUNT requests;
// req sends one request to warm up and then times COUNT round trips, printing "ns T".
//
// ZMQGO_CPUPROFILE=FILE and ZMQGO_MEMPROFILE=FILE write this process's profiles (the memory
// profile with every allocation sampled), for go tool pprof.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/socketrepl/socketrepl/sockets/zmq"
)

func main() {
	if len(os.Args) != 6 {
		fmt.Fprintln(os.Stderr, "usage: zmqgo push|pull|req|rep bind|connect HOST:PORT COUNT SIZE")
		os.Exit(2)
	}
	mode, how, addr := os.Args[1], os.Args[2], os.Args[3]
	count, err1 := strconv.Atoi(os.Args[4])
	size, err2 := strconv.Atoi(os.Args[5])
	if err1 != nil || err2 != nil {
		fail("COUNT and SIZE are integers")
	}
	if f := os.Getenv("ZMQGO_MEMPROFILE"); f != "" {
		runtime.MemProfileRate = 1
		defer func() {
			runtime.GC()
			out, err := os.Create(f)
			if err != nil {
				fail(err.Error())
			}
			pprof.Lookup("allocs").WriteTo(out, 0)
			out.Close()
		}()
	}
	if f := os.Getenv("ZMQGO_CPUPROFILE"); f != "" {
		out, err := os.Create(f)
		if err != nil {
			fail(err.Error())
		}
		pprof.StartCPUProfile(out)
		defer func() { pprof.StopCPUProfile(); out.Close() }()
	}

	s, err := zmq.New(strings.ToUpper(mode), zmq.Defaults())
	if err != nil {
		fail(err.Error())
	}
	if how == "bind" {
		ln, err := net.Listen("tcp4", addr)
		if err != nil {
			fail(err.Error())
		}
		if err := s.Listen(ln); err != nil {
			fail(err.Error())
		}
		fmt.Printf("port %d\n", ln.Addr().(*net.TCPAddr).Port)
	} else if err := s.Connect(addr); err != nil {
		fail(err.Error())
	}

	ctx := context.Background()
	payload := []byte(strings.Repeat("x", size))
	recv := func() {
		msg, err := s.Recv(ctx)
		if err != nil {
			fail("recv: " + err.Error())
		}
		if len(msg) != 1 || len(msg[0]) != size {
			fail(fmt.Sprintf("a message of %d frames (%d bytes in the first), want 1 of %d", len(msg), len(msg[0]), size))
		}
	}
	send := func() {
		if err := s.Send(ctx, [][]byte{payload}); err != nil {
			fail("send: " + err.Error())
		}
	}
	switch mode {
	case "pull":
		recv()
		t0 := time.Now()
		for i := 1; i < count; i++ {
			recv()
		}
		fmt.Printf("ns %d\n", time.Since(t0).Nanoseconds())
	case "push":
		for i := 0; i < count; i++ {
			send()
		}
	case "rep":
		for i := 0; i < count+1; i++ { // the warm-up request, then count
			recv()
			send()
		}
	case "req":
		send()
		recv()
		t0 := time.Now()
		for i := 0; i < count; i++ {
			send()
			recv()
		}
		fmt.Printf("ns %d\n", time.Since(t0).Nanoseconds())
	default:
		fail("unknown mode " + mode)
	}
	if dropped := s.Close(-1); dropped > 0 { // wait until everything sent is written
		fail(fmt.Sprintf("%d messages dropped at close", dropped))
	}
}

func fail(why string) {
	fmt.Fprintln(os.Stderr, "zmqgo:", why)
	os.Exit(1)
}
