package main

import (
	"errors"
	"io"
	"os"
	"strings"

	"github.com/chzyer/readline"

	"github.com/socketrepl/socketrepl/history"
)

// historyLimit is how many inputs the history file keeps.
const historyLimit = 1000

// ttyLines reads lines with readline, on terminals only. It is the one file that knows
// readline, so that replacing it touches nothing else.
type ttyLines struct {
	rl *readline.Instance
	// takeInterrupt, when set, sees Ctrl-C first: true means it was taken (handlers running
	// while the prompt is idle were stopped) and the line being typed is left alone
	takeInterrupt func() bool
}

func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && readline.IsTerminal(int(file.Fd()))
}

// newTTYLines opens the terminal; complete gives Tab's completions (eval.Session.Complete);
// takeInterrupt sees Ctrl-C first (see ttyLines).
func newTTYLines(o *options, complete func(line string, pos int) ([]string, int), takeInterrupt func() bool) (*ttyLines, error) {
	path, _ := history.Prepare(history.Path(history.FromEnv(o.history, o.noHistory)))
	if path != "" {
		_ = history.Trim(path, historyLimit)
	}
	t := &ttyLines{takeInterrupt: takeInterrupt}
	rl, err := readline.NewEx(&readline.Config{
		Prompt:                 "In[1]:= ",
		HistoryFile:            path,
		HistoryLimit:           historyLimit,
		DisableAutoSaveHistory: true,
		HistorySearchFold:      true,
		InterruptPrompt:        "^C",
		EOFPrompt:              "",
		FuncFilterInputRune: func(r rune) (rune, bool) {
			if r == readline.CharInterrupt && t.takeInterrupt != nil && t.takeInterrupt() {
				return r, false
			}
			return r, true
		},
		AutoComplete: completer(complete),
	})
	if err != nil {
		return nil, err
	}
	t.rl = rl
	return t, nil
}

// completer adapts the session's completion to readline, which wants, for each candidate,
// the text to add after the word before the cursor, and the word's length.
type completer func(line string, pos int) ([]string, int)

func (c completer) Do(line []rune, pos int) ([][]rune, int) {
	candidates, n := c(string(line), pos)
	if n < 0 || n > pos || pos > len(line) {
		return nil, 0
	}
	word := string(line[pos-n : pos])
	out := make([][]rune, 0, len(candidates))
	for _, cand := range candidates {
		if rest, ok := strings.CutPrefix(cand, word); ok {
			out = append(out, []rune(rest))
		}
	}
	return out, n
}

func (t *ttyLines) Next(prompt string) (string, error) {
	t.rl.SetPrompt(prompt)
	line, err := t.rl.Readline()
	switch {
	case errors.Is(err, readline.ErrInterrupt):
		return "", errInterrupt
	case err == io.EOF:
		return "", io.EOF
	}
	return line, err
}

func (t *ttyLines) Save(input string) {
	if e := history.Flatten(input); e != "" {
		_ = t.rl.SaveHistory(e)
	}
}

// Stdout is the writer for everything the session prints: readline redraws the prompt and
// the half-typed line around it.
func (t *ttyLines) Stdout() io.Writer { return t.rl.Stdout() }

func (t *ttyLines) Close() { t.rl.Close() }
