package history

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// env builds an injected Getenv from a map; keys absent from the map are
// unset, keys mapped to "" are set but empty.
func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func home(dir string) func() (string, error) {
	return func() (string, error) { return dir, nil }
}

func noHome() (string, error) { return "", errors.New("$HOME is not defined") }

func TestPath(t *testing.T) {
	const (
		flag = "/flag/hist"
		envp = "/env/hist"
		xdg  = "/xdg/state"
		hd   = "/home/u"
	)
	var (
		xdgPath  = filepath.Join(xdg, "socketrepl", "history")
		homePath = filepath.Join(hd, ".local", "state", "socketrepl", "history")
		all      = map[string]string{EnvVar: envp, "XDG_STATE_HOME": xdg}
	)
	tests := []struct {
		name string
		o    Options
		want string
	}{
		// --no-history beats everything.
		{"disabled beats all", Options{Disabled: true, Flag: flag, Getenv: env(all), HomeDir: home(hd)}, ""},
		{"disabled alone", Options{Disabled: true, Getenv: env(nil), HomeDir: home(hd)}, ""},
		// --history PATH beats the environment.
		{"flag beats env and xdg", Options{Flag: flag, Getenv: env(all), HomeDir: home(hd)}, flag},
		{"flag beats empty env var", Options{Flag: flag, Getenv: env(map[string]string{EnvVar: ""}), HomeDir: home(hd)}, flag},
		{"flag without home", Options{Flag: flag, Getenv: env(nil), HomeDir: noHome}, flag},
		{"relative flag kept as given", Options{Flag: "h.txt", Getenv: env(nil), HomeDir: home(hd)}, "h.txt"},
		// SOCKETREPL_HISTORY beats XDG and HOME; empty means off.
		{"env var beats xdg", Options{Getenv: env(all), HomeDir: home(hd)}, envp},
		{"env var beats home", Options{Getenv: env(map[string]string{EnvVar: envp}), HomeDir: home(hd)}, envp},
		{"env var empty turns off", Options{Getenv: env(map[string]string{EnvVar: "", "XDG_STATE_HOME": xdg}), HomeDir: home(hd)}, ""},
		{"env var without home", Options{Getenv: env(map[string]string{EnvVar: envp}), HomeDir: noHome}, envp},
		// XDG_STATE_HOME beats HOME, but only when absolute.
		{"xdg beats home", Options{Getenv: env(map[string]string{"XDG_STATE_HOME": xdg}), HomeDir: home(hd)}, xdgPath},
		{"xdg without home", Options{Getenv: env(map[string]string{"XDG_STATE_HOME": xdg}), HomeDir: noHome}, xdgPath},
		{"relative xdg ignored", Options{Getenv: env(map[string]string{"XDG_STATE_HOME": "state"}), HomeDir: home(hd)}, homePath},
		{"dot-relative xdg ignored", Options{Getenv: env(map[string]string{"XDG_STATE_HOME": "./state"}), HomeDir: home(hd)}, homePath},
		{"empty xdg ignored", Options{Getenv: env(map[string]string{"XDG_STATE_HOME": ""}), HomeDir: home(hd)}, homePath},
		{"relative xdg and no home", Options{Getenv: env(map[string]string{"XDG_STATE_HOME": "state"}), HomeDir: noHome}, ""},
		// HOME fallback.
		{"home default", Options{Getenv: env(nil), HomeDir: home(hd)}, homePath},
		{"no home", Options{Getenv: env(nil), HomeDir: noHome}, ""},
		{"empty home without error", Options{Getenv: env(nil), HomeDir: home("")}, ""},
		{"relative home", Options{Getenv: env(nil), HomeDir: home("u")}, ""},
		// Nil injections behave as an empty environment and no home, never
		// as the real process environment.
		{"zero options", Options{}, ""},
		{"nil getenv", Options{HomeDir: home(hd)}, homePath},
		{"nil homedir", Options{Getenv: env(map[string]string{"XDG_STATE_HOME": xdg})}, xdgPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Path(tt.o); got != tt.want {
				t.Errorf("Path() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFromEnv(t *testing.T) {
	t.Setenv(EnvVar, "/from/env")
	o := FromEnv("", false)
	if o.Getenv == nil || o.HomeDir == nil {
		t.Fatal("FromEnv left Getenv or HomeDir nil")
	}
	if got := Path(o); got != "/from/env" {
		t.Errorf("Path(FromEnv) = %q, want /from/env", got)
	}
	if got := Path(FromEnv("/f", false)); got != "/f" {
		t.Errorf("Path(FromEnv(/f)) = %q, want /f", got)
	}
	if got := Path(FromEnv("/f", true)); got != "" {
		t.Errorf("Path(FromEnv(disabled)) = %q, want off", got)
	}
}

func skipModes(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("Unix permission bits not supported on " + runtime.GOOS)
	}
}

func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("mode of %s = %#o, want %#o", path, got, want)
	}
}

func TestPrepare(t *testing.T) {
	skipModes(t)
	tests := []struct {
		name     string
		setup    func(t *testing.T, dir string) string // returns the path to prepare
		wantDirs []string                              // relative to dir, must be 0700
		content  string                                // expected content afterwards
	}{
		{
			name:     "creates nested dirs and file",
			setup:    func(t *testing.T, dir string) string { return filepath.Join(dir, "a", "b", "history") },
			wantDirs: []string{"a", "a/b"},
		},
		{
			name:  "creates file in existing dir",
			setup: func(t *testing.T, dir string) string { return filepath.Join(dir, "history") },
		},
		{
			name: "fixes existing 0644 file without truncating",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "history")
				writeFile(t, p, "x = 1\n", 0o644)
				return p
			},
			content: "x = 1\n",
		},
		{
			name: "fixes existing 0666 file",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "history")
				writeFile(t, p, "y\n", 0o666)
				return p
			},
			content: "y\n",
		},
		{
			name: "keeps existing 0600 file",
			setup: func(t *testing.T, dir string) string {
				p := filepath.Join(dir, "history")
				writeFile(t, p, "z\n", 0o600)
				return p
			},
			content: "z\n",
		},
		{
			name: "fixes symlink target",
			setup: func(t *testing.T, dir string) string {
				target := filepath.Join(dir, "real")
				writeFile(t, target, "w\n", 0o644)
				link := filepath.Join(dir, "link")
				if err := os.Symlink(target, link); err != nil {
					t.Skip("symlinks unsupported:", err)
				}
				return link
			},
			content: "w\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tt.setup(t, dir)
			got, err := Prepare(path)
			if err != nil {
				t.Fatalf("Prepare(%q) error: %v", path, err)
			}
			if got != path {
				t.Fatalf("Prepare(%q) = %q, want the same path", path, got)
			}
			wantMode(t, path, 0o600)
			for _, d := range tt.wantDirs {
				wantMode(t, filepath.Join(dir, filepath.FromSlash(d)), 0o700)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.content {
				t.Errorf("content = %q, want %q", b, tt.content)
			}
		})
	}
}

