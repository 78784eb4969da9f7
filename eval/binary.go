package eval

import (
	"math"
	"math/big"
	"unicode/utf8"
)

// Typed binary data: the conversions between values and bytes behind BinaryWrite, BinaryRead
// and BinaryReadList, for the types of Wolfram's BinaryRead reference page ("Byte",
// "Character8", "Integer16", "UnsignedInteger64", "Real32", …). One value is always exactly
// size() bytes; ByteOrdering -> -1 puts the least significant byte first, +1 the most
// significant one.
//
// What BinaryWrite prints when a value does not fit its type, as quoted from a Mathematica
// 6.0.1 session in the MathGroup thread "BinaryWrite and Position in Mathematica 6" (November
// 2007; BinaryWrite then returns $Failed, as its reference page says; the tag
// BinaryWrite::nocoerce is still what recent user test suites expect):
//
//	BinaryWrite::nocoerce: {2} cannot be coerced to the specified format.
//
// so the template, with the offending data as `1`, is
//
//	"nocoerce": "`1` cannot be coerced to the specified format."
//
// Coercion rules (encode):
//   - Byte, IntegerN and UnsignedIntegerN take exact integers in the type's range only:
//     an integer out of range, a real (even 2.) or a rational cannot be coerced. Nothing
//     wraps around.
//   - Real32 and Real64 take any exact or machine number, converted to the nearest real of
//     the type (integers and rationals included), and Infinity, -Infinity and Indeterminate
//     (IEEE infinities and a quiet NaN). A finite number too large for the type cannot be
//     coerced; one too small becomes a subnormal or zero.
//   - CharacterN takes a string of exactly one character whose code fits N bits. Wolfram's
//     BinaryWrite writes a longer string character by character; splitting it is the
//     caller's business, since one call here is one value of size() bytes.
//
// Decoding (decode): Byte and UnsignedIntegerN give non-negative integers, IntegerN two's
// complement integers, a *BigInt beyond 64 bits; RealN gives a Real, Infinity, -Infinity, or
// Indeterminate for a NaN, as BinaryRead does; CharacterN gives a one-character string (a code
// that is not a Unicode scalar value, a lone surrogate say, gives U+FFFD, as elsewhere here).

type binaryKind uint8

const (
	binUnsigned binaryKind = iota
	binSigned
	binChar
	binReal
)

// binaryType is one of Wolfram's binary data types ("Integer16", "Real64", …).
type binaryType struct {
	name  string
	kind  binaryKind
	bytes int // bytes per value: 1, 2, 3, 4, 8 or 16
}

var binaryTypes = map[string]binaryType{}

func init() {
	for _, t := range []binaryType{
		{"Byte", binUnsigned, 1},
		{"Character8", binChar, 1},
		{"Character16", binChar, 2},
		{"Character32", binChar, 4},
		{"Integer8", binSigned, 1},
		{"Integer16", binSigned, 2},
		{"Integer24", binSigned, 3},
		{"Integer32", binSigned, 4},
		{"Integer64", binSigned, 8},
		{"Integer128", binSigned, 16},
		{"UnsignedInteger8", binUnsigned, 1},
		{"UnsignedInteger16", binUnsigned, 2},
		{"UnsignedInteger24", binUnsigned, 3},
		{"UnsignedInteger32", binUnsigned, 4},
		{"UnsignedInteger64", binUnsigned, 8},
		{"UnsignedInteger128", binUnsigned, 16},
		{"Real32", binReal, 4},
		{"Real64", binReal, 8},
	} {
		binaryTypes[t.name] = t
	}
}

// lookupBinaryType finds a type by its Wolfram name; false for unknown names.
func lookupBinaryType(name string) (binaryType, bool) {
	t, ok := binaryTypes[name]
	return t, ok
}

// size gives the bytes per value.
func (t binaryType) size() int { return t.bytes }

// byteOrdering reads the ByteOrdering option value: -1 little endian, 1 big endian (Wolfram's
// convention); false otherwise.
func byteOrdering(e Expr) (littleEndian bool, ok bool) {
	switch e {
	case Int(-1):
		return true, true
	case Int(1):
		return false, true
	}
	return false, false
}

