package eval

import (
	"bytes"
	"context"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/socketrepl/socketrepl/grammar"
)

// binEval evaluates one input in a fresh session and gives its value (an Expr, not its text).
func binEval(t *testing.T, in string) Expr {
	t.Helper()
	var out bytes.Buffer
	s := NewSession(&out)
	n, err := grammar.Parse(in)
	if err != nil {
		t.Fatalf("parse %q: %v", in, err)
	}
	v := s.Run(context.Background(), n, in).Value
	if out.Len() > 0 {
		t.Fatalf("%s printed %q", in, out.String())
	}
	return v
}

func binType(t *testing.T, name string) binaryType {
	t.Helper()
	ty, ok := lookupBinaryType(name)
	if !ok {
		t.Fatalf("lookupBinaryType(%q) failed", name)
	}
	return ty
}

func binReversed(b []byte) []byte {
	r := slices.Clone(b)
	slices.Reverse(r)
	return r
}

func binPow2(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }

func TestBinaryLookup(t *testing.T) {
	sizes := map[string]int{
		"Byte": 1, "Character8": 1, "Character16": 2, "Character32": 4,
		"Integer8": 1, "Integer16": 2, "Integer24": 3, "Integer32": 4, "Integer64": 8, "Integer128": 16,
		"UnsignedInteger8": 1, "UnsignedInteger16": 2, "UnsignedInteger24": 3, "UnsignedInteger32": 4,
		"UnsignedInteger64": 8, "UnsignedInteger128": 16,
		"Real32": 4, "Real64": 8,
	}
	for name, n := range sizes {
		if got := binType(t, name).size(); got != n {
			t.Errorf("%s: size %d, want %d", name, got, n)
		}
	}
	for _, name := range []string{"", "byte", "Integer", "Integer12", "Real128", "Complex64", "TerminatedString", "Character", "UnsignedInteger"} {
		if _, ok := lookupBinaryType(name); ok {
			t.Errorf("lookupBinaryType(%q) succeeded", name)
		}
	}
}

func TestBinaryByteOrdering(t *testing.T) {
	for _, c := range []struct {
		e      Expr
		le, ok bool
	}{
		{Int(-1), true, true},
		{Int(1), false, true},
		{Int(0), false, false},
		{Int(2), false, false},
		{Real(1), false, false},
		{Real(-1), false, false},
		{String("-1"), false, false},
		{SymNull, false, false},
		{&BigInt{V: binPow2(70)}, false, false},
	} {
		le, ok := byteOrdering(c.e)
		if le != c.le || ok != c.ok {
			t.Errorf("byteOrdering(%s) = %v, %v; want %v, %v", InputForm(c.e), le, ok, c.le, c.ok)
		}
	}
	// the option values as the evaluator gives them
	if le, ok := byteOrdering(binEval(t, "-1")); !le || !ok {
		t.Errorf("byteOrdering(-1) = %v, %v", le, ok)
	}
	if le, ok := byteOrdering(binEval(t, "+1")); le || !ok {
		t.Errorf("byteOrdering(+1) = %v, %v", le, ok)
	}
}

// binCase is a value and its encoding most significant byte first (ByteOrdering -> 1); the
// little-endian encoding is the reverse. back is what decode gives, when not x itself.
type binCase struct {
	typ  string
	x    Expr
	be   []byte
	back Expr
}

func checkBinaryCases(t *testing.T, cases []binCase) {
	t.Helper()
	for _, c := range cases {
		ty := binType(t, c.typ)
		want := c.back
		if want == nil {
			want = c.x
		}
		for _, le := range []bool{false, true} {
			wantBytes := c.be
			if le {
				wantBytes = binReversed(c.be)
			}
			prefix := []byte{0xAA}
			got, ok := ty.encode(prefix, c.x, le)
			if !ok {
				t.Errorf("%s encode %s (le=%v) failed", c.typ, InputForm(c.x), le)
				continue
			}
			if !bytes.Equal(got[:1], prefix) || !bytes.Equal(got[1:], wantBytes) {
				t.Errorf("%s encode %s (le=%v) = % x, want aa % x", c.typ, InputForm(c.x), le, got, wantBytes)
			}
			if len(wantBytes) != ty.size() {
				t.Fatalf("bad case %s %s: %d bytes", c.typ, InputForm(c.x), len(wantBytes))
			}
			if back := ty.decode(wantBytes, le); !SameQ(back, want) {
				t.Errorf("%s decode % x (le=%v) = %s, want %s", c.typ, wantBytes, le, FullForm(back), FullForm(want))
			}
		}
	}
}