func TestPrepareLeavesExistingDirAlone(t *testing.T) {
	skipModes(t)
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // defeat umask
		t.Fatal(err)
	}
	p := filepath.Join(dir, "history")
	if _, err := Prepare(p); err != nil {
		t.Fatal(err)
	}
	wantMode(t, dir, 0o755)
	wantMode(t, p, 0o600)
}

func TestPrepareFailure(t *testing.T) {
	dir := t.TempDir()
	regular := filepath.Join(dir, "file")
	writeFile(t, regular, "", 0o600)
	tests := []struct {
		name string
		path string
	}{
		{"under a regular file", filepath.Join(regular, "history")},
		{"deep under a regular file", filepath.Join(regular, "a", "b", "history")},
		{"path is a directory", dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Prepare(tt.path)
			if got != "" {
				t.Errorf("Prepare(%q) = %q, want \"\"", tt.path, got)
			}
			if err == nil {
				t.Errorf("Prepare(%q) returned no error", tt.path)
			}
		})
	}
}

func TestPrepareEmpty(t *testing.T) {
	got, err := Prepare("")
	if got != "" || err != nil {
		t.Errorf(`Prepare("") = %q, %v; want "", nil`, got, err)
	}
}

func writeFile(t *testing.T, path, content string, mode fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	// os.WriteFile is subject to the umask; force the exact mode.
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func lines(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString(strings.Repeat("x", i))
		b.WriteByte('\n')
	}
	return b.String()
}

