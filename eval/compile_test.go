package eval

import "testing"

// A compiled Table body gives exactly what evaluating it element by element gives; bodies it
// cannot compile, and values that overflow, take the ordinary path.
func TestTableCompiled(t *testing.T) {
	for _, body := range []string{"i^2", "2 i + 1", "i (i + 1) (i + 2)", "3", "i^3 - i", "(i + 7)^5",
		"i^20", "2^i", "i/2", "i^-1", "x i", "Mod[i, 3]", "-i"} {
		for _, iter := range []string{"{i, 10}", "{i, -50, 50, 3}", "{i, 10^4, 1, -7}", "{i, 3*10^9, 3*10^9 + 5}"} {
			compiled := run(t, "Table["+body+", "+iter+"]")
			// Module hides i from the compiler: the ordinary path, element by element
			plain := run(t, "Table[Module[{j = i}, "+body+" /. i -> j], "+iter+"]")
			if compiled != plain {
				t.Errorf("Table[%s, %s]:\ncompiled %.200s\n   plain %.200s", body, iter, compiled, plain)
			}
		}
	}
	if got := run(t, "Table[i^2, {i, 5}]"); got != "{1, 4, 9, 16, 25}" {
		t.Errorf("got %s", got)
	}
	if got := run(t, "i = 7; Table[i^2, {i, 3}]; i"); got != "7" {
		t.Errorf("the iterator variable should keep its value: %s", got)
	}
}
