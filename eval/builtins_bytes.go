package eval

import (
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The bytes family: ByteArray and its conversions to and from strings and base encodings,
// Normal, and the JSON formats of ImportString and ExportString. Sockets read and write byte
// arrays, so these conversions are exact: every byte survives every round trip.
var bytesBuiltins = []*Builtin{
	{Name: "ByteArray", Usage: "ByteArray[{b1, b2, …}] is an array of the bytes bi (integers from 0 to 255).\nByteArray[\"base64\"] builds the array from a Base64 string.", Min: 1, Max: 1, Fn: fnByteArray,
		Messages: map[string]string{
			"batd": "Elements in `1` are not unsigned byte values.",
			"lend": "The argument at position `1` in `2` should be a vector of unsigned byte values or a Base64-encoded string.",
		}},
	{Name: "ByteArrayQ", Usage: "ByteArrayQ[expr] is True when expr is a ByteArray, else False.", Min: 1, Max: 1, Fn: func(s *Session, c *Normal) Expr {
		_, ok := c.Args[0].(*ByteArray)
		return Bool(ok)
	}},
	{Name: "StringToByteArray", Usage: "StringToByteArray[s] gives the bytes of the UTF-8 encoding of s.\nStringToByteArray[s, \"encoding\"] uses \"UTF-8\", \"ISO8859-1\" or \"ASCII\".", Min: 1, Max: 2, Fn: fnStringToByteArray,
		Messages: map[string]string{
			"nrep": "The string `1` contains characters that cannot be represented in the `2` character encoding.",
		}},
	{Name: "ByteArrayToString", Usage: "ByteArrayToString[ba] decodes the bytes of ba as UTF-8; a byte that is not part of valid UTF-8 becomes the character with that code.\nByteArrayToString[ba, \"encoding\"] uses \"UTF-8\", \"ISO8859-1\" or \"ASCII\".", Min: 1, Max: 2, Fn: fnByteArrayToString,
		Messages: map[string]string{
			"bytearray": "ByteArray object expected at position `1` in `2`.",
		}},
	{Name: "BaseEncode", Usage: "BaseEncode[ba] encodes the bytes of ba as a Base64 string.\nBaseEncode[ba, \"encoding\"] uses \"Base64\", \"Base64URL\", \"Base32\", \"Base16\" or \"Base85ASCII\".", Min: 1, Max: 2, Fn: fnBaseEncode,
		Messages: map[string]string{
			"bytearray": "ByteArray object expected at position `1` in `2`.",
			"encoding":  "`1` is not a known encoding; the encodings are \"Base64\", \"Base64URL\", \"Base32\", \"Base16\" and \"Base85ASCII\".",
			"toobig":    "The encoded string would be longer than `1` characters.",
		}},
	{Name: "BaseDecode", Usage: "BaseDecode[\"string\"] decodes Base64 data to a ByteArray.\nBaseDecode[\"string\", \"encoding\"] uses \"Base64\", \"Base64URL\", \"Base32\", \"Base16\" or \"Base85ASCII\".", Min: 1, Max: 2, Fn: fnBaseDecode,
		Messages: map[string]string{
			"encoding": "`1` is not a known encoding; the encodings are \"Base64\", \"Base64URL\", \"Base32\", \"Base16\" and \"Base85ASCII\".",
			"invdata":  "`1` is not valid `2` data.",
		}},
	{Name: "Normal", Usage: "Normal[expr] turns the byte arrays in expr into lists of integers and the associations into lists of rules.\nNormal[expr, h] converts only the objects with head h (or with a head in the list h).", Min: 1, Max: 2, Fn: fnNormal},
	{Name: "ExportString", Usage: "ExportString[expr, \"RawJSON\"] writes lists, associations, numbers, strings, True, False and Null as JSON.\nExportString[expr, \"JSON\"] also writes lists of rules as JSON objects.\nExportString[expr, \"Text\"] gives the printed form of expr. The option \"Compact\" -> True writes JSON without whitespace.", Min: 2, Max: 2, Fn: fnExportString,
		Options: []Option{{Name: "Compact", Default: SymFalse}},
		Messages: map[string]string{
			"fmtnosup": "`1` is not a supported Export format.",
			"toobig":   "The exported string would be longer than `1` characters.",
		}},
	{Name: "ImportString", Usage: "ImportString[\"json\", \"RawJSON\"] reads JSON: objects become associations, arrays lists, true, false and null True, False and Null.\nImportString[\"json\", \"JSON\"] reads objects as lists of rules.\nImportString[\"text\", \"Text\"] gives the text.", Min: 2, Max: 2, Fn: fnImportString,
		Messages: map[string]string{
			"fmtnosup": "`1` is not a supported Import format.",
		}},
}

// The JSON messages are Import's and Export's, as in Wolfram, whichever function issued them.
func init() {
	for tag, text := range map[string]string{
		"jsonnullinput":       "Data in input is null.",
		"jsoninvalidtoken":    "Invalid token found.",
		"jsonarraymissingsep": "Expecting end of array or a value separator.",
		"jsonobjmissingsep":   "Expecting end of object or a value separator.",
		"jsonkvsep":           "Missing key value separator ':'.",
		"jsonexpendofinput":   "Unexpected character found while looking for the end of input.",
		"jsondepth":           "The nesting depth of the data exceeds `1`.",
		"jsonhintposandchar":  "An error occurred near character '`1`', at line `2`:`3`",
	} {
		messageTexts["Import::"+tag] = text
	}
	for tag, text := range map[string]string{
		"jsonstrictencoding":  "Expression `1` cannot be exported as JSON.",
		"jsonassockeynstr":    "Association contains a non-string key `1`.",
		"jsonrulelistkeynstr": "Invalid non-string key `1`.",
		"jsonrulelistnonrule": "`1` contains a mixture of rule and non-rule expressions.",
		"jsondepth":           "The nesting depth of the expression exceeds `1`.",
	} {
		messageTexts["Export::"+tag] = text
	}
}

var symExportString = sys("ExportString")

// maxResultBytes bounds the strings this family builds from user data, so that a request for
// an absurd result gets a message instead of exhausting memory.
const maxResultBytes = 1<<31 - 1

// jsonMaxDepth bounds the nesting of JSON read or written: a 100000-deep "[[[…" gets a message,
// not a stack overflow, and anything imported can be printed and exported again.
const jsonMaxDepth = 1024

// messageRaw issues sym::tag with its slots filled by text as it is (not in InputForm): for
// messages that quote a character or a position, as the JSON hints do.
func (s *Session) messageRaw(sym, tag string, args ...string) {
	t, ok := s.template(sym, tag)
	if !ok {
		return
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '`')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(t[i+1:], '`')
		}
		if j < 0 {
			b.WriteString(t)
			break
		}
		b.WriteString(t[:i])
		if k, err := strconv.Atoi(t[i+1 : i+1+j]); err == nil && k >= 1 && k <= len(args) {
			b.WriteString(args[k-1])
		}
		t = t[i+j+2:]
	}
	s.MessageText(sym, tag, b.String())
}