// encode appends x in this type to dst; false when x cannot be coerced to the type (out of
// range, not a number, a character above the type's range, a string of the wrong length for
// Character types …). On false, dst is returned unchanged.
func (t binaryType) encode(dst []byte, x Expr, littleEndian bool) ([]byte, bool) {
	switch t.kind {
	case binUnsigned, binSigned:
		return t.encodeInt(dst, x, littleEndian)
	case binChar:
		s, ok := x.(String)
		if !ok {
			return dst, false
		}
		r, n := utf8.DecodeRuneInString(string(s))
		if n == 0 || n != len(s) || r == utf8.RuneError && n == 1 || uint64(r) >= 1<<(8*t.bytes) {
			return dst, false
		}
		return binAppendUint(dst, uint64(r), 0, t.bytes, littleEndian), true
	case binReal:
		f, ok := binaryFloat(x, t.bytes == 4)
		if !ok {
			return dst, false
		}
		if t.bytes == 4 {
			bits := uint64(math.Float32bits(float32(f)))
			if math.IsNaN(f) {
				bits = 0x7fc00000 // the quiet NaN, whatever NaN came in
			}
			return binAppendUint(dst, bits, 0, 4, littleEndian), true
		}
		bits := math.Float64bits(f)
		if math.IsNaN(f) {
			bits = 0x7ff8000000000000
		}
		return binAppendUint(dst, bits, 0, 8, littleEndian), true
	}
	return dst, false
}

func (t binaryType) encodeInt(dst []byte, x Expr, littleEndian bool) ([]byte, bool) {
	bits := 8 * t.bytes
	switch v := x.(type) {
	case Int:
		n := int64(v)
		var hi uint64 // the bytes beyond the eighth (128-bit types): the sign extension
		if t.kind == binSigned {
			if bits < 64 && (n < -1<<(bits-1) || n >= 1<<(bits-1)) {
				return dst, false
			}
			if n < 0 {
				hi = math.MaxUint64
			}
		} else if n < 0 || bits < 64 && n >= 1<<bits {
			return dst, false
		}
		return binAppendUint(dst, uint64(n), hi, t.bytes, littleEndian), true
	case *BigInt:
		// the range is [-2^(bits-1), 2^(bits-1)) signed, [0, 2^bits) unsigned
		n := v.V
		if t.kind == binSigned {
			if n.Sign() >= 0 && n.BitLen() >= bits {
				return dst, false
			}
			if n.Sign() < 0 {
				// -n <= 2^(bits-1): its bit length is below bits, or it is 2^(bits-1) itself
				m := new(big.Int).Neg(n)
				if m.BitLen() > bits || m.BitLen() == bits && m.TrailingZeroBits() != uint(bits-1) {
					return dst, false
				}
			}
		} else if n.Sign() < 0 || n.BitLen() > bits {
			return dst, false
		}
		u := n
		if n.Sign() < 0 { // two's complement: 2^bits + n
			u = new(big.Int).Lsh(big.NewInt(1), uint(bits))
			u.Add(u, n)
		}
		var buf [16]byte
		u.FillBytes(buf[16-t.bytes:])
		lo := binBEUint64(buf[8:])
		hi := binBEUint64(buf[:8])
		return binAppendUint(dst, lo, hi, t.bytes, littleEndian), true
	}
	return dst, false
}

// binaryFloat converts x to the float64 to store (for single precision, already a float32
// value, rounded once from the exact number): numbers, Infinity, -Infinity, Indeterminate.
// A finite number whose rounding overflows the type is refused.
func binaryFloat(x Expr, single bool) (float64, bool) {
	var f float64
	switch v := x.(type) {
	case Int:
		if single {
			f = float64(float32(int64(v)))
		} else {
			f = float64(int64(v))
		}
	case *BigInt:
		bf := new(big.Float).SetInt(v.V)
		if single {
			f32, _ := bf.Float32()
			f = float64(f32)
		} else {
			f, _ = bf.Float64()
		}
	case *Rat:
		if single {
			f32, _ := v.V.Float32()
			f = float64(f32)
		} else {
			f, _ = v.V.Float64()
		}
	case Real:
		f = float64(v)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			return f, true
		}
		if single {
			f = float64(float32(f))
		}
	default:
		if x == SymIndeterminate {
			return math.NaN(), true
		}
		if sign, ok := infinite(x); ok && sign != 0 {
			return math.Inf(sign), true
		}
		if n, ok := x.(*Normal); ok && n.Head == SymDirectedInfinity && len(n.Args) == 1 {
			switch n.Args[0] {
			case Int(1):
				return math.Inf(1), true
			case Int(-1):
				return math.Inf(-1), true
			}
		}
		return 0, false
	}
	if math.IsInf(f, 0) {
		return 0, false // a finite number beyond the type's largest real
	}
	return f, true
}

