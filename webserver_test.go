package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/internal/peertest"
)

// The web server example (scripts/webserver.wl) run by the binary, as its comment says to run
// it, and fetched by real clients: headless Chromium and curl.

const (
	webServerURL = "http://127.0.0.1:18080/"
	// webServerBody is the page scripts/webserver.wl serves.
	webServerBody = "<html><head><title>socketrepl</title></head><body><h1>Hello from socketrepl</h1></body></html>"
)

// webServerRun is scripts/webserver.wl running in the binary with --transcript.
type webServerRun struct {
	out  peertest.Buffer
	done chan struct{}
	err  error
}

// startWebServer builds the binary, starts the script (it lives at most 45 s) and waits until
// it has opened its server.
func startWebServer(t *testing.T) *webServerRun {
	t.Helper()
	bin := buildBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, bin, "--transcript", filepath.Join("scripts", "webserver.wl"))
	cmd.WaitDelay = 2 * time.Second
	r := &webServerRun{done: make(chan struct{})}
	cmd.Stdout = &r.out
	cmd.Stderr = &r.out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		r.err = cmd.Wait()
		close(r.done)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-r.done
	})
	// the script prints this once SocketOpen has returned
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(r.out.String(), "Open "+webServerURL); {
		select {
		case <-r.done:
			t.Fatalf("the script ended (%v) before opening its server:\n%s", r.err, r.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the script did not open its server within 10 s:\n%s", r.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return r
}

// fetch runs a client until it reaches the server: attempt reports retry while the server is
// not listening yet. It gives up after 15 s, or when the script has ended.
func (r *webServerRun) fetch(t *testing.T, what string, attempt func(ctx context.Context) (out string, retry bool)) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		out, retry := attempt(ctx)
		cancel()
		if !retry {
			return out
		}
		select {
		case <-r.done:
			t.Fatalf("%s could not reach the server, and the script ended (%v):\n%s", what, r.err, r.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s could not reach the server within 15 s; the script printed:\n%s", what, r.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// messageLine is a message in a transcript: Sym::tag: text.
var messageLine = regexp.MustCompile("(?m)^[$A-Za-z][$A-Za-z0-9`]*::[A-Za-z0-9]+: .*$")

// finish waits for the script to end and checks its transcript: it read the client's request
// line, printed no message, and exited with status 0.
func (r *webServerRun) finish(t *testing.T) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the script did not end within 30 s after its page was fetched:\n%s", r.out.String())
	}
	transcript := r.out.String()
	if r.err != nil {
		var exit *exec.ExitError
		if errors.As(r.err, &exit) {
			t.Errorf("the script exited with status %d, want 0", exit.ExitCode())
		} else {
			t.Errorf("the script: %v", r.err)
		}
	}
	if !strings.Contains(transcript, "GET / HTTP/1.1") {
		t.Errorf("the transcript lacks the request line GET / HTTP/1.1")
	}
	if msgs := messageLine.FindAllString(transcript, -1); len(msgs) > 0 {
		t.Errorf("the script printed messages: %q", msgs)
	}
	if t.Failed() {
		t.Logf("the transcript:\n%s", transcript)
	}
}

func TestWebServerBrowser(t *testing.T) {
	chromium := peertest.NeedProgram(t, "chromium") // the web server script's browser
	r := startWebServer(t)
	profile := t.TempDir()
	dom := r.fetch(t, "chromium", func(ctx context.Context) (string, bool) {
		cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu",
			"--disable-quic", "--no-first-run", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--user-data-dir="+profile,
			"--dump-dom", webServerURL)
		cmd.WaitDelay = 2 * time.Second
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		// a page that failed to load prints no DOM: retry while nothing listens yet
		if stdout.Len() == 0 && strings.Contains(stderr.String(), "ERR_CONNECTION_REFUSED") {
			return "", true
		}
		if err != nil || stdout.Len() == 0 {
			t.Fatalf("chromium: %v\nstdout:\n%s\nstderr:\n%s\nthe script printed:\n%s", err, stdout.String(), stderr.String(), r.out.String())
		}
		return stdout.String(), false
	})
	if !strings.Contains(dom, "<h1>Hello from socketrepl</h1>") {
		t.Errorf("the DOM chromium printed lacks the page's heading:\n%s", dom)
	}
	r.finish(t)
}

func TestWebServerCurl(t *testing.T) {
	curl := peertest.NeedProgram(t, "curl") // the web server script's browser
	r := startWebServer(t)
	resp := r.fetch(t, "curl", func(ctx context.Context) (string, bool) {
		cmd := exec.CommandContext(ctx, curl, "-s", "-i", webServerURL)
		cmd.WaitDelay = 2 * time.Second
		out, err := cmd.Output()
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 7 { // could not connect
			return "", true
		}
		if err != nil {
			t.Fatalf("curl: %v\n%s\nthe script printed:\n%s", err, out, r.out.String())
		}
		return string(out), false
	})
	head, body, ok := strings.Cut(resp, "\r\n\r\n")
	if !ok {
		t.Fatalf("curl printed no complete response head:\n%q", resp)
	}
	lines := strings.Split(head, "\r\n")
	if lines[0] != "HTTP/1.1 200 OK" {
		t.Errorf("status line %q, want HTTP/1.1 200 OK", lines[0])
	}
	wantHeaders := []string{
		"Content-Type: text/html",
		fmt.Sprintf("Content-Length: %d", len(webServerBody)),
		"Connection: close",
	}
	if got := lines[1:]; strings.Join(got, "\n") != strings.Join(wantHeaders, "\n") {
		t.Errorf("headers\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantHeaders, "\n"))
	}
	if body != webServerBody {
		t.Errorf("body %q, want %q", body, webServerBody)
	}
	r.finish(t)
}