func TestBinaryIntegers(t *testing.T) {
	checkBinaryCases(t, []binCase{
		{"Byte", Int(0), []byte{0}, nil},
		{"Byte", Int(97), []byte{97}, nil},
		{"Byte", Int(255), []byte{255}, nil},
		{"UnsignedInteger8", Int(255), []byte{255}, nil},
		{"UnsignedInteger8", Int(128), []byte{0x80}, nil},
		{"Integer8", Int(127), []byte{0x7f}, nil},
		{"Integer8", Int(-128), []byte{0x80}, nil},
		{"Integer8", Int(-1), []byte{0xff}, nil},
		{"Integer8", Int(0), []byte{0}, nil},
		{"Integer16", Int(12345), []byte{0x30, 0x39}, nil},
		{"Integer16", Int(-2), []byte{0xff, 0xfe}, nil},
		{"Integer16", Int(32767), []byte{0x7f, 0xff}, nil},
		{"Integer16", Int(-32768), []byte{0x80, 0x00}, nil},
		{"UnsignedInteger16", Int(65535), []byte{0xff, 0xff}, nil},
		{"UnsignedInteger16", Int(258), []byte{1, 2}, nil},
		{"Integer24", Int(8388607), []byte{0x7f, 0xff, 0xff}, nil},
		{"Integer24", Int(-8388608), []byte{0x80, 0, 0}, nil},
		{"Integer24", Int(-1), []byte{0xff, 0xff, 0xff}, nil},
		{"Integer24", Int(0x010203), []byte{1, 2, 3}, nil},
		{"UnsignedInteger24", Int(16777215), []byte{0xff, 0xff, 0xff}, nil},
		{"UnsignedInteger24", Int(0x800000), []byte{0x80, 0, 0}, nil},
		{"Integer32", Int(12345), []byte{0, 0, 0x30, 0x39}, nil},
		{"Integer32", Int(math.MaxInt32), []byte{0x7f, 0xff, 0xff, 0xff}, nil},
		{"Integer32", Int(math.MinInt32), []byte{0x80, 0, 0, 0}, nil},
		{"UnsignedInteger32", Int(math.MaxUint32), []byte{0xff, 0xff, 0xff, 0xff}, nil},
		{"UnsignedInteger32", Int(0x01020304), []byte{1, 2, 3, 4}, nil},
		{"Integer64", Int(math.MaxInt64), []byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, nil},
		{"Integer64", Int(math.MinInt64), []byte{0x80, 0, 0, 0, 0, 0, 0, 0}, nil},
		{"Integer64", Int(-1), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, nil},
		{"UnsignedInteger64", Int(math.MaxInt64), []byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, nil},
		{"UnsignedInteger64", Int(0x0102030405060708), []byte{1, 2, 3, 4, 5, 6, 7, 8}, nil},
		{"Integer128", Int(1), []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, nil},
		{"Integer128", Int(-1), bytes.Repeat([]byte{0xff}, 16), nil},
		{"Integer128", Int(math.MinInt64), append(bytes.Repeat([]byte{0xff}, 8), 0x80, 0, 0, 0, 0, 0, 0, 0), nil},
		{"UnsignedInteger128", Int(math.MaxInt64), append(make([]byte, 8), 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), nil},
		{"UnsignedInteger128", Int(0), make([]byte, 16), nil},
	})
}

