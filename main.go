// Command socketrepl is a terminal REPL for experimenting with sockets in the Wolfram
// Language's own words. main only parses flags and wires the packages; the loop is repl.go.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Exit statuses, as the README documents them.
const (
	exitOK          = 0
	exitSyntax      = 1   // a script had a syntax error
	exitUsage       = 2   // a bad flag or an unreadable file
	exitInterrupted = 130 // Ctrl-C stopped a script
)

// gcPercent is the collector's GOGC unless the environment sets one. The default, 100, lets
// the heap grow by its own live size between collections; a session's live heap is small
// (a few MiB) while a stream of messages makes garbage at every one (the payloads, their
// ByteArrays), so at 100 the collector runs every few tens of thousands of messages and costs a
// quarter of a read loop's time (SocketReadMessage from a libzmq PUSH: 3.1 M msg/s at 100, 4.2
// at 400). The price is memory in proportion to what is live: the 1,000 ZeroMQ sockets and
// 10,000 TCP clients of the RSS figure peak at 82 MiB instead of 79.
const gcPercent = 400

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usageText = `usage: socketrepl [flags] [FILE.wl ...]

With no FILE and a terminal on stdin and stdout: an interactive session (In[n]:= prompts,
history, Ctrl-C aborts the running input, Ctrl-D or Quit[] leaves).
With FILEs, or a script on stdin: evaluate each complete input in turn and print the
results that are not Null, Print output and messages.

flags:
`

// options are the parsed command line.
type options struct {
	code       string
	hasCode    bool
	transcript bool
	mask       bool
	history    string
	noHistory  bool
	debug      bool
	record     string // --record NAME: keep the session as NAME.wl and NAME.golden
	check      bool   // --check FILE.wl …: replay and compare with FILE.golden
	files      []string
}

func parseFlags(args []string, stderr io.Writer) (*options, int, bool) {
	o := &options{}
	fs := flag.NewFlagSet("socketrepl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Func("e", "evaluate `code` and print its result", func(v string) error {
		o.code, o.hasCode = v, true
		return nil
	})
	fs.BoolVar(&o.transcript, "transcript", false, "print what an interactive session would show: In[n]:= input, Out[n]= result (the golden format)")
	fs.BoolVar(&o.mask, "mask", false, "mask socket ids and ports in the output (UUID1, PORT1, …), as golden transcripts are")
	fs.StringVar(&o.history, "history", "", "keep the terminal history in `PATH`")
	fs.BoolVar(&o.noHistory, "no-history", false, "keep no terminal history")
	fs.BoolVar(&o.debug, "debug", false, "add Go stack traces to Internal::panic messages")
	fs.StringVar(&o.record, "record", "", "keep the session as `NAME`.wl (the inputs) and NAME.golden (what it showed, masked); never overwrites")
	fs.BoolVar(&o.check, "check", false, "replay each FILE.wl as --transcript --mask would and compare it with FILE.golden")
	help := fs.Bool("help", false, "print this help and exit")
	version := fs.Bool("version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageText)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), exitStatusText)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, exitOK, true
		}
		return nil, exitUsage, true
	}
	if *help {
		fs.SetOutput(os.Stdout)
		fs.Usage()
		return nil, exitOK, true
	}
	if *version {
		fmt.Fprintln(os.Stdout, "socketrepl", versionString())
		return nil, exitOK, true
	}
	o.files = fs.Args()
	if o.check && (o.hasCode || o.record != "" || len(o.files) == 0) {
		fmt.Fprintln(stderr, "socketrepl: --check takes FILE.wl … and neither -e nor --record")
		return nil, exitUsage, true
	}
	return o, 0, false
}

const exitStatusText = `
exit status: 0 when the input ran to its end (messages are ordinary output); n after Exit[n];
1 when a script had a syntax error; 2 for a bad flag or an unreadable file, or when --record
would overwrite a file; 130 after Ctrl-C in a script.
--check: 0 when every replay matches its golden transcript, 1 when one differs, 2 when a file
is missing, 130 after Ctrl-C.
`

func versionString() string {
	v := "(devel)"
	goVersion := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		goVersion = " " + bi.GoVersion
	}
	return strings.TrimSpace(v + goVersion)
}
