package main

import (
	"errors"
	"io"
	"os"

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

func newTTYLines(o *options, takeInterrupt func() bool) (*ttyLines, error) {
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
	})
	if err != nil {
		return nil, err
	}
	t.rl = rl
	return t, nil
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