// ---------------------------------------------------------------- ByteArray

func fnByteArray(s *Session, c *Normal) Expr {
	switch x := c.Args[0].(type) {
	case *ByteArray:
		return x
	case String:
		b, ok := baseDecode64(string(x))
		if !ok {
			s.Message("ByteArray", "lend", Int(1), c)
			return nil
		}
		return &ByteArray{B: b}
	case *Normal:
		if x.Head == SymList {
			b := make([]byte, len(x.Args))
			for i, e := range x.Args {
				if i&0xffff == 0xffff {
					s.checkAbort()
				}
				v, ok := e.(Int)
				if !ok || v < 0 || v > 255 {
					s.Message("ByteArray", "batd", x)
					return nil
				}
				b[i] = byte(v)
			}
			return &ByteArray{B: b}
		}
	}
	s.Message("ByteArray", "lend", Int(1), c)
	return nil
}

// bytesArg reads a byte array argument; the empty list stands for the empty byte array, as
// Wolfram's ByteArrayToString and BaseEncode accept it.
func bytesArg(e Expr) ([]byte, bool) {
	switch x := e.(type) {
	case *ByteArray:
		return x.B, true
	case *Normal:
		if x.Head == SymList && len(x.Args) == 0 {
			return nil, true
		}
	}
	return nil, false
}

// ------------------------------------------------------- character encodings

const (
	encUTF8   = "UTF-8"
	encLatin1 = "ISO8859-1"
	encASCII  = "ASCII"
)

// encodingArg reads a character encoding name; an unknown one gets General::charcode.
func (s *Session) bytesEncodingArg(fn string, e Expr) (string, bool) {
	if name, ok := e.(String); ok {
		switch name {
		case "UTF-8", "UTF8":
			return encUTF8, true
		case "ISO8859-1", "ISOLatin1":
			return encLatin1, true
		case "ASCII":
			return encASCII, true
		}
	}
	s.Message(fn, "charcode", e)
	return "", false
}