func TestBinaryBigIntegers(t *testing.T) {
	u64max := new(big.Int).SetUint64(math.MaxUint64)
	u128max := new(big.Int).Sub(binPow2(128), big.NewInt(1))
	i128max := new(big.Int).Sub(binPow2(127), big.NewInt(1))
	i128min := new(big.Int).Neg(binPow2(127))
	checkBinaryCases(t, []binCase{
		{"UnsignedInteger64", &BigInt{V: u64max}, bytes.Repeat([]byte{0xff}, 8), nil},
		{"UnsignedInteger64", &BigInt{V: binPow2(63)}, []byte{0x80, 0, 0, 0, 0, 0, 0, 0}, nil},
		{"UnsignedInteger128", &BigInt{V: u128max}, bytes.Repeat([]byte{0xff}, 16), nil},
		{"UnsignedInteger128", &BigInt{V: u64max}, append(make([]byte, 8), bytes.Repeat([]byte{0xff}, 8)...), nil},
		{"UnsignedInteger128", &BigInt{V: binPow2(64)}, append(make([]byte, 7), 1, 0, 0, 0, 0, 0, 0, 0, 0), nil},
		{"UnsignedInteger128", &BigInt{V: binPow2(127)}, append([]byte{0x80}, make([]byte, 15)...), nil},
		{"Integer128", &BigInt{V: i128max}, append([]byte{0x7f}, bytes.Repeat([]byte{0xff}, 15)...), nil},
		{"Integer128", &BigInt{V: i128min}, append([]byte{0x80}, make([]byte, 15)...), nil},
		{"Integer128", &BigInt{V: binPow2(64)}, append(make([]byte, 7), 1, 0, 0, 0, 0, 0, 0, 0, 0), nil},
		{"Integer128", &BigInt{V: new(big.Int).Neg(binPow2(64))}, append(bytes.Repeat([]byte{0xff}, 7), 0xff, 0, 0, 0, 0, 0, 0, 0, 0), nil},
		{"Integer128", &BigInt{V: new(big.Int).Sub(big.NewInt(math.MinInt64), big.NewInt(1))}, append(bytes.Repeat([]byte{0xff}, 8), 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), nil},
		{"Integer128", &BigInt{V: new(big.Int).Add(big.NewInt(math.MaxInt64), big.NewInt(1))}, append(make([]byte, 8), 0x80, 0, 0, 0, 0, 0, 0, 0), nil},
	})

	// values as the evaluator writes them
	for _, c := range []struct{ typ, in string }{
		{"UnsignedInteger64", "2^64 - 1"},
		{"UnsignedInteger64", "2^63"},
		{"UnsignedInteger128", "2^128 - 1"},
		{"UnsignedInteger128", "2^100 + 12345"},
		{"Integer128", "-2^127"},
		{"Integer128", "2^127 - 1"},
		{"Integer128", "-2^100 - 7"},
	} {
		ty := binType(t, c.typ)
		x := binEval(t, c.in)
		if _, ok := x.(*BigInt); !ok {
			t.Fatalf("%s evaluated to %s", c.in, FullForm(x))
		}
		for _, le := range []bool{false, true} {
			b, ok := ty.encode(nil, x, le)
			if !ok || len(b) != ty.size() {
				t.Errorf("%s encode %s (le=%v): % x, %v", c.typ, c.in, le, b, ok)
				continue
			}
			if back := ty.decode(b, le); !SameQ(back, x) {
				t.Errorf("%s round trip of %s (le=%v) gave %s", c.typ, c.in, le, FullForm(back))
			}
		}
	}

	// decoded values that fit 64 bits are Int, never *BigInt
	for _, c := range []struct {
		typ string
		be  []byte
	}{
		{"Integer128", append(make([]byte, 8), 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)},
		{"Integer128", append(bytes.Repeat([]byte{0xff}, 8), 0x80, 0, 0, 0, 0, 0, 0, 0)},
		{"UnsignedInteger128", append(make([]byte, 15), 5)},
		{"UnsignedInteger64", []byte{0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	} {
		if v := binType(t, c.typ).decode(c.be, false); !binIsInt(v) {
			t.Errorf("%s decode % x = %s (%T), want an Int", c.typ, c.be, FullForm(v), v)
		}
	}
	if v := binType(t, "UnsignedInteger64").decode(bytes.Repeat([]byte{0xff}, 8), true); FullForm(v) != "18446744073709551615" {
		t.Errorf("UnsignedInteger64 all ones = %s", FullForm(v))
	}
	if v := binType(t, "Integer64").decode(bytes.Repeat([]byte{0xff}, 8), true); v != Int(-1) {
		t.Errorf("Integer64 all ones = %s", FullForm(v))
	}
}

func binIsInt(e Expr) bool { _, ok := e.(Int); return ok }

// Known little-endian vectors: bytes written by Wolfram's BinaryWrite and read back by
// BinaryRead (the expected values agree with the test suite of another implementation).
func TestBinaryKnownVectors(t *testing.T) {
	big128 := func(s string) Expr {
		n, ok := new(big.Int).SetString(s, 10)
		if !ok {
			t.Fatal(s)
		}
		return BigOrInt(n)
	}
	for _, c := range []struct {
		typ string
		le  []byte
		x   Expr
	}{
		{"Integer16", []byte{149, 2}, Int(661)},
		{"Integer16", []byte{177, 132}, Int(-31567)},
		{"Integer24", []byte{152, 173, 160}, Int(-6247016)},
		{"UnsignedInteger24", []byte{78, 35, 226}, Int(14820174)},
		{"Integer32", []byte{209, 99, 23, 218}, Int(-636001327)},
		{"UnsignedInteger32", []byte{141, 183, 203, 247}, Int(4157323149)},
		{"Integer64", []byte{37, 217, 208, 88, 14, 241, 170, 137}, Int(-8526737900550694619)},
		{"Integer128", []byte{140, 32, 24, 199, 10, 169, 248, 117, 123, 184, 75, 76, 34, 206, 49, 105}, big128("139827542997232652313568968616424513676")},
		{"Integer128", []byte{113, 100, 125, 144, 211, 83, 140, 24, 206, 11, 198, 118, 222, 152, 23, 219}, big128("-49058912464625098822365387707690163087")},
		{"UnsignedInteger128", []byte{108, 78, 217, 150, 88, 126, 152, 101, 231, 134, 176, 140, 118, 81, 183, 220}, big128("293382001665435747348222619884289871468")},
		{"Real32", []byte{0, 0, 128, 127}, SymInfinity},
		{"Real32", []byte{0, 0, 128, 255}, negInfinity},
		{"Real32", []byte{1, 0, 128, 127}, SymIndeterminate},
		{"Real64", []byte{0, 0, 0, 0, 0, 0, 240, 255}, negInfinity},
		{"Real64", []byte{1, 0, 0, 0, 0, 0, 240, 255}, SymIndeterminate},
		{"Character8", []byte{97}, String("a")},
		{"Character16", []byte{97, 0}, String("a")},
	} {
		ty := binType(t, c.typ)
		if v := ty.decode(c.le, true); !SameQ(v, c.x) {
			t.Errorf("%s decode % x = %s, want %s", c.typ, c.le, FullForm(v), FullForm(c.x))
		}
		if c.x == SymIndeterminate {
			continue // NaN payloads need not survive
		}
		if b, ok := ty.encode(nil, c.x, true); !ok || !bytes.Equal(b, c.le) {
			t.Errorf("%s encode %s = % x, %v; want % x", c.typ, FullForm(c.x), b, ok, c.le)
		}
	}
}

func TestBinaryIntegerRange(t *testing.T) {
	// for each type: the smallest and largest values; one past either fails
	for _, c := range []struct {
		typ      string
		min, max *big.Int
	}{
		{"Byte", big.NewInt(0), big.NewInt(255)},
		{"UnsignedInteger8", big.NewInt(0), big.NewInt(255)},
		{"UnsignedInteger16", big.NewInt(0), big.NewInt(65535)},
		{"UnsignedInteger24", big.NewInt(0), big.NewInt(1<<24 - 1)},
		{"UnsignedInteger32", big.NewInt(0), big.NewInt(1<<32 - 1)},
		{"UnsignedInteger64", big.NewInt(0), new(big.Int).Sub(binPow2(64), big.NewInt(1))},
		{"UnsignedInteger128", big.NewInt(0), new(big.Int).Sub(binPow2(128), big.NewInt(1))},
		{"Integer8", big.NewInt(-128), big.NewInt(127)},
		{"Integer16", big.NewInt(-32768), big.NewInt(32767)},
		{"Integer24", big.NewInt(-1 << 23), big.NewInt(1<<23 - 1)},
		{"Integer32", big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)},
		{"Integer64", big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)},
		{"Integer128", new(big.Int).Neg(binPow2(127)), new(big.Int).Sub(binPow2(127), big.NewInt(1))},
	} {
		ty := binType(t, c.typ)
		one := big.NewInt(1)
		for _, le := range []bool{false, true} {
			for _, v := range []*big.Int{c.min, c.max, new(big.Int).Add(c.min, one), new(big.Int).Sub(c.max, one)} {
				x := BigOrInt(new(big.Int).Set(v))
				b, ok := ty.encode(nil, x, le)
				if !ok || len(b) != ty.size() {
					t.Errorf("%s encode %s (le=%v): % x, %v", c.typ, v, le, b, ok)
					continue
				}
				if back := ty.decode(b, le); !SameQ(back, x) {
					t.Errorf("%s round trip of %s (le=%v) gave %s", c.typ, v, le, FullForm(back))
				}
			}
			for _, v := range []*big.Int{new(big.Int).Sub(c.min, one), new(big.Int).Add(c.max, one), new(big.Int).Lsh(c.max, 70), new(big.Int).Sub(new(big.Int).Lsh(c.min, 70), one)} {
				x := BigOrInt(v)
				if b, ok := ty.encode([]byte{7}, x, le); ok || !bytes.Equal(b, []byte{7}) {
					t.Errorf("%s encode %s (le=%v) = % x, %v; want failure, dst unchanged", c.typ, v, le, b, ok)
				}
			}
		}
	}
}

