// Package history decides where socketrepl keeps its line-editing history
// and how an input is turned into a history entry.
//
// The package deliberately knows nothing about the line editor
// (github.com/chzyer/readline) or the rest of socketrepl: it only resolves a
// file path, makes sure that file exists with private permissions, and
// flattens multi-line inputs into the one-line-per-entry form the editor
// stores. Every dependency on the process environment is injected through
// [Options] so the precedence rules can be tested without touching the real
// environment or home directory.
//
// History is a convenience, never a reason to fail: every function here
// degrades to "history off" rather than stopping the REPL.
package history

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// EnvVar is the environment variable that picks the history file. Set to a
// path it selects that file; set to the empty string it turns history off
// (the conventional way to disable a feature from the environment without a
// separate "disable" variable).
const EnvVar = "SOCKETREPL_HISTORY"

// xdgStateEnv is the XDG Base Directory variable for state data. History is
// "state" in the XDG sense (it should persist across restarts but is not
// important or portable enough to live in XDG_DATA_HOME).
const xdgStateEnv = "XDG_STATE_HOME"

// Modes used for what Prepare creates. History can contain anything the user
// typed, including secrets passed to a kernel, so it is kept owner-only.
const (
	dirMode  fs.FileMode = 0o700
	fileMode fs.FileMode = 0o600
)

// Options are the inputs to [Path]. The environment is injected as
// functions so tests can describe any environment; [FromEnv] fills them
// from the running process.
type Options struct {
	// Flag is the value of --history PATH; "" means the flag was not given.
	Flag string
	// Disabled is --no-history. It beats everything else so a user can
	// always switch history off for one session regardless of environment.
	Disabled bool
	// Getenv looks up an environment variable, reporting whether it is set
	// (os.LookupEnv in production). The set/unset distinction matters
	// because SOCKETREPL_HISTORY="" means "off", not "unset". A nil Getenv
	// behaves as an empty environment.
	Getenv func(string) (string, bool)
	// HomeDir returns the user's home directory (os.UserHomeDir in
	// production). A nil HomeDir behaves as "no home directory".
	HomeDir func() (string, error)
}

// FromEnv returns Options for the given command-line flag values, reading
// the environment and home directory of the running process.
func FromEnv(flag string, disabled bool) Options {
	return Options{
		Flag:     flag,
		Disabled: disabled,
		Getenv:   os.LookupEnv,
		HomeDir:  os.UserHomeDir,
	}
}

// Path resolves where the history lives. The empty string means history is
// off; that is a normal outcome, never an error, because a REPL without
// history is still a working REPL.
//
// Precedence, highest first:
//
//  1. --no-history (Options.Disabled): off.
//  2. --history PATH (Options.Flag): PATH.
//  3. SOCKETREPL_HISTORY: its value if non-empty, off if set but empty.
//  4. $XDG_STATE_HOME/socketrepl/history, if XDG_STATE_HOME is absolute.
//     A relative value is ignored, as the XDG Base Directory specification
//     requires, because it would make the location depend on the current
//     directory.
//  5. ~/.local/state/socketrepl/history (the XDG default for state).
//
// If none of these applies (no usable XDG_STATE_HOME and no home
// directory, e.g. a daemon or container without HOME) history is off. A
// relative home directory is treated as no home directory for the same
// reason a relative XDG_STATE_HOME is ignored: it would scatter history
// files wherever the REPL happens to be started.
func Path(o Options) string {
	if o.Disabled {
		return ""
	}
	if o.Flag != "" {
		return o.Flag
	}
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) (string, bool) { return "", false }
	}
	if v, ok := getenv(EnvVar); ok {
		return v // "" turns history off
	}
	if v, ok := getenv(xdgStateEnv); ok && filepath.IsAbs(v) {
		return filepath.Join(v, "socketrepl", "history")
	}
	if o.HomeDir == nil {
		return ""
	}
	home, err := o.HomeDir()
	if err != nil || !filepath.IsAbs(home) {
		return ""
	}
	return filepath.Join(home, ".local", "state", "socketrepl", "history")
}