// decode reads one value from b (len(b) == t.size()).
func (t binaryType) decode(b []byte, littleEndian bool) Expr {
	lo, hi := binReadUint(b, littleEndian)
	bits := 8 * t.bytes
	switch t.kind {
	case binUnsigned:
		if t.bytes == 16 {
			if hi == 0 {
				return binUintExpr(lo)
			}
			var buf [16]byte
			binPutBEUint64(buf[:8], hi)
			binPutBEUint64(buf[8:], lo)
			return BigOrInt(new(big.Int).SetBytes(buf[:]))
		}
		return binUintExpr(lo)
	case binSigned:
		if t.bytes == 16 {
			// fits an int64 when the high word is the sign extension of the low one
			if hi == 0 && lo>>63 == 0 || hi == math.MaxUint64 && lo>>63 == 1 {
				return Int(int64(lo))
			}
			var buf [16]byte
			binPutBEUint64(buf[:8], hi)
			binPutBEUint64(buf[8:], lo)
			n := new(big.Int).SetBytes(buf[:])
			if hi>>63 == 1 {
				n.Sub(n, new(big.Int).Lsh(big.NewInt(1), 128))
			}
			return BigOrInt(n)
		}
		return Int(int64(lo<<(64-bits)) >> (64 - bits))
	case binChar:
		r := rune(utf8.RuneError)
		if lo <= utf8.MaxRune && utf8.ValidRune(rune(lo)) {
			r = rune(lo)
		}
		return String(string(r))
	case binReal:
		var f float64
		if t.bytes == 4 {
			f = float64(math.Float32frombits(uint32(lo)))
		} else {
			f = math.Float64frombits(lo)
		}
		switch {
		case math.IsNaN(f):
			return SymIndeterminate
		case math.IsInf(f, 1):
			return SymInfinity
		case math.IsInf(f, -1):
			return negInfinity
		}
		return Real(f)
	}
	return SymNull
}

func binUintExpr(u uint64) Expr {
	if u <= math.MaxInt64 {
		return Int(int64(u))
	}
	return &BigInt{V: new(big.Int).SetUint64(u)}
}

// binAppendUint appends the low n bytes of the 128-bit number hi:lo, least significant first when
// littleEndian, else most significant first.
func binAppendUint(dst []byte, lo, hi uint64, n int, littleEndian bool) []byte {
	byteAt := func(i int) byte { // the byte of significance i (0: least significant)
		if i < 8 {
			return byte(lo >> (8 * i))
		}
		return byte(hi >> (8 * (i - 8)))
	}
	if littleEndian {
		for i := 0; i < n; i++ {
			dst = append(dst, byteAt(i))
		}
	} else {
		for i := n - 1; i >= 0; i-- {
			dst = append(dst, byteAt(i))
		}
	}
	return dst
}

// binReadUint reads b (at most 16 bytes) as an unsigned number hi:lo in the given byte order.
func binReadUint(b []byte, littleEndian bool) (lo, hi uint64) {
	n := len(b)
	for i := 0; i < n; i++ {
		var c byte // the byte of significance i
		if littleEndian {
			c = b[i]
		} else {
			c = b[n-1-i]
		}
		if i < 8 {
			lo |= uint64(c) << (8 * i)
		} else {
			hi |= uint64(c) << (8 * (i - 8))
		}
	}
	return lo, hi
}

func binBEUint64(b []byte) uint64 {
	var u uint64
	for _, c := range b[:8] {
		u = u<<8 | uint64(c)
	}
	return u
}

func binPutBEUint64(b []byte, u uint64) {
	for i := 7; i >= 0; i-- {
		b[i] = byte(u)
		u >>= 8
	}
}