func TestBinaryNotCoercible(t *testing.T) {
	intTypes := []string{"Byte", "Integer8", "Integer16", "Integer24", "Integer32", "Integer64", "Integer128",
		"UnsignedInteger8", "UnsignedInteger16", "UnsignedInteger24", "UnsignedInteger32", "UnsignedInteger64", "UnsignedInteger128"}
	charTypes := []string{"Character8", "Character16", "Character32"}
	realTypes := []string{"Real32", "Real64"}
	fail := func(types []string, xs ...Expr) {
		t.Helper()
		for _, name := range types {
			ty := binType(t, name)
			for _, x := range xs {
				for _, le := range []bool{false, true} {
					if b, ok := ty.encode(nil, x, le); ok || len(b) != 0 {
						t.Errorf("%s encode %s succeeded: % x", name, FullForm(x), b)
					}
				}
			}
		}
	}
	half := &Rat{V: big.NewRat(1, 2)}
	sym := binEval(t, "x")
	list := List(Int(2))
	// integers: only exact integers
	fail(intTypes, Real(2), Real(2.5), half, String("a"), String("1"), sym, list, SymInfinity, SymIndeterminate, &ByteArray{B: []byte{1}})
	// negative integers are not unsigned
	fail(intTypes[7:], Int(-1), Int(math.MinInt64), &BigInt{V: new(big.Int).Neg(binPow2(100))})
	fail([]string{"Byte"}, Int(-1))
	// characters: one character whose code fits
	fail(charTypes, String(""), String("ab"), String("\u00e9x"), Int(97), Real(97), sym, list, String("\xff"))
	fail([]string{"Character8"}, String("\u0100"), String("\u03b1"), String("\U0001F600"))
	fail([]string{"Character16"}, String("\U00010000"), String("\U0001F600"))
	// reals: numbers, no strings or symbols, nothing finite beyond the type
	fail(realTypes, String("1.5"), sym, list, SymComplexInfinity, SymNull, SymTrue)
	fail([]string{"Real32"}, Real(3.4028235677973366e38), Real(1e39), Real(-1e39), Real(math.MaxFloat64), &BigInt{V: binPow2(128)}, &Rat{V: new(big.Rat).SetFrac(binPow2(200), big.NewInt(3))})
	fail([]string{"Real64"}, &BigInt{V: binPow2(1024)}, &Rat{V: new(big.Rat).SetFrac(binPow2(1100), big.NewInt(3))})
	fail(realTypes, binEval(t, "I"), binEval(t, "Sqrt[2]"))
}

