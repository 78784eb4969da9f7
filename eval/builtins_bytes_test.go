package eval

import (
	"strconv"
	"strings"
	"testing"
)

// byteList writes the bytes as a Wolfram list, {1, 2, …}.
func byteList(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = strconv.Itoa(int(c))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// TestBytesRoundTrips: every byte value, and every length of data in every base encoding,
// comes back unchanged.
func TestBytesRoundTrips(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	l := byteList(all)
	cases := []evalCase{
		{"ba = ByteArray[" + l + "]; Normal[StringToByteArray[ByteArrayToString[ba, \"ISO8859-1\"], \"ISO8859-1\"]] === " + l, "True"},
		{"ba = ByteArray[" + l + "]; Normal[ByteArray[BaseEncode[ba]]] === " + l, "True"},
		{"ba = ByteArray[" + l + "]; Normal[ba] === " + l, "True"},
	}
	for _, enc := range []string{"Base64", "Base64URL", "Base32", "Base16", "Base85ASCII"} {
		for n := 0; n <= 9; n++ {
			data := make([]byte, n)
			for i := range data {
				data[i] = byte(17*i + 251*n + 3)
			}
			if n == 8 {
				data = make([]byte, 8) // zero words: Base85's "z"
			}
			in := "ba = ByteArray[" + byteList(data) + "]; BaseDecode[BaseEncode[ba, \"" + enc + "\"], \"" + enc + "\"] === ba"
			cases = append(cases, evalCase{in, "True"})
		}
	}
	checkEval(t, cases)
}

func TestByteArray(t *testing.T) {
	checkEval(t, []evalCase{
		{`ByteArray[{1, 2, 3}]`, `ByteArray[<3>]`},
		{`InputForm[ByteArray[{1, 2, 3}]]`, `ByteArray["AQID"]`},
		{`FullForm[ByteArray[{1, 2, 3}]]`, `ByteArray["AQID"]`},
		{`Normal[ByteArray["AQIDBAUGBwg="]]`, `{1, 2, 3, 4, 5, 6, 7, 8}`},
		{`Normal[ByteArray[" AQID\nBA== "]]`, `{1, 2, 3, 4}`},
		{`Normal[ByteArray[{0, 255}]]`, `{0, 255}`},
		{`ByteArray[{}]`, `ByteArray[<0>]`},
		{`InputForm[ByteArray[""]]`, `ByteArray[""]`},
		{`ByteArray[{}] === ByteArray[""]`, `True`},
		{`ByteArray[{1, 2, 3}] === ByteArray["AQID"]`, `True`},
		{`ByteArray[{1, 2, 3}] === ByteArray[{1, 2, 4}]`, `False`},
		{`b = ByteArray[{9}]; ByteArray[b] === b`, `True`},
		{`Head[ByteArray[{1}]]`, `ByteArray`},
		// bad bytes: the message, and the call stays unevaluated
		{`ByteArray[{1, 256}]`, "ByteArray::batd: Elements in {1, 256} are not unsigned byte values.\nByteArray[{1, 256}]"},
		{`ByteArray[{-1}]`, "ByteArray::batd: Elements in {-1} are not unsigned byte values.\nByteArray[{-1}]"},
		{`ByteArray[{1.}]`, "ByteArray::batd: Elements in {1.} are not unsigned byte values.\nByteArray[{1.}]"},
		{`ByteArray[{2^70}]`, "ByteArray::batd: Elements in {1180591620717411303424} are not unsigned byte values.\nByteArray[{1180591620717411303424}]"},
		{`ByteArray[{{1}}]`, "ByteArray::batd: Elements in {{1}} are not unsigned byte values.\nByteArray[{{1}}]"},
		{`ByteArray["asy"]`, "ByteArray::lend: The argument at position 1 in ByteArray[\"asy\"] should be a vector of unsigned byte values or a Base64-encoded string.\nByteArray[asy]"},
		{`ByteArray[x]`, "ByteArray::lend: The argument at position 1 in ByteArray[x] should be a vector of unsigned byte values or a Base64-encoded string.\nByteArray[x]"},
		{`ByteArray[]`, "ByteArray::argx: ByteArray called with 0 arguments; 1 argument is expected.\nByteArray[]"},
		{`ByteArrayQ[ByteArray[{1}]]`, `True`},
		{`ByteArrayQ[ByteArray[{}]]`, `True`},
		{`ByteArrayQ[{1, 2}]`, `False`},
		{`ByteArrayQ["AQID"]`, `False`},
		{`Quiet[ByteArrayQ[ByteArray[{300}]]]`, `False`},
	})
}

func TestStringByteArrayConversions(t *testing.T) {
	checkEval(t, []evalCase{
		{`Normal[StringToByteArray["abc"]]`, `{97, 98, 99}`},
		{`Normal[StringToByteArray["é€😀"]]`, `{195, 169, 226, 130, 172, 240, 159, 152, 128}`},
		{`Normal[StringToByteArray["é", "ISO8859-1"]]`, `{233}`},
		{`Normal[StringToByteArray["é", "ISOLatin1"]]`, `{233}`},
		{`Normal[StringToByteArray["é", "UTF8"]]`, `{195, 169}`},
		{`Normal[StringToByteArray["abc", "ASCII"]]`, `{97, 98, 99}`},
		{`StringToByteArray[""]`, `ByteArray[<0>]`},
		{`StringToByteArray["é", "ASCII"]`, "StringToByteArray::nrep: The string \"é\" contains characters that cannot be represented in the \"ASCII\" character encoding.\n$Failed"},
		{`StringToByteArray["€", "ISO8859-1"]`, "StringToByteArray::nrep: The string \"€\" contains characters that cannot be represented in the \"ISO8859-1\" character encoding.\n$Failed"},
		{`StringToByteArray["a", "KOI8-Q"]`, "StringToByteArray::charcode: The character encoding \"KOI8-Q\" is not supported. Use $CharacterEncodings to list the supported encodings.\n$Failed"},
		{`StringToByteArray[5]`, "StringToByteArray::string: String expected at position 1 in StringToByteArray[5].\nStringToByteArray[5]"},
		{`InputForm[ByteArrayToString[ByteArray[{104, 105}]]]`, `"hi"`},
		{`InputForm[ByteArrayToString[StringToByteArray["héllo wörld €😀"]]]`, `"héllo wörld €😀"`},
		{`s = "Ünïcödé ✓"; ByteArrayToString[StringToByteArray[s]] === s`, `True`},
		{`s = "façade"; ByteArrayToString[StringToByteArray[s, "ISO8859-1"], "ISO8859-1"] === s`, `True`},
		// an invalid UTF-8 byte becomes the character with its code
		{`InputForm[ByteArrayToString[ByteArray[{162}]]]`, `"¢"`},
		{`InputForm[ByteArrayToString[ByteArray[{97, 255, 98, 195}]]]`, `"aÿbÃ"`},
		{`Normal[StringToByteArray[ByteArrayToString[ByteArray[{162}]]]]`, `{194, 162}`},
		// U+FFFD itself is valid UTF-8 and stays itself
		{`Normal[StringToByteArray[ByteArrayToString[ByteArray[{239, 191, 189}]]]]`, `{239, 191, 189}`},
		{`InputForm[ByteArrayToString[ByteArray[{233}], "ISO8859-1"]]`, `"é"`},
		{`InputForm[ByteArrayToString[ByteArray[{72, 233}], "ASCII"]]`, `"Hé"`},
		{`InputForm[ByteArrayToString[ByteArray[{}]]]`, `""`},
		{`InputForm[ByteArrayToString[{}]]`, `""`},
		{`ByteArrayToString[ByteArray[{65}], "Klingon"]`, "ByteArrayToString::charcode: The character encoding \"Klingon\" is not supported. Use $CharacterEncodings to list the supported encodings.\n$Failed"},
		{`ByteArrayToString["abc"]`, "ByteArrayToString::bytearray: ByteArray object expected at position 1 in ByteArrayToString[\"abc\"].\nByteArrayToString[abc]"},
		{`ByteArrayToString[{1, 2}]`, "ByteArrayToString::bytearray: ByteArray object expected at position 1 in ByteArrayToString[{1, 2}].\nByteArrayToString[{1, 2}]"},
	})
}

func TestBaseEncodeDecode(t *testing.T) {
	checkEval(t, []evalCase{
		{`BaseEncode[ByteArray[{1, 2, 3}]]`, `AQID`},
		{`BaseEncode[ByteArray[{1}]]`, `AQ==`},
		{`BaseEncode[ByteArray[{1, 2}], "Base64"]`, `AQI=`},
		{`BaseEncode[ByteArray[{251, 255}], "Base64URL"]`, `-_8`},
		{`BaseEncode[ByteArray[{251, 255}], "Base64"]`, `+/8=`},
		{`BaseEncode[StringToByteArray["foobar"], "Base32"]`, `MZXW6YTBOI======`},
		{`BaseEncode[ByteArray[{7, 49, 166, 255}], "Base16"]`, `0731a6ff`},
		{`BaseEncode[ByteArray[{0, 0, 0, 0, 0, 0, 0, 0}], "Base85ASCII"]`, `zz`},
		{`BaseEncode[StringToByteArray["Man "], "Base85ASCII"]`, `9jqo^`},
		{`BaseEncode[ByteArray[{0}], "Base85ASCII"]`, `!!`},
		{`InputForm[BaseEncode[ByteArray[{}]]]`, `""`},
		{`Normal[BaseDecode["AQID"]]`, `{1, 2, 3}`},
		{`Normal[BaseDecode["AQ ID\nBA=="]]`, `{1, 2, 3, 4}`},
		{`Normal[BaseDecode["-_8", "Base64URL"]]`, `{251, 255}`},
		{`Normal[BaseDecode["-_8=", "Base64URL"]]`, `{251, 255}`},
		{`ByteArrayToString[BaseDecode["MZXW6YTBOI======", "Base32"]]`, `foobar`},
		{`Normal[BaseDecode["0731A6ff", "Base16"]]`, `{7, 49, 166, 255}`},
		{`ByteArrayToString[BaseDecode["9jqo^", "Base85ASCII"]]`, `Man `},
		{`Normal[BaseDecode["z!!", "Base85ASCII"]]`, `{0, 0, 0, 0, 0}`},
		{`BaseDecode["AQI"]`, "BaseDecode::invdata: \"AQI\" is not valid \"Base64\" data.\n$Failed"},
		{`BaseDecode["abc", "Base16"]`, "BaseDecode::invdata: \"abc\" is not valid \"Base16\" data.\n$Failed"},
		{`BaseDecode["!", "Base85ASCII"]`, "BaseDecode::invdata: \"!\" is not valid \"Base85ASCII\" data.\n$Failed"},
		{`BaseDecode["uuuuu", "Base85ASCII"]`, "BaseDecode::invdata: \"uuuuu\" is not valid \"Base85ASCII\" data.\n$Failed"},
		{`BaseDecode["AQID", "Base99"]`, "BaseDecode::encoding: \"Base99\" is not a known encoding; the encodings are \"Base64\", \"Base64URL\", \"Base32\", \"Base16\" and \"Base85ASCII\".\n$Failed"},
		{`BaseDecode[7]`, "BaseDecode::string: String expected at position 1 in BaseDecode[7].\nBaseDecode[7]"},
		{`BaseEncode[ByteArray[{1}], "Hex"]`, "BaseEncode::encoding: \"Hex\" is not a known encoding; the encodings are \"Base64\", \"Base64URL\", \"Base32\", \"Base16\" and \"Base85ASCII\".\n$Failed"},
		{`BaseEncode["AQID"]`, "BaseEncode::bytearray: ByteArray object expected at position 1 in BaseEncode[\"AQID\"].\nBaseEncode[AQID]"},
	})
}

func TestNormal(t *testing.T) {
	checkEval(t, []evalCase{
		{`Normal[ByteArray[{5, 6}]]`, `{5, 6}`},
		{`Normal[ByteArray[{}]]`, `{}`},
		{`InputForm[Normal[<|"a" -> 1, "b" :> x|>]]`, `{"a" -> 1, "b" :> x}`},
		{`Normal[<||>]`, `{}`},
		{`Normal[{ByteArray[{1}], <|a -> ByteArray[{2}]|>}]`, `{{1}, {a -> ByteArray[<1>]}}`},
		{`Normal[<|a -> <|b -> 1|>|>]`, `{a -> <|b -> 1|>}`},
		{`Normal[f[ByteArray[{7}]]]`, `f[{7}]`},
		{`Normal[{1, "x", y}]`, `{1, x, y}`},
		{`Normal[x]`, `x`},
		{`Normal[3]`, `3`},
		{`Normal[{ByteArray[{1}], <|a -> 1|>}, ByteArray]`, `{{1}, <|a -> 1|>}`},
		{`Normal[{ByteArray[{1}], <|a -> 1|>}, Association]`, `{ByteArray[<1>], {a -> 1}}`},
		{`Normal[{ByteArray[{1}], <|a -> 1|>}, {Association, ByteArray}]`, `{{1}, {a -> 1}}`},
		{`Normal[]`, "Normal::argt: Normal called with 0 arguments; 1 or 2 arguments are expected.\nNormal[]"},
	})
}

func TestExportStringJSON(t *testing.T) {
	checkEval(t, []evalCase{
		{`InputForm[ExportString[<|"a" -> 1, "b" -> {1, 2}|>, "RawJSON"]]`, `"{\n\t\"a\":1,\n\t\"b\":[\n\t\t1,\n\t\t2\n\t]\n}"`},
		{`InputForm[ExportString[<|"a" -> 1, "b" -> {1, 2}|>, "RawJSON", "Compact" -> True]]`, `"{\"a\":1,\"b\":[1,2]}"`},
		{`InputForm[ExportString[<|"a" -> 1|>, "RawJSON", Compact -> True]]`, `"{\"a\":1}"`},
		{`InputForm[ExportString[<|"a" -> {}, "b" -> <||>|>, "RawJSON"]]`, `"{\n\t\"a\":[],\n\t\"b\":{}\n}"`},
		{`InputForm[ExportString[{"k" -> {"x" -> True}, "n" -> Null}, "JSON"]]`, `"{\n\t\"k\":{\n\t\t\"x\":true\n\t},\n\t\"n\":null\n}"`},
		{`InputForm[ExportString[{1, 2.5, -3}, "JSON", "Compact" -> True]]`, `"[1,2.5,-3]"`},
		{`InputForm[ExportString[{1.5, 25., 0.01, 1., 0., -0.25, 123.456, 1.5*^300}, "RawJSON", "Compact" -> True]]`, `"[1.5,2.5e1,1.0e-2,1.0,0.0,-0.25,1.23456e2,1.5e300]"`},
		{`InputForm[ExportString[{1/4, 1/3, 2^64}, "RawJSON", "Compact" -> True]]`, `"[0.25,0.3333333333333333,18446744073709551616]"`},
		{`InputForm[ExportString["a/b \"q\" \\ \n\t é\.01", "RawJSON"]]`, `"\"a\\/b \\\"q\\\" \\\\ \\n\\t é\\u0001\""`},
		{`InputForm[ExportString[{True, False, Null}, "RawJSON", "Compact" -> True]]`, `"[true,false,null]"`},
		{`InputForm[ExportString[7, "RawJSON"]]`, `"7"`},
		{`InputForm[ExportString[{}, "JSON"]]`, `"[]"`},
		{`InputForm[ExportString["plain", "Text"]]`, `"plain"`},
		{`InputForm[ExportString[{1, x}, "Text"]]`, `"{1, x}"`},
		// what JSON cannot hold
		{`ExportString[{1, x}, "RawJSON"]`, "Export::jsonstrictencoding: Expression x cannot be exported as JSON.\n$Failed"},
		{`ExportString[{f[1]}, "JSON"]`, "Export::jsonstrictencoding: Expression f cannot be exported as JSON.\n$Failed"},
		{`ExportString[ByteArray[{1}], "JSON"]`, "Export::jsonstrictencoding: Expression ByteArray cannot be exported as JSON.\n$Failed"},
		{`ExportString[{"a" -> 1}, "RawJSON"]`, "Export::jsonstrictencoding: Expression Rule cannot be exported as JSON.\n$Failed"},
		{`ExportString[{1.5*^308 * 10.}, "RawJSON"]`, "Export::jsonstrictencoding: Expression Infinity cannot be exported as JSON.\n$Failed"},
		{`ExportString[<|1 -> 2|>, "RawJSON"]`, "Export::jsonassockeynstr: Association contains a non-string key 1.\n$Failed"},
		{`ExportString[{a -> 2}, "JSON"]`, "Export::jsonrulelistkeynstr: Invalid non-string key a.\n$Failed"},
		{`ExportString[{"a" -> 2, 3}, "JSON"]`, "Export::jsonrulelistnonrule: {\"a\" -> 2, 3} contains a mixture of rule and non-rule expressions.\n$Failed"},
		{`ExportString[{1}, "XYZ"]`, "ExportString::fmtnosup: \"XYZ\" is not a supported Export format.\n$Failed"},
		{`ExportString[{1}, "JSON", "Compact" -> 3]`, "ExportString::opttf: Value of option \"Compact\" -> 3 should be True or False.\n$Failed"},
		{`ExportString[{1}, "JSON", "Indent" -> 3]`, "ExportString::optx: Unknown option \"Indent\" in ExportString[{1}, \"JSON\", \"Indent\" -> 3].\nExportString[{1}, JSON, Indent -> 3]"},
	})
}

func TestImportStringJSON(t *testing.T) {
	checkEval(t, []evalCase{
		{`InputForm[ImportString["{\"a\": 1, \"b\": [1, 2]}", "RawJSON"]]`, `<|"a" -> 1, "b" -> {1, 2}|>`},
		{`InputForm[ImportString["{\"a\": 1, \"b\": {\"c\": null}}", "JSON"]]`, `{"a" -> 1, "b" -> {"c" -> Null}}`},
		{`InputForm[ImportString["[true, false, null, \"s\", -0, 2.5, 1e3, 1E-2, 2.5e1, 9223372036854775808]", "RawJSON"]]`, `{True, False, Null, "s", 0, 2.5, 1000., 0.01, 25., 9223372036854775808}`},
		{`InputForm[ImportString["  [ ]  ", "RawJSON"]]`, `{}`},
		{`InputForm[ImportString["{}", "RawJSON"]]`, `<||>`},
		{`InputForm[ImportString["{}", "JSON"]]`, `{}`},
		{`InputForm[ImportString["\"x\\u00e9\\ud83d\\ude00\\n\\/\\\\\"", "RawJSON"]]`, `"xé😀\n/\\"`},
		{`InputForm[ImportString["\"é€\"", "RawJSON"]]`, `"é€"`},
		// keys keep their first place, a repeated key takes the last value
		{`InputForm[ImportString["{\"b\": 1, \"a\": 2, \"b\": 3}", "RawJSON"]]`, `<|"b" -> 3, "a" -> 2|>`},
		{`InputForm[ImportString["{\"b\": 1, \"b\": 3}", "JSON"]]`, `{"b" -> 1, "b" -> 3}`},
		{`InputForm[ImportString["{\"k\": [1, {\"z\": true}]}", "RawJSON"]["k"]]`, `{1, <|"z" -> True|>}`},
		// round trips
		{`d = <|"name" -> "Zoë", "n" -> {1, -2, 3.5, <|"deep" -> {{}, <||>, {Null}}|>}, "ok" -> True, "big" -> 2^80|>; ImportString[ExportString[d, "RawJSON"], "RawJSON"] === d`, `True`},
		{`d = <|"name" -> "Zoë", "n" -> {1, -2, 3.5, <|"deep" -> {{}, <||>, {Null}}|>}|>; ImportString[ExportString[d, "RawJSON", "Compact" -> True], "RawJSON"] === d`, `True`},
		{`d = {"a" -> {"b" -> {1, 2}}, "c" -> "\t/\""}; ImportString[ExportString[d, "JSON"], "JSON"] === d`, `True`},
		{`s = "{\"a\":[1,2.5,\"x\\/y\"],\"b\":{\"c\":null}}"; ExportString[ImportString[s, "RawJSON"], "RawJSON", "Compact" -> True] === s`, `True`},
		{`v = ImportString["[0.1, 1.0e-7, 123456.789, 6.02214076e23]", "RawJSON"]; ImportString[ExportString[v, "RawJSON"], "RawJSON"] === v`, `True`},
		{`InputForm[ImportString["plain text", "Text"]]`, `"plain text"`},
		// malformed input: Wolfram's message, where it went wrong, and $Failed
		{`ImportString["[1,2", "RawJSON"]`, "Import::jsonarraymissingsep: Expecting end of array or a value separator.\nImport::jsonhintposandchar: An error occurred near character 'EOF', at line 1:6\n$Failed"},
		{`ImportString["[1 2]", "RawJSON"]`, "Import::jsonarraymissingsep: Expecting end of array or a value separator.\nImport::jsonhintposandchar: An error occurred near character '2', at line 1:5\n$Failed"},
		{`ImportString["{\"a\":1 \"b\":2}", "RawJSON"]`, "Import::jsonobjmissingsep: Expecting end of object or a value separator.\nImport::jsonhintposandchar: An error occurred near character '\"', at line 1:9\n$Failed"},
		{`ImportString["{\"a\" 1}", "RawJSON"]`, "Import::jsonkvsep: Missing key value separator ':'.\nImport::jsonhintposandchar: An error occurred near character '1', at line 1:7\n$Failed"},
		{`ImportString["[1]x", "RawJSON"]`, "Import::jsonexpendofinput: Unexpected character found while looking for the end of input.\nImport::jsonhintposandchar: An error occurred near character 'x', at line 1:5\n$Failed"},
		{`ImportString["[\n  \"é\",\n  tru]", "RawJSON"]`, "Import::jsoninvalidtoken: Invalid token found.\nImport::jsonhintposandchar: An error occurred near character 't', at line 3:4\n$Failed"},
		{`ImportString["{1: 2}", "JSON"]`, "Import::jsoninvalidtoken: Invalid token found.\nImport::jsonhintposandchar: An error occurred near character '1', at line 1:3\n$Failed"},
		{`ImportString["\"abc", "RawJSON"]`, "Import::jsoninvalidtoken: Invalid token found.\nImport::jsonhintposandchar: An error occurred near character 'EOF', at line 1:6\n$Failed"},
		{`ImportString["\"a\\qb\"", "RawJSON"]`, "Import::jsoninvalidtoken: Invalid token found.\nImport::jsonhintposandchar: An error occurred near character '\\', at line 1:4\n$Failed"},
		{`ImportString["[\"a\tb\"]", "RawJSON"]`, "Import::jsoninvalidtoken: Invalid token found.\nImport::jsonhintposandchar: An error occurred near character '\\t', at line 1:5\n$Failed"},
		{`ImportString["[1.]", "RawJSON"]`, "Import::jsoninvalidtoken: Invalid token found.\nImport::jsonhintposandchar: An error occurred near character ']', at line 1:5\n$Failed"},
		{`ImportString["[-]", "RawJSON"]`, "Import::jsoninvalidtoken: Invalid token found.\nImport::jsonhintposandchar: An error occurred near character ']', at line 1:4\n$Failed"},
		{`ImportString["", "RawJSON"]`, "Import::jsonnullinput: Data in input is null.\n$Failed"},
		{`ImportString[" \n ", "JSON"]`, "Import::jsonnullinput: Data in input is null.\n$Failed"},
		{`Quiet[ImportString["[", "RawJSON"]]`, `$Failed`},
		{`Check[ImportString["[", "RawJSON"], "failed"]`, "Import::jsoninvalidtoken: Invalid token found.\nImport::jsonhintposandchar: An error occurred near character 'EOF', at line 1:3\nfailed"},
		{`ImportString["[]", "YAML"]`, "ImportString::fmtnosup: \"YAML\" is not a supported Import format.\n$Failed"},
		{`ImportString[5, "JSON"]`, "ImportString::string: String expected at position 1 in ImportString[5, \"JSON\"].\nImportString[5, JSON]"},
		// the deepest nesting that is read, and written back
		{`s = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"; ExportString[ImportString[s, "RawJSON"], "RawJSON", "Compact" -> True] === s`, `True`},
	})
}

// TestImportStringDeepJSON: absurdly deep input gets a message, not a stack overflow.
func TestImportStringDeepJSON(t *testing.T) {
	in := `ImportString["` + strings.Repeat("[", 100000) + `", "RawJSON"]`
	want := "Import::jsondepth: The nesting depth of the data exceeds 1024.\n" +
		"Import::jsonhintposandchar: An error occurred near character '[', at line 1:1026\n$Failed"
	checkEval(t, []evalCase{{in, want}})
	in = `ImportString["` + strings.Repeat(`{\"a\":`, 5000) + `", "JSON"]`
	if got := run(t, in); !strings.Contains(got, "Import::jsondepth") || !strings.HasSuffix(got, "$Failed") {
		t.Errorf("deep objects: %s", got)
	}
}
