package main

import "strings"

// informationQuery reads an input that begins with ? as Wolfram's text-mode kernel reads it:
// ?Name is Information["Name", LongForm -> False] and ??Name is Information["Name"], where
// Name may be a pattern (?Socket*). It gives the input to evaluate in its place, and whether
// the input was such a query. The name goes in as a string, so that asking about x does not
// make a symbol x.
func informationQuery(input string) (string, bool) {
	q, ok := strings.CutPrefix(strings.TrimLeft(input, " \t"), "?")
	if !ok || strings.Contains(q, "\n") {
		return "", false
	}
	long := false
	if rest, ok := strings.CutPrefix(q, "?"); ok {
		q, long = rest, true
	}
	name := strings.TrimSpace(q)
	if name == "" {
		return "", false // a lone ? is left to the parser, which says what is wrong with it
	}
	name = strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)
	if long {
		return `Information["` + name + `"]`, true
	}
	return `Information["` + name + `", LongForm -> False]`, true
}

// isInformationQuery reports whether an input's first line begins with ?, which makes the
// line complete on its own: ?Socket* ends in what would otherwise be an operator waiting for
// more, and a lone ? gets its syntax error at once.
func isInformationQuery(input string) bool {
	return strings.HasPrefix(strings.TrimLeft(input, " \t"), "?") && !strings.Contains(input, "\n")
}