func TestBinaryCharacters(t *testing.T) {
	checkBinaryCases(t, []binCase{
		{"Character8", String("a"), []byte{97}, nil},
		{"Character8", String("\x00"), []byte{0}, nil},
		{"Character8", String("\u00ff"), []byte{0xff}, nil},
		{"Character8", String("\u00e9"), []byte{0xe9}, nil},
		{"Character16", String("a"), []byte{0, 97}, nil},
		{"Character16", String("\u03b1"), []byte{0x03, 0xb1}, nil},
		{"Character16", String("\uffff"), []byte{0xff, 0xff}, nil},
		{"Character16", String("\ufffd"), []byte{0xff, 0xfd}, nil},
		{"Character32", String("a"), []byte{0, 0, 0, 97}, nil},
		{"Character32", String("\U0001F600"), []byte{0, 1, 0xf6, 0}, nil},
		{"Character32", String("\U0010FFFF"), []byte{0, 0x10, 0xff, 0xff}, nil},
	})
	// codes that are no character decode to U+FFFD, still one character
	for _, c := range []struct {
		typ string
		be  []byte
	}{
		{"Character16", []byte{0xd8, 0x00}},
		{"Character16", []byte{0xdf, 0xff}},
		{"Character32", []byte{0, 0x11, 0, 0}},
		{"Character32", []byte{0xff, 0xff, 0xff, 0xff}},
		{"Character32", []byte{0, 0, 0xdc, 0}},
	} {
		if v := binType(t, c.typ).decode(c.be, false); v != String("\ufffd") {
			t.Errorf("%s decode % x = %s", c.typ, c.be, FullForm(v))
		}
	}
	// every byte is a character, in order
	ty := binType(t, "Character8")
	for b := 0; b < 256; b++ {
		v := ty.decode([]byte{byte(b)}, true)
		s, ok := v.(String)
		if !ok || []rune(string(s))[0] != rune(b) || len([]rune(string(s))) != 1 {
			t.Fatalf("Character8 decode %d = %s", b, FullForm(v))
		}
		if out, ok := ty.encode(nil, v, false); !ok || !bytes.Equal(out, []byte{byte(b)}) {
			t.Fatalf("Character8 encode %s = % x, %v", FullForm(v), out, ok)
		}
	}
}