func fnStringToByteArray(s *Session, c *Normal) Expr {
	str, ok := c.Args[0].(String)
	if !ok {
		return s.typeError("StringToByteArray", "string", 1, c)
	}
	enc := encUTF8
	if len(c.Args) == 2 {
		if enc, ok = s.bytesEncodingArg("StringToByteArray", c.Args[1]); !ok {
			return SymFailed
		}
	}
	if enc == encUTF8 {
		return &ByteArray{B: []byte(str)}
	}
	limit := rune(255)
	if enc == encASCII {
		limit = 127
	}
	b := make([]byte, 0, len(str))
	for _, r := range string(str) {
		if r > limit {
			s.Message("StringToByteArray", "nrep", str, String(enc))
			return SymFailed
		}
		b = append(b, byte(r))
	}
	return &ByteArray{B: b}
}

func fnByteArrayToString(s *Session, c *Normal) Expr {
	b, ok := bytesArg(c.Args[0])
	if !ok {
		s.Message("ByteArrayToString", "bytearray", Int(1), c)
		return nil
	}
	enc := encUTF8
	if len(c.Args) == 2 {
		if enc, ok = s.bytesEncodingArg("ByteArrayToString", c.Args[1]); !ok {
			return SymFailed
		}
	}
	if enc == encUTF8 {
		return String(bytesDecodeUTF8(b))
	}
	// ISO8859-1 maps each byte to the character with that code. ASCII does the same: bytes
	// of 128 and above, which ASCII leaves undefined, keep their code rather than being lost.
	return String(bytesLatin1(b))
}

// decodeUTF8Latin1 decodes UTF-8, turning each byte that is not part of a valid sequence into
// the character with that code (162 becomes "¢"), as Wolfram's ByteArrayToString does.
func bytesDecodeUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/4)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			sb.WriteRune(rune(b[0]))
		} else {
			sb.Write(b[:size])
		}
		b = b[size:]
	}
	return sb.String()
}

func bytesLatin1(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) * 2)
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// ------------------------------------------------------------ base encodings

// baseEncodings are BaseEncode's and BaseDecode's encodings: Wolfram documents "Base64",
// "Base16" and "Base85ASCII"; "Base64URL" and "Base32" are RFC 4648's.
var baseEncodings = map[String]bool{"Base64": true, "Base64URL": true, "Base32": true, "Base16": true, "Base85ASCII": true}

func fnBaseEncode(s *Session, c *Normal) Expr {
	b, ok := bytesArg(c.Args[0])
	if !ok {
		s.Message("BaseEncode", "bytearray", Int(1), c)
		return nil
	}
	enc := String("Base64")
	if len(c.Args) == 2 {
		enc, ok = c.Args[1].(String)
		if !ok || !baseEncodings[enc] {
			s.Message("BaseEncode", "encoding", c.Args[1])
			return SymFailed
		}
	}
	// Base16 doubles the length, the others grow it by less
	if 2*int64(len(b)) > maxResultBytes {
		s.Message("BaseEncode", "toobig", Int(maxResultBytes))
		return SymFailed
	}
	switch enc {
	case "Base64URL":
		return String(base64.RawURLEncoding.EncodeToString(b))
	case "Base32":
		return String(base32.StdEncoding.EncodeToString(b))
	case "Base16":
		return String(hex.EncodeToString(b))
	case "Base85ASCII":
		return String(baseEncode85(b))
	}
	return String(base64.StdEncoding.EncodeToString(b))
}

func fnBaseDecode(s *Session, c *Normal) Expr {
	str, ok := c.Args[0].(String)
	if !ok {
		return s.typeError("BaseDecode", "string", 1, c)
	}
	enc := String("Base64")
	if len(c.Args) == 2 {
		enc, ok = c.Args[1].(String)
		if !ok || !baseEncodings[enc] {
			s.Message("BaseDecode", "encoding", c.Args[1])
			return SymFailed
		}
	}
	var b []byte
	switch enc {
	case "Base64URL":
		b, ok = baseDecode64URL(string(str))
	case "Base32":
		b, ok = baseDecode32(string(str))
	case "Base16":
		b, ok = baseDecode16(string(str))
	case "Base85ASCII":
		b, ok = baseDecode85(string(str))
	default:
		b, ok = baseDecode64(string(str))
	}
	if !ok {
		s.Message("BaseDecode", "invdata", str, enc)
		return SymFailed
	}
	return &ByteArray{B: b}
}