func TestTrim(t *testing.T) {
	skipModes(t)
	tests := []struct {
		name    string
		content string
		limit   int
		want    string
		wantMod fs.FileMode // mode afterwards (file starts at 0644 so a rewrite is visible)
	}{
		{"under limit untouched", lines(3), 5, lines(3), 0o644},
		{"at limit untouched", lines(5), 5, lines(5), 0o644},
		{"limit zero disables", lines(5), 0, lines(5), 0o644},
		{"negative limit disables", lines(5), -1, lines(5), 0o644},
		{"over limit keeps newest", lines(5), 2, "xxxx\nxxxxx\n", 0o600},
		{"blank lines dropped and counted", "a\n\n\nb\n", 3, "a\nb\n", 0o600},
		{"unterminated last line kept", "a\nb\nc\nd", 2, "c\nd\n", 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "history")
			writeFile(t, p, tt.content, 0o644)
			if err := Trim(p, tt.limit); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("content = %q, want %q", b, tt.want)
			}
			wantMode(t, p, tt.wantMod)
			leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(p), ".history-*"))
			if len(leftovers) != 0 {
				t.Errorf("temporary files left behind: %v", leftovers)
			}
		})
	}
}

func TestTrimSymlink(t *testing.T) {
	skipModes(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "real")
	writeFile(t, target, lines(4), 0o600)
	link := filepath.Join(dir, "link")
	if err := os.Symlink(target, link); err != nil {
		t.Skip("symlinks unsupported:", err)
	}
	if err := Trim(link, 1); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("link replaced by a regular file (err %v)", err)
	}
	b, _ := os.ReadFile(target)
	if string(b) != "xxxx\n" {
		t.Errorf("target content = %q, want %q", b, "xxxx\n")
	}
}

func TestTrimNoFile(t *testing.T) {
	if err := Trim(filepath.Join(t.TempDir(), "missing"), 10); err != nil {
		t.Errorf("Trim on missing file: %v", err)
	}
	if err := Trim("", 10); err != nil {
		t.Errorf(`Trim(""): %v`, err)
	}
}

func TestFlatten(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"blank spaces", "   ", ""},
		{"blank lines", "\n\n  \t\n", ""},
		{"blank CRLF lines", "\r\n \r\n", ""},
		{"single line", "1 + 2", "1 + 2"},
		{"trailing newline dropped", "1 + 2\n", "1 + 2"},
		{"trailing CRLF dropped", "1 + 2\r\n", "1 + 2"},
		{"trailing whitespace trimmed", "1 + 2  \t", "1 + 2"},
		{"inner spacing kept", "f[a,   b]", "f[a,   b]"},
		{"multi-line joined", "f[x_] :=\n  Module[{y},\n    y = x;\n    y^2]\n", "f[x_] := Module[{y}, y = x; y^2]"},
		{"multi-line trailing spaces", "1 +   \n2\n", "1 + 2"},
		{"CRLF", "a = {1,\r\n 2}\r\n", "a = {1, 2}"},
		{"lone CR", "a +\rb", "a + b"},
		{"blank line in middle", "a +\n\n   \nb", "a + b"},
		{"leading blank lines", "\n\nx", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Flatten(tt.in)
			if got != tt.want {
				t.Errorf("Flatten(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if strings.ContainsAny(got, "\r\n") {
				t.Errorf("Flatten(%q) = %q contains a line break", tt.in, got)
			}
		})
	}
}