func TestBinaryReals(t *testing.T) {
	f32 := func(f float32) []byte { return binary32(math.Float32bits(f)) }
	f64 := func(f float64) []byte { return binary64(math.Float64bits(f)) }
	third := &Rat{V: big.NewRat(1, 3)}
	checkBinaryCases(t, []binCase{
		{"Real64", Real(1.5), f64(1.5), nil},
		{"Real64", Real(0.1), []byte{0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}, nil},
		{"Real64", Real(-2), f64(-2), nil},
		{"Real64", Real(math.MaxFloat64), f64(math.MaxFloat64), nil},
		{"Real64", Real(math.SmallestNonzeroFloat64), f64(math.SmallestNonzeroFloat64), nil},
		{"Real64", Real(0), make([]byte, 8), nil},
		{"Real64", Real(math.Copysign(0, -1)), []byte{0x80, 0, 0, 0, 0, 0, 0, 0}, nil},
		// integers and rationals become reals
		{"Real64", Int(3), f64(3), Real(3)},
		{"Real64", Int(-7), f64(-7), Real(-7)},
		{"Real64", Int(math.MaxInt64), f64(9223372036854775807), Real(9223372036854775808)},
		{"Real64", third, f64(1.0 / 3), Real(1.0 / 3)},
		{"Real64", &BigInt{V: binPow2(100)}, f64(0x1p100), Real(0x1p100)},
		{"Real64", SymInfinity, []byte{0x7f, 0xf0, 0, 0, 0, 0, 0, 0}, nil},
		{"Real64", negInfinity, []byte{0xff, 0xf0, 0, 0, 0, 0, 0, 0}, nil},
		{"Real64", SymIndeterminate, []byte{0x7f, 0xf8, 0, 0, 0, 0, 0, 0}, nil},

		{"Real32", Real(1.5), []byte{0x3f, 0xc0, 0, 0}, nil},
		{"Real32", Real(12345), f32(12345), nil},
		{"Real32", Int(3), f32(3), Real(3)},
		{"Real32", Int(-1), []byte{0xbf, 0x80, 0, 0}, Real(-1)},
		{"Real32", SymInfinity, []byte{0x7f, 0x80, 0, 0}, nil},
		{"Real32", negInfinity, []byte{0xff, 0x80, 0, 0}, nil},
		{"Real32", SymIndeterminate, []byte{0x7f, 0xc0, 0, 0}, nil},
		{"Real32", Real(math.MaxFloat32), []byte{0x7f, 0x7f, 0xff, 0xff}, nil},
		{"Real32", Real(math.SmallestNonzeroFloat32), []byte{0, 0, 0, 1}, nil},
		// Real32 rounds to the nearest single-precision value (ties to even)
		{"Real32", Real(0.1), []byte{0x3d, 0xcc, 0xcc, 0xcd}, Real(0.10000000149011612)},
		{"Real32", Real(1.0 / 3), f32(1.0 / 3), Real(0.3333333432674408)},
		{"Real32", third, []byte{0x3e, 0xaa, 0xaa, 0xab}, Real(0.3333333432674408)},
		{"Real32", Int(16777217), f32(16777216), Real(16777216)}, // 2^24+1: tie, to even
		{"Real32", Int(16777219), f32(16777220), Real(16777220)}, // 2^24+3: tie, to even (up)
		{"Real32", Real(1 + 0x1p-24), f32(1), Real(1)},           // half an ulp above 1: to even
		{"Real32", Real(1 + 0x1p-24 + 0x1p-40), f32(1 + 0x1p-23), Real(1 + 0x1p-23)},
		// just below the midpoint past the largest single: the largest single (the midpoint
		// itself rounds to even, up, and is refused: see TestBinaryNotCoercible)
		{"Real32", Real(3.4028235e38), []byte{0x7f, 0x7f, 0xff, 0xff}, Real(math.MaxFloat32)},
		{"Real32", Real(1e-50), make([]byte, 4), Real(0)},
		{"Real32", &BigInt{V: binPow2(100)}, f32(0x1p100), Real(0x1p100)},
		// a rational rounds once, not through a double: 1 + 2^-24 + 2^-80 is just above the
		// midpoint between 1 and the next single, though its nearest double is the midpoint
		{"Real32", &Rat{V: new(big.Rat).Add(big.NewRat(1, 1), new(big.Rat).SetFrac(new(big.Int).Add(binPow2(56), big.NewInt(1)), binPow2(80)))}, f32(1 + 0x1p-23), Real(1 + 0x1p-23)},
		{"Real64", &Rat{V: new(big.Rat).Add(big.NewRat(1, 1), new(big.Rat).SetFrac(new(big.Int).Add(binPow2(56), big.NewInt(1)), binPow2(80)))}, f64(1 + 0x1p-24), Real(1 + 0x1p-24)},
	})

	// decode keeps single-precision values exactly
	for _, f := range []float32{0.1, -3.75, math.MaxFloat32, math.SmallestNonzeroFloat32, 1e-40, 16777216} {
		v := binType(t, "Real32").decode(f32(f), false)
		if v != Real(float64(f)) {
			t.Errorf("Real32 decode of %v = %s", f, FullForm(v))
		}
	}
	// any NaN is Indeterminate
	for _, bits := range []uint32{0x7fc00000, 0xffc00000, 0x7f800001, 0xffffffff} {
		if v := binType(t, "Real32").decode(binary32(bits), false); v != SymIndeterminate {
			t.Errorf("Real32 decode %08x = %s", bits, FullForm(v))
		}
	}
	for _, bits := range []uint64{0x7ff8000000000000, 0xfff8000000000000, 0x7ff0000000000001} {
		if v := binType(t, "Real64").decode(binary64(bits), false); v != SymIndeterminate {
			t.Errorf("Real64 decode %016x = %s", bits, FullForm(v))
		}
	}

	// the evaluator's forms of infinities and numbers
	for _, c := range []struct {
		in   string
		want float64
	}{
		{"Infinity", math.Inf(1)},
		{"-Infinity", math.Inf(-1)},
		{"DirectedInfinity[1]", math.Inf(1)},
		{"DirectedInfinity[-1]", math.Inf(-1)},
		{"1/4", 0.25},
		{"-3/8", -0.375},
		{"2^70", 0x1p70},
		{"N[Pi]", math.Pi},
	} {
		x := binEval(t, c.in)
		for _, name := range []string{"Real32", "Real64"} {
			b, ok := binType(t, name).encode(nil, x, false)
			if !ok {
				t.Errorf("%s encode %s (%s) failed", name, c.in, FullForm(x))
				continue
			}
			var got float64
			if name == "Real32" {
				got = float64(math.Float32frombits(uint32(binBEUint64(append(make([]byte, 4), b...)))))
			} else {
				got = math.Float64frombits(binBEUint64(b))
			}
			want := c.want
			if name == "Real32" {
				want = float64(float32(want))
			}
			if got != want {
				t.Errorf("%s encode %s = %v, want %v", name, c.in, got, want)
			}
		}
	}
	if v := binType(t, "Real64").decode(f64(math.Inf(-1)), false); OutputForm(v) != "-Infinity" {
		t.Errorf("Real64 -Inf decodes to %s", OutputForm(v))
	}
}