// keepOnly drops the characters outside an encoding's alphabet (line breaks, spaces, stray
// punctuation), as Wolfram's BaseDecode does.
func baseKeepOnly(str string, in func(c byte) bool) string {
	clean := true
	for i := 0; i < len(str); i++ {
		if !in(str[i]) {
			clean = false
			break
		}
	}
	if clean {
		return str
	}
	b := make([]byte, 0, len(str))
	for i := 0; i < len(str); i++ {
		if in(str[i]) {
			b = append(b, str[i])
		}
	}
	return string(b)
}

func baseIsAlnum(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

// decodeBase64Lenient decodes standard Base64, ignoring characters outside the alphabet; the
// padding must be right ("asy" is refused, "asy=" is not).
func baseDecode64(str string) ([]byte, bool) {
	str = baseKeepOnly(str, func(c byte) bool { return baseIsAlnum(c) || c == '+' || c == '/' || c == '=' })
	b, err := base64.StdEncoding.DecodeString(str)
	if err != nil {
		return nil, false
	}
	return b, true
}

// decodeBase64URL decodes the URL-safe alphabet, with or without the padding.
func baseDecode64URL(str string) ([]byte, bool) {
	str = baseKeepOnly(str, func(c byte) bool { return baseIsAlnum(c) || c == '-' || c == '_' || c == '=' })
	if strings.Contains(str, "=") {
		b, err := base64.URLEncoding.DecodeString(str)
		return b, err == nil
	}
	b, err := base64.RawURLEncoding.DecodeString(str)
	return b, err == nil
}

func baseDecode32(str string) ([]byte, bool) {
	str = strings.ToUpper(str)
	str = baseKeepOnly(str, func(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '2' && c <= '7' || c == '=' })
	b, err := base32.StdEncoding.DecodeString(str)
	return b, err == nil
}

func baseDecode16(str string) ([]byte, bool) {
	str = baseKeepOnly(str, func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' })
	b, err := hex.DecodeString(str)
	return b, err == nil
}

// encodeAscii85 is Ascii85 without the <~ ~> delimiters: each 4 bytes become 5 characters
// from '!' to 'u', four zero bytes become "z", and a last group of n bytes gives n+1
// characters (no padding).
func baseEncode85(b []byte) string {
	var sb strings.Builder
	sb.Grow(len(b)/4*5 + 5)
	var digits [5]byte
	for len(b) > 0 {
		n := min(4, len(b))
		var v uint32
		for i := 0; i < 4; i++ {
			v <<= 8
			if i < n {
				v |= uint32(b[i])
			}
		}
		b = b[n:]
		if n == 4 && v == 0 {
			sb.WriteByte('z')
			continue
		}
		for i := 4; i >= 0; i-- {
			digits[i] = byte(v%85) + '!'
			v /= 85
		}
		sb.Write(digits[:n+1])
	}
	return sb.String()
}

func baseDecode85(str string) ([]byte, bool) {
	str = strings.TrimSpace(str)
	str = strings.TrimPrefix(str, "<~")
	str = strings.TrimSuffix(str, "~>")
	out := make([]byte, 0, len(str)/5*4+4)
	var group [5]byte
	n := 0
	flush := func(k int) bool {
		// a partial group of k characters is padded with 'u' and gives k-1 bytes
		for i := k; i < 5; i++ {
			group[i] = 'u'
		}
		var v uint64
		for i := 0; i < 5; i++ {
			v = v*85 + uint64(group[i]-'!')
		}
		if v > math.MaxUint32 {
			return false
		}
		word := [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}
		out = append(out, word[:k-1]...)
		return true
	}
	for i := 0; i < len(str); i++ {
		c := str[i]
		switch {
		case c == ' ' || c == '\n' || c == '\r' || c == '\t':
			continue
		case c == 'z' && n == 0:
			out = append(out, 0, 0, 0, 0)
		case c >= '!' && c <= 'u':
			group[n] = c
			n++
			if n == 5 {
				if !flush(5) {
					return nil, false
				}
				n = 0
			}
		default:
			return nil, false
		}
	}
	if n == 1 {
		return nil, false
	}
	if n > 1 && !flush(n) {
		return nil, false
	}
	return out, true
}

// ---------------------------------------------------------------- Normal

func fnNormal(s *Session, c *Normal) Expr {
	var want map[*Symbol]bool // nil: every kind of object
	if len(c.Args) == 2 {
		want = map[*Symbol]bool{}
		spec := c.Args[1]
		heads := []Expr{spec}
		if l, ok := spec.(*Normal); ok && l.Head == SymList {
			heads = l.Args
		}
		for _, h := range heads {
			sym, ok := h.(*Symbol)
			if !ok {
				return nil
			}
			want[sym] = true
		}
	}
	count := 0
	return s.normalize(c.Args[0], want, &count, 0)
}

// normalize converts the byte arrays and associations in e, at every level of e's parts,
// but not inside what it converts: Normal[<|a -> <|b -> 1|>|>] is {a -> <|b -> 1|>}.
func (s *Session) normalize(e Expr, want map[*Symbol]bool, count *int, depth int) Expr {
	walkDeeper(depth)
	*count++
	if *count&0xfff == 0 {
		s.checkAbort()
	}
	switch x := e.(type) {
	case *ByteArray:
		if want != nil && !want[SymByteArray] {
			return x
		}
		if len(x.B) > listMaxLen {
			s.Message("Normal", "nomem")
			return x
		}
		out := make([]Expr, len(x.B))
		for i, v := range x.B {
			out[i] = Int(v)
		}
		return inertList(out)
	case *Assoc:
		if want != nil && !want[SymAssociation] {
			return x
		}
		return List(x.Rules()...)
	case *Normal:
		head := s.normalize(x.Head, want, count, depth+1)
		var args []Expr
		for i, a := range x.Args {
			v := s.normalize(a, want, count, depth+1)
			if v != a && args == nil {
				args = append([]Expr(nil), x.Args...)
			}
			if args != nil {
				args[i] = v
			}
		}
		if args == nil && head == x.Head {
			return x
		}
		if args == nil {
			args = x.Args
		}
		return &Normal{Head: head, Args: args}
	}
	return e
}

// ---------------------------------------------------------- ExportString

func fnExportString(s *Session, c *Normal) Expr {
	pos, opts, ok := s.Options(symExportString.builtin, c)
	if !ok {
		return nil
	}
	format, _ := pos[1].(String)
	switch format {
	case "JSON", "RawJSON":
	case "Text", "String":
		if str, ok := pos[0].(String); ok {
			return str
		}
		return String(OutputForm(pos[0]))
	default:
		s.Message("ExportString", "fmtnosup", pos[1])
		return SymFailed
	}
	compact := opts["Compact"]
	if compact != SymTrue && compact != SymFalse {
		s.Message("ExportString", "opttf", String("Compact"), compact)
		return SymFailed
	}
	w := jsonWriter{s: s, raw: format == "RawJSON", compact: compact == SymTrue}
	w.value(pos[0], 0)
	if w.failed {
		return SymFailed
	}
	return String(w.b.String())
}

// jsonWriter writes Wolfram's JSON layout: one element per line, tab indentation, "key":value
// with no space, empty arrays and objects as [] and {}; compact output has no whitespace.
type jsonWriter struct {
	s       *Session
	b       strings.Builder
	raw     bool // RawJSON: lists of rules are not objects
	compact bool
	failed  bool
	nodes   int
}

func (w *jsonWriter) fail(tag string, args ...Expr) {
	if !w.failed {
		w.s.Message("Export", tag, args...)
	}
	w.failed = true
}

func (w *jsonWriter) newline(depth int) {
	if w.compact {
		return
	}
	w.b.WriteByte('\n')
	for i := 0; i < depth; i++ {
		w.b.WriteByte('\t')
	}
}

func (w *jsonWriter) value(e Expr, depth int) {
	if w.failed {
		return
	}
	if depth > jsonMaxDepth {
		w.fail("jsondepth", Int(jsonMaxDepth))
		return
	}
	w.nodes++
	if w.nodes&0xfff == 0 {
		w.s.checkAbort()
	}
	if w.b.Len() > maxResultBytes {
		w.failed = true
		w.s.Message("ExportString", "toobig", Int(maxResultBytes))
		return
	}
	switch x := e.(type) {
	case Int:
		w.b.WriteString(strconv.FormatInt(int64(x), 10))
	case *BigInt:
		w.b.WriteString(x.V.String())
	case *Rat:
		f, _ := x.V.Float64()
		if math.IsInf(f, 0) {
			w.fail("jsonstrictencoding", x)
			return
		}
		w.b.WriteString(jsonReal(f))
	case Real:
		f := float64(x)
		if math.IsInf(f, 0) || math.IsNaN(f) {
			w.fail("jsonstrictencoding", x)
			return
		}
		w.b.WriteString(jsonReal(f))
	case String:
		jsonQuote(&w.b, string(x))
	case *Symbol:
		switch x {
		case SymTrue:
			w.b.WriteString("true")
		case SymFalse:
			w.b.WriteString("false")
		case SymNull:
			w.b.WriteString("null")
		default:
			w.fail("jsonstrictencoding", x)
		}
	case *Assoc:
		w.object(x.keys, x.vals, depth, true)
	case *Normal:
		if x.Head != SymList {
			w.fail("jsonstrictencoding", x.Head)
			return
		}
		if !w.raw && len(x.Args) > 0 {
			rules := 0
			for _, a := range x.Args {
				if jsonIsRule(a) {
					rules++
				}
			}
			if rules == len(x.Args) {
				keys := make([]Expr, len(x.Args))
				vals := make([]Expr, len(x.Args))
				for i, a := range x.Args {
					r := a.(*Normal)
					keys[i], vals[i] = r.Args[0], r.Args[1]
				}
				w.object(keys, vals, depth, false)
				return
			}
			if rules > 0 {
				w.fail("jsonrulelistnonrule", x)
				return
			}
		}
		w.array(x.Args, depth)
	default:
		w.fail("jsonstrictencoding", HeadOf(e))
	}
}

func jsonIsRule(e Expr) bool {
	r, ok := e.(*Normal)
	return ok && (r.Head == SymRule || r.Head == SymRuleDelayed) && len(r.Args) == 2
}

func (w *jsonWriter) array(items []Expr, depth int) {
	if len(items) == 0 {
		w.b.WriteString("[]")
		return
	}
	w.b.WriteByte('[')
	for i, a := range items {
		if i > 0 {
			w.b.WriteByte(',')
		}
		w.newline(depth + 1)
		w.value(a, depth+1)
		if w.failed {
			return
		}
	}
	w.newline(depth)
	w.b.WriteByte(']')
}

func (w *jsonWriter) object(keys, vals []Expr, depth int, fromAssoc bool) {
	if len(keys) == 0 {
		w.b.WriteString("{}")
		return
	}
	w.b.WriteByte('{')
	for i, k := range keys {
		key, ok := k.(String)
		if !ok {
			if fromAssoc {
				w.fail("jsonassockeynstr", k)
			} else {
				w.fail("jsonrulelistkeynstr", k)
			}
			return
		}
		if i > 0 {
			w.b.WriteByte(',')
		}
		w.newline(depth + 1)
		jsonQuote(&w.b, string(key))
		w.b.WriteByte(':')
		w.value(vals[i], depth+1)
		if w.failed {
			return
		}
	}
	w.newline(depth)
	w.b.WriteByte('}')
}

// jsonReal writes a machine real as Wolfram's JSON writer does: the shortest digits that read
// back to the same number, with a decimal point always, and exponent notation unless the
// decimal exponent is 0 or -1: 1.5, 0.25, 1.0, 2.5e1, 1.0e-2.
func jsonReal(f float64) string {
	if f == 0 {
		return "0.0"
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // -d.ddde±XX
	mant, exp, _ := strings.Cut(s, "e")
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	e10, _ := strconv.Atoi(exp)
	if e10 == -1 {
		return sign + "0." + digits
	}
	frac := digits[1:]
	if frac == "" {
		frac = "0"
	}
	out := sign + digits[:1] + "." + frac
	if e10 != 0 {
		out += "e" + strconv.Itoa(e10)
	}
	return out
}

// jsonQuote writes a JSON string: quote, backslash and slash escaped (Wolfram writes \/), the
// control characters as \n, \t, … or \u00XX; other characters as they are, in UTF-8.
func jsonQuote(b *strings.Builder, s string) {
	b.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var esc string
		switch c {
		case '"':
			esc = `\"`
		case '\\':
			esc = `\\`
		case '/':
			esc = `\/`
		case '\b':
			esc = `\b`
		case '\f':
			esc = `\f`
		case '\n':
			esc = `\n`
		case '\r':
			esc = `\r`
		case '\t':
			esc = `\t`
		default:
			if c >= 0x20 {
				continue
			}
			esc = `\u00` + string("0123456789abcdef"[c>>4]) + string("0123456789abcdef"[c&15])
		}
		b.WriteString(s[start:i])
		b.WriteString(esc)
		start = i + 1
	}
	b.WriteString(s[start:])
	b.WriteByte('"')
}

// ---------------------------------------------------------- ImportString

func fnImportString(s *Session, c *Normal) Expr {
	str, ok := c.Args[0].(String)
	if !ok {
		return s.typeError("ImportString", "string", 1, c)
	}
	format, _ := c.Args[1].(String)
	switch format {
	case "JSON", "RawJSON":
		return s.importJSON(string(str), format == "RawJSON")
	case "Text", "String":
		return str
	}
	s.Message("ImportString", "fmtnosup", c.Args[1])
	return SymFailed
}

// jsonParser reads JSON in one pass. The first error is kept, with its byte offset, for
// Wolfram's two messages: what went wrong, then where (Import::jsonhintposandchar).
type jsonParser struct {
	s     *Session
	src   string
	pos   int
	raw   bool // RawJSON: objects are associations, not lists of rules
	depth int
	nodes int

	errTag  string
	errArgs []Expr
	errPos  int
}

func (s *Session) importJSON(src string, raw bool) Expr {
	p := jsonParser{s: s, src: src, raw: raw}
	p.skipSpace()
	if p.pos == len(src) {
		s.Message("Import", "jsonnullinput")
		return SymFailed
	}
	v, ok := p.value()
	if ok {
		p.skipSpace()
		if p.pos < len(src) {
			p.fail("jsonexpendofinput", p.pos)
			ok = false
		}
	}
	if !ok {
		s.Message("Import", p.errTag, p.errArgs...)
		line, col, near := p.where()
		s.messageRaw("Import", "jsonhintposandchar", near, strconv.Itoa(line), strconv.Itoa(col))
		return SymFailed
	}
	return v
}

func (p *jsonParser) fail(tag string, at int, args ...Expr) {
	if p.errTag == "" {
		p.errTag, p.errPos, p.errArgs = tag, at, args
	}
}

// where gives the error's line, column and character. The column counts characters and is
// one past the character's own (1-based) column, as Wolfram reports it: ImportString["[1,2",
// "RawJSON"] fails near 'EOF' at line 1:6.
func (p *jsonParser) where() (line, col int, near string) {
	line, col = 1, 1
	for _, r := range p.src[:p.errPos] {
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	if p.errPos >= len(p.src) {
		return line, col + 1, "EOF"
	}
	r, _ := utf8.DecodeRuneInString(p.src[p.errPos:])
	if r < 0x20 || r == 0x7f {
		// a control character is shown by its escape, not printed raw into the message
		return line, col + 1, strings.Trim(strconv.QuoteRune(r), "'")
	}
	return line, col + 1, string(r)
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (Expr, bool) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		p.fail("jsoninvalidtoken", p.pos)
		return nil, false
	}
	p.nodes++
	if p.nodes&0xfff == 0 {
		p.s.checkAbort()
	}
	switch c := p.src[p.pos]; {
	case c == '[' || c == '{':
		if p.depth >= jsonMaxDepth {
			p.fail("jsondepth", p.pos, Int(jsonMaxDepth))
			return nil, false
		}
		p.depth++
		defer func() { p.depth-- }()
		if c == '[' {
			return p.array()
		}
		return p.object()
	case c == '"':
		str, ok := p.str()
		if !ok {
			return nil, false
		}
		return String(str), true
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true", SymTrue)
	case c == 'f':
		return p.literal("false", SymFalse)
	case c == 'n':
		return p.literal("null", SymNull)
	}
	p.fail("jsoninvalidtoken", p.pos)
	return nil, false
}

func (p *jsonParser) literal(word string, v Expr) (Expr, bool) {
	if !strings.HasPrefix(p.src[p.pos:], word) {
		p.fail("jsoninvalidtoken", p.pos)
		return nil, false
	}
	p.pos += len(word)
	return v, true
}

func (p *jsonParser) array() (Expr, bool) {
	p.pos++ // [
	var items []Expr
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return inertList(nil), true
	}
	for {
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		items = append(items, v)
		p.skipSpace()
		if p.pos < len(p.src) {
			switch p.src[p.pos] {
			case ',':
				p.pos++
				continue
			case ']':
				p.pos++
				if allLiteral(items) {
					return inertList(items), true
				}
				return List(items...), true
			}
		}
		p.fail("jsonarraymissingsep", p.pos)
		return nil, false
	}
}

func (p *jsonParser) object() (Expr, bool) {
	p.pos++ // {
	var assoc *Assoc
	var rules []Expr
	if p.raw {
		assoc = NewAssoc()
	}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		if p.raw {
			return assoc, true
		}
		return List(), true
	}
	for {
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			p.fail("jsoninvalidtoken", p.pos)
			return nil, false
		}
		key, ok := p.str()
		if !ok {
			return nil, false
		}
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			p.fail("jsonkvsep", p.pos)
			return nil, false
		}
		p.pos++
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		if p.raw {
			// a repeated key keeps its first place and takes the last value
			assoc.Set(String(key), v, false)
		} else {
			rules = append(rules, NewNormal(SymRule, String(key), v))
		}
		p.skipSpace()
		if p.pos < len(p.src) {
			switch p.src[p.pos] {
			case ',':
				p.pos++
				continue
			case '}':
				p.pos++
				if p.raw {
					return assoc, true
				}
				return List(rules...), true
			}
		}
		p.fail("jsonobjmissingsep", p.pos)
		return nil, false
	}
}