// Prepare makes path usable as a history file and returns the path to hand
// to the line editor.
//
// It creates the parent directory (0700) if missing and the file (0600) if
// missing, without truncating an existing file. An existing regular file
// whose permissions differ from 0600 (typically a 0644 file written by an
// older version or another tool) is chmod-ed to 0600, because history may
// hold secrets. Existing directories are left alone: the user may have
// pointed --history into a shared directory such as /tmp, whose mode is
// not ours to change. Non-regular files (e.g. /dev/null, a deliberate way to
// discard history) are accepted as they are and never chmod-ed.
//
// Prepare opens the file for writing to check it really is usable: readline
// silently drops history it cannot write, so this is the only place the
// user can learn about it. On any failure it returns "" (history off)
// together with the error, so the caller may mention it once; a caller that
// ignores the error still gets the right behaviour. An empty path returns
// "" and no error.
func Prepare(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	if err := os.MkdirAll(filepath.Dir(path), dirMode); err != nil {
		return "", fmt.Errorf("history: %w", err)
	}
	// O_APPEND, not O_TRUNC: existing history must survive.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, fileMode)
	if err != nil {
		return "", fmt.Errorf("history: %w", err)
	}
	err = restrict(f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("history: %w", cerr)
	}
	if err != nil {
		return "", err
	}
	return path, nil
}

// restrict makes an open regular file mode 0600. It works on the open
// descriptor rather than the path so that a symlinked history file has its
// target fixed, and so there is no window where the path could be swapped.
// It also corrects a freshly created file if the umask was unusual.
func restrict(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	if !fi.Mode().IsRegular() || fi.Mode().Perm() == fileMode {
		return nil
	}
	if err := f.Chmod(fileMode); err != nil {
		// We could write to the file but cannot make it private (e.g. it
		// belongs to someone else): keeping history there would leak
		// what the user types, so turn history off instead.
		return fmt.Errorf("history: cannot make %s private: %w", f.Name(), err)
	}
	return nil
}

// Trim keeps only the last limit entries of the history file at path,
// rewriting it with mode 0600. It does nothing if limit <= 0, if path is
// "", if the file does not exist, or if it already has at most limit lines.
//
// Why this exists: when readline (v1.5.1) loads a history file with more
// lines than its HistoryLimit, it rewrites the file by creating
// "<path>.tmp" with mode 0666 (0644 after the usual umask) and renaming it
// over the history, which silently undoes the 0600 that [Prepare]
// established. Calling Trim with the same limit before handing the path to
// readline keeps the file at or under the limit, so readline never
// rewrites it. Pass readline's effective limit (it uses 500 when
// HistoryLimit is 0).
//
// Blank lines are dropped (readline ignores them anyway) and every kept
// entry is newline-terminated. A symlinked history file is resolved first
// so the rename replaces the target, not the link. On error the original
// file is left untouched.
func Trim(path string, limit int) error {
	if path == "" || limit <= 0 {
		return nil
	}
	target, err := filepath.EvalSymlinks(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil // nothing to trim
	}
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	data, err := os.ReadFile(target)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	// readline counts every newline-terminated line it reads, blank or
	// not, against the limit; at or under it, readline will not rewrite.
	if bytes.Count(data, []byte("\n")) <= limit {
		return nil
	}
	var entries []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(line) != "" {
			entries = append(entries, line)
		}
	}
	if len(entries) > limit {
		entries = entries[len(entries)-limit:]
	}
	var buf strings.Builder
	for _, e := range entries {
		buf.WriteString(e)
		buf.WriteByte('\n')
	}
	return replace(target, buf.String())
}

// replace atomically replaces path with content, mode 0600. The temporary
// file is created by os.CreateTemp, which uses mode 0600, so the history is
// never readable by others even briefly.
func replace(path, content string) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".history-*.tmp")
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			err = fmt.Errorf("history: %w", err)
		}
	}()
	if err = tmp.Chmod(fileMode); err != nil {
		return err
	}
	if _, err = tmp.WriteString(content); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Flatten turns one complete REPL input into a single history entry.
//
// readline stores one line per entry, so a multi-line input (an
// expression continued over several lines) must become one line or
// pressing Up would recall it piecemeal. Lines are split on "\n", "\r\n"
// and lone "\r"; each line is trimmed of surrounding whitespace (trailing
// spaces are noise, and indentation of continuation lines would otherwise
// become runs of spaces); blank lines are dropped; the rest are joined
// with a single space. In Wolfram Language a line break between the parts
// of an unfinished expression is whitespace, so the joined line evaluates
// the same as the original.
//
// The transformation is not reversible, and inside a string literal that
// spans lines the newline (and indentation) does change the string; that
// is the price of readline's one-line entries.
//
// A blank input yields "", which callers should not save.
func Flatten(input string) string {
	input = strings.ReplaceAll(input, "\r\n", "\n")
	input = strings.ReplaceAll(input, "\r", "\n")
	var parts []string
	for _, line := range strings.Split(input, "\n") {
		if line = strings.TrimFunc(line, unicode.IsSpace); line != "" {
			parts = append(parts, line)
		}
	}
	return strings.Join(parts, " ")
}