func binary32(u uint32) []byte { return []byte{byte(u >> 24), byte(u >> 16), byte(u >> 8), byte(u)} }

func binary64(u uint64) []byte {
	b := make([]byte, 8)
	binPutBEUint64(b, u)
	return b
}

// Random values of every type survive encode then decode, in both byte orders, and the two
// byte orders are each other's reverse.
func TestBinaryRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"Byte", "Integer8", "Integer16", "Integer24", "Integer32", "Integer64", "Integer128",
		"UnsignedInteger8", "UnsignedInteger16", "UnsignedInteger24", "UnsignedInteger32", "UnsignedInteger64",
		"UnsignedInteger128", "Real32", "Real64", "Character8", "Character16", "Character32"}
	for _, name := range names {
		ty := binType(t, name)
		for i := 0; i < 2000; i++ {
			// random bytes decode to a value; encoding it gives the bytes back (except NaN
			// payloads and the codes that are no character)
			raw := make([]byte, ty.size())
			for j := range raw {
				raw[j] = byte(rng.UintN(256))
			}
			for _, le := range []bool{false, true} {
				v := ty.decode(raw, le)
				if v == SymIndeterminate || v == String("\ufffd") {
					continue
				}
				b, ok := ty.encode(nil, v, le)
				if !ok || !bytes.Equal(b, raw) {
					t.Fatalf("%s: % x (le=%v) decodes to %s, which encodes to % x, %v", name, raw, le, FullForm(v), b, ok)
				}
				other, _ := ty.encode(nil, v, !le)
				if !bytes.Equal(other, binReversed(raw)) {
					t.Fatalf("%s: %s in the other order is % x", name, FullForm(v), other)
				}
				if again := ty.decode(b, le); !SameQ(again, v) {
					t.Fatalf("%s: %s round trips to %s", name, FullForm(v), FullForm(again))
				}
			}
		}
	}
}

func BenchmarkBinaryEncodeInteger32(b *testing.B) {
	ty, _ := lookupBinaryType("Integer32")
	buf := make([]byte, 0, 4*1024)
	for b.Loop() {
		buf = buf[:0]
		for i := range 1024 {
			buf, _ = ty.encode(buf, Int(i-512), true)
		}
	}
}