// str reads a JSON string at p.pos (its opening quote), decoding the escapes; \u escapes
// that form a UTF-16 surrogate pair give one character, a lone surrogate gives U+FFFD.
func (p *jsonParser) str() (string, bool) {
	start := p.pos + 1
	i := start
	for i < len(p.src) && p.src[i] != '"' && p.src[i] != '\\' && p.src[i] >= 0x20 {
		i++
	}
	if i < len(p.src) && p.src[i] == '"' {
		p.pos = i + 1
		return p.src[start:i], true
	}
	var b strings.Builder
	b.WriteString(p.src[start:i])
	for {
		if i >= len(p.src) || p.src[i] < 0x20 {
			p.fail("jsoninvalidtoken", i)
			return "", false
		}
		switch c := p.src[i]; c {
		case '"':
			p.pos = i + 1
			return b.String(), true
		case '\\':
			if i+1 >= len(p.src) {
				p.fail("jsoninvalidtoken", i+1)
				return "", false
			}
			switch e := p.src[i+1]; e {
			case '"', '\\', '/':
				b.WriteByte(e)
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'u':
				r, ok := jsonHex4(p.src, i+2)
				if !ok {
					p.fail("jsoninvalidtoken", i)
					return "", false
				}
				i += 6
				if r >= 0xd800 && r < 0xdc00 && i+1 < len(p.src) && p.src[i] == '\\' && p.src[i+1] == 'u' {
					if lo, ok := jsonHex4(p.src, i+2); ok && lo >= 0xdc00 && lo < 0xe000 {
						r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
						i += 6
					}
				}
				if r >= 0xd800 && r < 0xe000 {
					r = utf8.RuneError
				}
				b.WriteRune(r)
				continue
			default:
				p.fail("jsoninvalidtoken", i)
				return "", false
			}
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
}

func jsonHex4(s string, at int) (rune, bool) {
	if at+4 > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[at:at+4], 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

func (p *jsonParser) number() (Expr, bool) {
	start := p.pos
	src := p.src
	digits := func() int {
		n := 0
		for p.pos < len(src) && src[p.pos] >= '0' && src[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	if src[p.pos] == '-' {
		p.pos++
	}
	if digits() == 0 {
		p.fail("jsoninvalidtoken", p.pos)
		return nil, false
	}
	frac, expo := false, false
	if p.pos < len(src) && src[p.pos] == '.' {
		frac = true
		p.pos++
		if digits() == 0 {
			p.fail("jsoninvalidtoken", p.pos)
			return nil, false
		}
	}
	if p.pos < len(src) && (src[p.pos] == 'e' || src[p.pos] == 'E') {
		expo = true
		p.pos++
		if p.pos < len(src) && (src[p.pos] == '+' || src[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			p.fail("jsoninvalidtoken", p.pos)
			return nil, false
		}
	}
	tok := src[start:p.pos]
	if len(tok) > maxDigits {
		// decimal conversion of huge numbers takes quadratic time: refuse, do not hang
		p.fail("jsoninvalidtoken", start)
		return nil, false
	}
	if !frac && !expo {
		if v, err := strconv.ParseInt(tok, 10, 64); err == nil {
			return Int(v), true
		}
		v, _ := new(big.Int).SetString(tok, 10)
		return BigOrInt(v), true
	}
	// a fraction or an exponent makes a real, as Wolfram reads JSON (1e2 is 100.)
	f, _ := strconv.ParseFloat(tok, 64) // out of range: ±Inf or 0, as a machine real must
	return Real(f), true
}
