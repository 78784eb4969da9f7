package eval

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/socketrepl/socketrepl/grammar"
)

func TestStringJoin(t *testing.T) {
	checkEval(t, []evalCase{
		{`"a" <> "b" <> "c"`, `abc`},
		{`"a" <> {"b", {"c"}} <> "d"`, `abcd`},
		{`InputForm[StringJoin[]]`, `""`},
		{`InputForm[StringJoin[{}]]`, `""`},
		{`StringJoin["x"]`, `x`},
		{`"é" <> "ü"`, `éü`},
		{`"a" <> x`, "StringJoin::string: String expected at position 2 in \"a\" <> x.\na <> x"},
		{`StringJoin["a", {"b", 1}]`, "StringJoin::string: String expected at position 2 in \"a\" <> {\"b\", 1}.\na <> {b, 1}"},
		// the inner join is evaluated (and complains) first; then Flat makes one call
		{`x <> ("a" <> y)`, "StringJoin::string: String expected at position 2 in \"a\" <> y.\nStringJoin::string: String expected at position 1 in x <> \"a\" <> y.\nx <> a <> y"},
		{`Attributes[StringJoin]`, `{Flat, OneIdentity, Protected}`},
	})
}

func TestStringLengthCharacters(t *testing.T) {
	checkEval(t, []evalCase{
		{`StringLength["hello"]`, `5`},
		{`StringLength["héllo→"]`, `6`},
		{`StringLength[""]`, `0`},
		{`StringLength[{"ab", {"c", ""}}]`, `{2, {1, 0}}`},
		{`StringLength[x]`, "StringLength::string: String expected at position 1 in StringLength[x].\nStringLength[x]"},
		{`InputForm[Characters["héy"]]`, `{"h", "é", "y"}`},
		{`Characters[""]`, `{}`},
		{`Characters[{"ab", "c"}]`, `{{a, b}, {c}}`},
		{`Characters[12]`, "Characters::string: String expected at position 1 in Characters[12].\nCharacters[12]"},
		{`StringQ["a"]`, `True`},
		{`StringQ[""]`, `True`},
		{`StringQ[a]`, `False`},
		{`StringQ[1]`, `False`},
		{`StringReverse["héllo"]`, `olléh`},
		{`InputForm[StringReverse[""]]`, `""`},
		{`StringReverse[{"ab", "cd"}]`, `{ba, dc}`},
		{`StringReverse[1]`, "StringReverse::string: String expected at position 1 in StringReverse[1].\nStringReverse[1]"},
		{`ToUpperCase["abc é"]`, `ABC É`},
		{`ToLowerCase["ÀBC"]`, `àbc`},
		{`ToLowerCase[{"AB", {"Cd"}}]`, `{ab, {cd}}`},
		{`ToUpperCase[x]`, "ToUpperCase::string: String expected at position 1 in ToUpperCase[x].\nToUpperCase[x]"},
	})
}

func TestStringSplit(t *testing.T) {
	checkEval(t, []evalCase{
		{`InputForm[StringSplit["  a b \t c\n"]]`, `{"a", "b", "c"}`},
		{`InputForm[StringSplit[""]]`, `{}`},
		{`InputForm[StringSplit["   "]]`, `{}`},
		{`InputForm[StringSplit["a,b,,c", ","]]`, `{"a", "b", "", "c"}`},
		// one empty piece is dropped at each end
		{`InputForm[StringSplit[",a,b,", ","]]`, `{"a", "b"}`},
		{`InputForm[StringSplit["a--b-c", {"--", "-"}]]`, `{"a", "b", "c"}`},
		{`InputForm[StringSplit["a1b2c", "1" | "2"]]`, `{"a", "b", "c"}`},
		{`InputForm[StringSplit["a b c d", " ", 2]]`, `{"a", "b c d"}`},
		{`InputForm[StringSplit["a b  c d", Whitespace, 3]]`, `{"a", "b", "c d"}`},
		{`InputForm[StringSplit["a b", " ", Infinity]]`, `{"a", "b"}`},
		{`InputForm[StringSplit["héllo", ""]]`, `{"h", "é", "l", "l", "o"}`},
		{`InputForm[StringSplit["aXbxc", "x"]]`, `{"aXb", "c"}`},
		{`InputForm[StringSplit["aXbxc", "x", IgnoreCase -> True]]`, `{"a", "b", "c"}`},
		{`InputForm[StringSplit[{"a b", "c"}]]`, `{{"a", "b"}, {"c"}}`},
		{`StringSplit[1]`, "StringSplit::strse: String or list of strings expected at position 1 in StringSplit[1].\nStringSplit[1]"},
		{`StringSplit[{"a", 1}, " "]`, "StringSplit::strse: String or list of strings expected at position 1 in StringSplit[{\"a\", 1}, \" \"].\nStringSplit[{a, 1},  ]"},
		{`StringSplit["a b", " ", 0]`, "StringSplit::intp: Positive integer expected at position 3 in StringSplit[\"a b\", \" \", 0].\nStringSplit[a b,  , 0]"},
		// string patterns other than literal strings are not supported: left alone, quietly
		{`StringSplit["a1b", DigitCharacter]`, `StringSplit[a1b, DigitCharacter]`},
	})
}

func TestStringReplace(t *testing.T) {
	checkEval(t, []evalCase{
		{`StringReplace["abcabc", "b" -> "X"]`, `aXcaXc`},
		// one pass, left to right, the first rule that matches at each position
		{`StringReplace["abc", {"ab" -> "1", "b" -> "2", "c" -> "3"}]`, `13`},
		{`StringReplace["abc", {"b" -> "2", "ab" -> "1"}]`, `1c`},
		{`StringReplace["aaa", "a" -> "aa"]`, `aaaaaa`},
		{`StringReplace["aaa", "a" -> "b", 2]`, `bba`},
		{`StringReplace["aaa", "a" -> "b", 0]`, `aaa`},
		{`StringReplace["abc", "" -> "-"]`, `-a-b-c-`},
		{`StringReplace["héllo", "é" -> "e"]`, `hello`},
		{`StringReplace["abc", "a" | "c" -> "z"]`, `zbz`},
		{`StringReplace["ABC", "b" -> "x", IgnoreCase -> True]`, `AxC`},
		{`StringReplace["ABC", "b" -> "x"]`, `ABC`},
		{`StringReplace[{"ab", "bb"}, "b" -> "c"]`, `{ac, cc}`},
		{`StringReplace["b" -> "x"]["abc"]`, `axc`},
		{`InputForm[StringReplace["abc", "b" -> 1]]`, `StringExpression["a", 1, "c"]`},
		{`i = 0; StringReplace["aXa", "a" :> ToString[++i]]`, `1X2`},
		{`StringReplace["abc", 1]`, "StringReplace::srep: 1 is not a valid string replacement rule.\nStringReplace[abc, 1]"},
		{`StringReplace["abc", {"a" -> "b", 2 -> "c"}]`, "StringReplace::srep: 2 -> \"c\" is not a valid string replacement rule.\nStringReplace[abc, {a -> b, 2 -> c}]"},
		{`StringReplace[x, "a" -> "b"]`, "StringReplace::strse: String or list of strings expected at position 1 in StringReplace[x, \"a\" -> \"b\"].\nStringReplace[x, a -> b]"},
		{`StringReplace["aaa", "a" -> "b", -1]`, "StringReplace::innf: Non-negative integer or Infinity expected at position 3 in StringReplace[\"aaa\", \"a\" -> \"b\", -1].\nStringReplace[aaa, a -> b, -1]"},
		{`StringReplace["a", "a" -> "b", IgnoreCase -> 3]`, "StringReplace::opttf: Value of option IgnoreCase -> 3 should be True or False.\nStringReplace[a, a -> b, IgnoreCase -> 3]"},
		{`StringReplace["a", "a" -> "b", 1, 2]`, "StringReplace::argb: StringReplace called with 4 arguments; between 1 and 3 arguments are expected.\nStringReplace[a, a -> b, 1, 2]"},
		{`StringReplace["a1", DigitCharacter -> "x"]`, `StringReplace[a1, DigitCharacter -> x]`},
		// the result would be 2^16 * 2^16 characters: refused before anything is built
		{`Head[StringReplace[StringRepeat["a", 2^16], "a" -> StringRepeat["b", 2^16]]]`, "StringReplace::toolong: The result would have 4294967296 characters, more than the limit of 2147483648.\nStringReplace"},
	})
}

func TestStringTakeDrop(t *testing.T) {
	checkEval(t, []evalCase{
		{`StringTake["abcdef", 2]`, `ab`},
		{`StringTake["abcdef", -2]`, `ef`},
		{`StringTake["abcdef", {2, 4}]`, `bcd`},
		{`StringTake["abcdef", {-3, -2}]`, `de`},
		{`StringTake["abcdef", {3}]`, `c`},
		{`StringTake["abcdef", {-1}]`, `f`},
		{`StringTake["abcdef", {1, -1, 2}]`, `ace`},
		{`StringTake["abcdef", {-1, 1, -2}]`, `fdb`},
		{`StringTake["abcdef", {{1, 2}, {4}}]`, `{ab, d}`},
		{`StringTake["abc", All]`, `abc`},
		{`InputForm[StringTake["abc", None]]`, `""`},
		{`StringTake["abc", UpTo[5]]`, `abc`},
		{`InputForm[StringTake["abc", 0]]`, `""`},
		{`InputForm[StringTake["abc", {3, 2}]]`, `""`},
		{`InputForm[StringTake["", {1, 0}]]`, `""`},
		{`StringTake["héllo", {2, 3}]`, `él`},
		{`StringTake[{"abc", "def"}, -2]`, `{bc, ef}`},
		{`StringTake["abc", 5]`, "StringTake::take: Cannot take positions 1 through 5 in \"abc\".\nStringTake[abc, 5]"},
		{`StringTake["abc", -5]`, "StringTake::take: Cannot take positions -5 through -1 in \"abc\".\nStringTake[abc, -5]"},
		{`StringTake["abc", {0}]`, "StringTake::take: Cannot take positions 0 through 0 in \"abc\".\nStringTake[abc, {0}]"},
		{`StringTake["abc", {2, 4}]`, "StringTake::take: Cannot take positions 2 through 4 in \"abc\".\nStringTake[abc, {2, 4}]"},
		{`StringTake["abc", 10^30]`, "StringTake::take: Cannot take positions 1 through 1000000000000000000000000000000 in \"abc\".\nStringTake[abc, 1000000000000000000000000000000]"},
		{`StringTake[{"abcd", "ab"}, 3]`, "StringTake::take: Cannot take positions 1 through 3 in \"ab\".\nStringTake[{abcd, ab}, 3]"},
		{`StringTake["abc", x]`, "StringTake::mseqs: Sequence specification (+n, -n, {+n}, {-n}, {m, n}, or {m, n, s}) or a list of sequence specifications expected at position 2 in StringTake[\"abc\", x].\nStringTake[abc, x]"},
		{`StringTake["abc", {1, 2, 0}]`, "StringTake::mseqs: Sequence specification (+n, -n, {+n}, {-n}, {m, n}, or {m, n, s}) or a list of sequence specifications expected at position 2 in StringTake[\"abc\", {1, 2, 0}].\nStringTake[abc, {1, 2, 0}]"},
		{`StringTake[x, 1]`, "StringTake::strse: String or list of strings expected at position 1 in StringTake[x, 1].\nStringTake[x, 1]"},

		{`StringDrop["abcdef", 2]`, `cdef`},
		{`StringDrop["abcdef", -2]`, `abcd`},
		{`StringDrop["abcdef", {2, 4}]`, `aef`},
		{`StringDrop["abcdef", {3}]`, `abdef`},
		{`StringDrop["abcdef", {1, -1, 2}]`, `bdf`},
		{`StringDrop["abc", {2, 1}]`, `abc`},
		{`InputForm[StringDrop["abc", All]]`, `""`},
		{`StringDrop["abc", 0]`, `abc`},
		{`StringDrop["héllo", 1]`, `éllo`},
		{`StringDrop[{"abc", "de"}, 1]`, `{bc, e}`},
		{`StringDrop["abc", 5]`, "StringDrop::drop: Cannot drop positions 1 through 5 in \"abc\".\nStringDrop[abc, 5]"},
		{`StringDrop["abc", {-4}]`, "StringDrop::drop: Cannot drop positions -4 through -4 in \"abc\".\nStringDrop[abc, {-4}]"},
		{`StringDrop[1, 1]`, "StringDrop::strse: String or list of strings expected at position 1 in StringDrop[1, 1].\nStringDrop[1, 1]"},
	})
}

func TestStringTrimRiffleRepeat(t *testing.T) {
	checkEval(t, []evalCase{
		{`InputForm[StringTrim["  a b \n"]]`, `"a b"`},
		{`InputForm[StringTrim["ab"]]`, `"ab"`},
		{`InputForm[StringTrim[{" a", "b "}]]`, `{"a", "b"}`},
		// one occurrence at each end
		{`StringTrim["xxaxx", "x"]`, `xax`},
		{`StringTrim["--a-", {"--", "-"}]`, `a`},
		{`StringTrim[5]`, "StringTrim::strse: String or list of strings expected at position 1 in StringTrim[5].\nStringTrim[5]"},

		{`StringRiffle[{"a", "b", "c"}]`, `a b c`},
		{`StringRiffle[{"a", "b"}, ", "]`, `a, b`},
		{`StringRiffle[{"a", "b"}, {"(", ", ", ")"}]`, `(a, b)`},
		{`InputForm[StringRiffle[{{"a", "b"}, {"c", "d"}}]]`, `"a b\nc d"`},
		{`StringRiffle[{{"a", "b"}, {"c"}}, "; ", "-"]`, `a-b; c`},
		{`InputForm[StringRiffle[{}]]`, `""`},
		{`StringRiffle[{1, x, 2.5}]`, `1 x 2.5`},
		{`StringRiffle[x]`, "StringRiffle::list: List expected at position 1 in StringRiffle[x].\nStringRiffle[x]"},
		{`StringRiffle[{"a"}, 1]`, "StringRiffle::string: String expected at position 2 in StringRiffle[{\"a\"}, 1].\nStringRiffle[{a}, 1]"},

		{`StringRepeat["ab", 3]`, `ababab`},
		{`StringRepeat["é", 2]`, `éé`},
		{`StringRepeat["ab", 3, 5]`, `ababa`},
		{`StringRepeat["ab", 10^20, 3]`, `aba`},
		{`StringRepeat["ab", 10^20, 10^10]`, "StringRepeat::toolong: The result would have 10000000000 characters, more than the limit of 2147483648.\nStringRepeat[ab, 100000000000000000000, 10000000000]"},
		{`InputForm[StringRepeat["", 5]]`, `""`},
		{`StringRepeat["x", 10^12]`, "StringRepeat::toolong: The result would have 1000000000000 characters, more than the limit of 2147483648.\nStringRepeat[x, 1000000000000]"},
		{`StringRepeat["ab", 10^30]`, "StringRepeat::toolong: The result would have 2000000000000000000000000000000 characters, more than the limit of 2147483648.\nStringRepeat[ab, 1000000000000000000000000000000]"},
		{`StringRepeat["x", 0]`, "StringRepeat::intp: Positive integer expected at position 2 in StringRepeat[\"x\", 0].\nStringRepeat[x, 0]"},
		{`StringRepeat["x", -3]`, "StringRepeat::intp: Positive integer expected at position 2 in StringRepeat[\"x\", -3].\nStringRepeat[x, -3]"},
		{`StringRepeat[1, 2]`, "StringRepeat::string: String expected at position 1 in StringRepeat[1, 2].\nStringRepeat[1, 2]"},
	})
}

func TestStringSearch(t *testing.T) {
	checkEval(t, []evalCase{
		{`StringContainsQ["abc", "bc"]`, `True`},
		{`StringContainsQ["abc", "B"]`, `False`},
		{`StringContainsQ["abc", "B", IgnoreCase -> True]`, `True`},
		{`StringContainsQ["abc", {"x", "c"}]`, `True`},
		{`StringContainsQ["abc", ""]`, `True`},
		{`StringContainsQ["", "a"]`, `False`},
		{`StringContainsQ[{"abc", "x"}, "b"]`, `{True, False}`},
		{`StringContainsQ["b"]["abc"]`, `True`},
		{`StringContainsQ["B", IgnoreCase -> True]["abc"]`, `True`},
		{`StringContainsQ[1, "b"]`, "StringContainsQ::strse: String or list of strings expected at position 1 in StringContainsQ[1, \"b\"].\nStringContainsQ[1, b]"},
		{`StringContainsQ["abc", "b", IgnoreCase -> 5]`, "StringContainsQ::opttf: Value of option IgnoreCase -> 5 should be True or False.\nStringContainsQ[abc, b, IgnoreCase -> 5]"},
		{`StringContainsQ["abc", "b", Foo -> 1]`, "StringContainsQ::optx: Unknown option Foo in StringContainsQ[\"abc\", \"b\", Foo -> 1].\nStringContainsQ[abc, b, Foo -> 1]"},
		{`StringStartsQ["abc", "ab"]`, `True`},
		{`StringStartsQ["abc", "bc"]`, `False`},
		{`StringStartsQ["Abc", "aB", IgnoreCase -> True]`, `True`},
		{`StringStartsQ["ab"][{"abc", "cab"}]`, `{True, False}`},
		{`StringEndsQ["abc", "bc"]`, `True`},
		{`StringEndsQ["abc", "ab"]`, `False`},
		{`StringEndsQ["abÉ", "bé", IgnoreCase -> True]`, `True`},
		{`StringEndsQ["c"]["abc"]`, `True`},
		{`StringEndsQ[x, "c"]`, "StringEndsQ::strse: String or list of strings expected at position 1 in StringEndsQ[x, \"c\"].\nStringEndsQ[x, c]"},

		{`StringPosition["abcabc", "bc"]`, `{{2, 3}, {5, 6}}`},
		{`StringPosition["aaa", "aa"]`, `{{1, 2}, {2, 3}}`},
		{`StringPosition["aaa", "aa", Overlaps -> False]`, `{{1, 2}}`},
		{`StringPosition["abcabc", "bc", 1]`, `{{2, 3}}`},
		{`StringPosition["héllo", "l"]`, `{{3, 3}, {4, 4}}`},
		{`StringPosition["aBab", "b", IgnoreCase -> True]`, `{{2, 2}, {4, 4}}`},
		{`StringPosition["abc", {"ab", "a"}, Overlaps -> All]`, `{{1, 2}, {1, 1}}`},
		{`StringPosition["abc", "x"]`, `{}`},
		{`StringPosition[{"ab", "ba"}, "a"]`, `{{{1, 1}}, {{2, 2}}}`},
		{`StringPosition["abc", "b", -1]`, "StringPosition::innf: Non-negative integer or Infinity expected at position 3 in StringPosition[\"abc\", \"b\", -1].\nStringPosition[abc, b, -1]"},
		{`StringPosition["abc", "b", Overlaps -> 2]`, "StringPosition::ovls: Value of option Overlaps -> 2 should be True, False, or All.\nStringPosition[abc, b, Overlaps -> 2]"},
		{`StringPosition[1, "b"]`, "StringPosition::strse: String or list of strings expected at position 1 in StringPosition[1, \"b\"].\nStringPosition[1, b]"},

		{`StringCount["abcabc", "bc"]`, `2`},
		{`StringCount["aaa", "aa"]`, `1`},
		{`StringCount["aaa", "aa", Overlaps -> True]`, `2`},
		{`StringCount["AaA", "a", IgnoreCase -> True]`, `3`},
		{`StringCount["a-b+c", {"-", "+"}]`, `2`},
		{`StringCount[{"aa", "b"}, "a"]`, `{2, 0}`},
		{`StringCount[x, "a"]`, "StringCount::strse: String or list of strings expected at position 1 in StringCount[x, \"a\"].\nStringCount[x, a]"},
	})
}

func TestStrToStringToExpression(t *testing.T) {
	checkEval(t, []evalCase{
		{`ToString[1/2]`, `1/2`},
		{`InputForm[ToString["abc"]]`, `"abc"`},
		{`InputForm[ToString["abc", InputForm]]`, `"\"abc\""`},
		{`InputForm[ToString[{1, "a"}, InputForm]]`, `"{1, \"a\"}"`},
		{`InputForm[ToString[2 x]]`, `"2 x"`},
		{`InputForm[ToString[2 x, InputForm]]`, `"2*x"`},
		{`ToString[a + b^2, FullForm]`, `Plus[a, Power[b, 2]]`},
		{`ToString[x, FormatType -> InputForm]`, `x`},
		{`StringLength[ToString[12345]]`, `5`},
		{`ToString[x, Foo]`, `ToString[x, Foo]`},
		{`InputForm[TextString[{1, "a"}]]`, `"{1, a}"`},
		{`TextString[1.5]`, `1.5`},

		{`ToExpression["1+1"]`, `2`},
		{`ToExpression["a = 2\nb = a + 3\nb^2"]`, `25`},
		{`ToExpression["y = 3"]; y + 1`, `4`},
		// a line ending in an operator, an open bracket, a comment or string across lines
		{`ToExpression["1 +\n2"]`, `3`},
		{`ToExpression["{1,\n2,\n3}"]`, `{1, 2, 3}`},
		{`ToExpression["(* one\ntwo *) 5"]`, `5`},
		{`ToExpression["StringLength[\"a\nb\"]"]`, `3`},
		{`ToExpression[""]`, `Null`},
		{`ToExpression[{"1+1", "2*3"}]`, `{2, 6}`},
		{`ToExpression[7]`, `7`},
		{`ToExpression["1+1", InputForm, Hold]`, `Hold[1 + 1]`},
		{`ToExpression["a\nb", InputForm, Hold]`, `Hold[a; b]`},
		{`ToExpression["1+1", StandardForm]`, `2`},
		{`ToExpression["1+)"]`, "ToExpression::sntx: Invalid syntax in or before \"1+)\".\n$Failed"},
		{`ToExpression["1+"]`, "ToExpression::sntxi: Incomplete expression; more input is needed.\n$Failed"},
		// nothing runs when any line is bad
		{`ToExpression["Print[1]\n1+)"]`, "ToExpression::sntx: Invalid syntax in or before \"Print[1]\\n1+)\".\n$Failed"},
		{`Quiet[ToExpression["f["]]`, `$Failed`},
		{`ToExpression["1", Foo]`, "ToExpression::interpfmt: Foo is not a valid interpretation format. Valid interpretation formats include InputForm and any member of $BoxForms.\n$Failed"},
	})
}

func TestStrIntegerStringCharCodes(t *testing.T) {
	checkEval(t, []evalCase{
		{`IntegerString[255]`, `255`},
		{`IntegerString[0]`, `0`},
		{`IntegerString[-42]`, `42`},
		{`IntegerString[255, 16]`, `ff`},
		{`IntegerString[-255, 2]`, `11111111`},
		{`IntegerString[5, 2, 8]`, `00000101`},
		{`IntegerString[12345, 10, 3]`, `345`},
		{`InputForm[IntegerString[7, 10, 0]]`, `""`},
		{`IntegerString[2^70, 36]`, `6x5kxtvuwilukg`},
		{`IntegerString[{1, 2}, 2, 3]`, `{001, 010}`},
		{`IntegerString[1.5]`, "IntegerString::int: Integer expected at position 1 in IntegerString[1.5].\nIntegerString[1.5]"},
		{`IntegerString[10, 1]`, "IntegerString::basf: Requested base 1 in IntegerString[10, 1] should be an integer between 2 and 36.\nIntegerString[10, 1]"},
		{`IntegerString[10, 37]`, "IntegerString::basf: Requested base 37 in IntegerString[10, 37] should be an integer between 2 and 36.\nIntegerString[10, 37]"},
		{`IntegerString[10, 10, -1]`, "IntegerString::intnn: Non-negative integer expected at position 3 in IntegerString[10, 10, -1].\nIntegerString[10, 10, -1]"},
		{`IntegerString[1, 10, 10^40]`, "IntegerString::toolong: The result would have 10000000000000000000000000000000000000000 characters, more than the limit of 2147483648.\nIntegerString[1, 10, 10000000000000000000000000000000000000000]"},

		{`FromCharacterCode[97]`, `a`},
		{`FromCharacterCode[{104, 233, 8594}]`, `hé→`},
		{`InputForm[FromCharacterCode[{}]]`, `""`},
		{`FromCharacterCode[{{97}, {98, 99}}]`, `{a, bc}`},
		{`FromCharacterCode[{195, 169}, "UTF8"]`, `é`},
		{`FromCharacterCode[-1]`, "FromCharacterCode::notunicode: A character code, which should be a non-negative integer less than 1114112, is expected at position 1 in {-1}.\nFromCharacterCode[-1]"},
		{`FromCharacterCode[{97, 1114112}]`, "FromCharacterCode::notunicode: A character code, which should be a non-negative integer less than 1114112, is expected at position 2 in {97, 1114112}.\nFromCharacterCode[{97, 1114112}]"},
		{`FromCharacterCode[{97, x}]`, "FromCharacterCode::notunicode: A character code, which should be a non-negative integer less than 1114112, is expected at position 2 in {97, x}.\nFromCharacterCode[{97, x}]"},
		{`FromCharacterCode[{255}, "UTF8"]`, "FromCharacterCode::utf8: The byte sequence {255} could not be interpreted as a character in the UTF-8 character encoding.\nFromCharacterCode[{255}, UTF8]"},
		{`FromCharacterCode[97, "Klingon"]`, "FromCharacterCode::charcode: The character encoding \"Klingon\" is not supported. Use $CharacterEncodings to list the supported encodings.\nFromCharacterCode[97, Klingon]"},

		{`ToCharacterCode["hé→"]`, `{104, 233, 8594}`},
		{`ToCharacterCode[""]`, `{}`},
		{`ToCharacterCode[{"a", "bc"}]`, `{{97}, {98, 99}}`},
		{`ToCharacterCode["é", "UTF8"]`, `{195, 169}`},
		{`FromCharacterCode[ToCharacterCode["round trip"]]`, `round trip`},
		{`ToCharacterCode[1]`, "ToCharacterCode::strse: String or list of strings expected at position 1 in ToCharacterCode[1].\nToCharacterCode[1]"},
		{`ToCharacterCode["a", "Foo"]`, "ToCharacterCode::charcode: The character encoding \"Foo\" is not supported. Use $CharacterEncodings to list the supported encodings.\nToCharacterCode[a, Foo]"},
	})
}

func TestStringPad(t *testing.T) {
	checkEval(t, []evalCase{
		{`InputForm[StringPadLeft["abc", 6]]`, `"   abc"`},
		{`InputForm[StringPadRight["abc", 6]]`, `"abc   "`},
		// copies of the padding are laid down so that one ends next to the string
		{`StringPadLeft["abc", 10, "xy"]`, `yxyxyxyabc`},
		{`StringPadRight["abc", 10, "xy"]`, `abcxyxyxyx`},
		{`StringPadLeft["é", 3, "→"]`, `→→é`},
		{`StringPadLeft["abcdef", 3]`, `def`},
		{`StringPadRight["abcdef", 3]`, `abc`},
		{`InputForm[StringPadRight[{"a", "abc"}]]`, `{"a  ", "abc"}`},
		{`InputForm[StringPadLeft[{"a", "abc"}, 2]]`, `{" a", "bc"}`},
		{`StringPadLeft["a", -1]`, "StringPadLeft::intnm: Non-negative machine-sized integer expected at position 2 in StringPadLeft[\"a\", -1].\nStringPadLeft[a, -1]"},
		{`StringPadLeft[1, 3]`, "StringPadLeft::strse: String or list of strings expected at position 1 in StringPadLeft[1, 3].\nStringPadLeft[1, 3]"},
		{`StringPadRight["a", 3, 0]`, "StringPadRight::string: String expected at position 3 in StringPadRight[\"a\", 3, 0].\nStringPadRight[a, 3, 0]"},
		{`StringPadLeft["a", 10^10]`, "StringPadLeft::toolong: The result would have 10000000000 characters, more than the limit of 2147483648.\nStringPadLeft[a, 10000000000]"},
	})
}

func TestStrDates(t *testing.T) {
	// the clock of run: Wednesday 2026-11-25 15:04:05 UTC
	checkEval(t, []evalCase{
		{`DateString[]`, `Wed 25 Nov 2026 15:04:05`},
		{`DateString["ISODateTime"]`, `2026-11-25T15:04:05`},
		{`DateString["ISODate"]`, `2026-11-25`},
		{`DateString["Time"]`, `15:04:05`},
		{`DateString["DateTime"]`, `Wednesday 25 November 2026 15:04:05`},
		{`DateString["Date"]`, `Wednesday 25 November 2026`},
		{`DateString["ISOWeekDate"]`, `2026-W48-3`},
		{`DateString["ISOOrdinalDate"]`, `2026-329`},
		{`DateString["Year"]`, `2026`},
		{`DateString[{"Year", "-", "Month", "-", "Day"}]`, `2026-11-25`},
		{`DateString[{"DayName", ", ", "MonthName", " ", "Day"}]`, `Wednesday, November 25`},
		{`DateString[{"DayNameShort", " ", "MonthNameShort", " ", "Hour12", " ", "AMPM"}]`, `Wed Nov 03 PM`},
		{`DateString[{"Hour", ":", "Minute", ":", "Second"}]`, `15:04:05`},
		{`DateString[{"MinuteShort", "/", "SecondShort", "/", "YearShort"}]`, `4/5/26`},
		{`DateString[{"Date", " at ", "Time"}]`, `Wednesday 25 November 2026 at 15:04:05`},
		{`DateString[DateObject[{2020, 1, 2, 3, 4, 5.}, "Instant", "Gregorian", 0.]]`, `Thu 2 Jan 2020 03:04:05`},
		{`DateString[DateObject[{2020, 1, 2, 3, 4, 5.}, "Instant", "Gregorian", 0.], "ISODateTime"]`, `2020-01-02T03:04:05`},
		{`DateString[DateObject[{2020, 1, 2}]]`, `Thu 2 Jan 2020`},
		{`DateString[DateObject[{2020, 3}]]`, `March 2020`},
		{`DateString[{2020, 1, 2}]`, `Thu 2 Jan 2020 00:00:00`},
		{`DateString[{2020, 2, 30}, "ISODate"]`, `2020-03-01`},
		{`DateString[3155673600]`, `Sat 1 Jan 2000 00:00:00`},
		{`DateString["Foo"]`, "DateString::arg: Argument \"Foo\" cannot be interpreted as a date or time input.\nDateString[Foo]"},
		{`DateString[{2020, 1, 2}, 5]`, "DateString::fmt: 5 is not a valid date format.\nDateString[{2020, 1, 2}, 5]"},
		{`DateString[x, "Time"]`, "DateString::arg: Argument x cannot be interpreted as a date or time input.\nDateString[x, Time]"},

		{`InputForm[AbsoluteTime[]]`, `4.004607845*^9`},
		{`AbsoluteTime[{2000, 1, 1}]`, `3155673600`},
		{`AbsoluteTime[{1900, 1, 1, 0, 0, 1.5}]`, `1.5`},
		{`AbsoluteTime[DateObject[{1900, 1, 1, 1, 0, 0}, "Instant", "Gregorian", 1.]]`, `0`},
		{`AbsoluteTime[x]`, "AbsoluteTime::arg: Argument x cannot be interpreted as a date or time input.\nAbsoluteTime[x]"},
		{`UnixTime[]`, `1795619045`},
		{`UnixTime[{1970, 1, 2}]`, `86400`},
		{`UnixTime[DateObject[{2026, 11, 25, 15, 4, 5.}, "Instant", "Gregorian", 1.]]`, `1795615445`},
		{`UnixTime["x"]`, "UnixTime::arg: Argument \"x\" cannot be interpreted as a date or time input.\nUnixTime[x]"},
	})
}

// runAt evaluates input in a session whose clock reads t.
func strRunAt(t *testing.T, clock time.Time, input string) string {
	t.Helper()
	var out bytes.Buffer
	s := NewSession(&out)
	s.Now = func() time.Time { return clock }
	n, err := grammar.Parse(input)
	if err != nil {
		t.Fatalf("parse %q: %v", input, err)
	}
	return out.String() + OutputForm(s.Run(context.Background(), n, input).Value)
}

func TestStrNowAndZones(t *testing.T) {
	s := NewSession(&bytes.Buffer{})
	s.Now = func() time.Time { return time.Date(2026, 11, 25, 15, 4, 5, 250_000_000, time.UTC) }
	if got, want := InputForm(fnNow(s, nil)), `DateObject[{2026, 11, 25, 15, 4, 5.25}, "Instant", "Gregorian", 0.]`; got != want {
		t.Errorf("Now: got %s, want %s", got, want)
	}
	// the same instant on a clock 5h30 east of UTC
	east := time.Date(2026, 11, 25, 20, 34, 5, 0, time.FixedZone("IST", 5*3600+1800))
	s.Now = func() time.Time { return east }
	if got, want := InputForm(fnNow(s, nil)), `DateObject[{2026, 11, 25, 20, 34, 5.}, "Instant", "Gregorian", 5.5]`; got != want {
		t.Errorf("Now east: got %s, want %s", got, want)
	}
	cases := []struct{ in, want string }{
		{`DateString[]`, `Wed 25 Nov 2026 20:34:05`},
		// absolute time counts local wall-clock seconds; Unix time does not depend on the zone
		{`InputForm[AbsoluteTime[]]`, `4.004627645*^9`},
		{`UnixTime[]`, `1795619045`},
		{`UnixTime[{1970, 1, 1, 5, 30, 0}]`, `0`},
		{`DateString[DateObject[{2026, 11, 25, 15, 4, 5.}, "Instant", "Gregorian", 0.]]`, `Wed 25 Nov 2026 15:04:05`},
		{`AbsoluteTime[DateObject[{1900, 1, 1, 0, 0, 0}, "Instant", "Gregorian", 0.]]`, `19800`},
	}
	for _, c := range cases {
		if got := strRunAt(t, east, c.in); got != c.want {
			t.Errorf("%s\n got: %s\nwant: %s", c.in, got, c.want)
		}
	}
}

func TestStringUsageRows(t *testing.T) {
	// every row has a usage line per form, each starting with its name, and a function
	for _, b := range stringBuiltins {
		if b.Fn == nil {
			t.Errorf("%s has no Fn", b.Name)
		}
		for _, line := range strings.Split(b.Usage, "\n") {
			if !strings.Contains(line, b.Name) && !strings.HasPrefix(line, "s1 <> s2") {
				t.Errorf("%s usage line %q does not show the form", b.Name, line)
			}
		}
	}
}

// TestStringOddInputs calls every function of the family with odd arguments (empty, negative,
// huge, real, symbolic, nested, options) and fails on any Go panic.
func TestStringOddInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("many evaluations")
	}
	pool := []string{`""`, `"héllo"`, `0`, `-1`, `2`, `-3`, `10^30`, `-10^30`, `1.5`, `x`, `{}`,
		`{"a", "b"}`, `{1, 2}`, `{{}}`, `{-1}`, `{2, -1, 0}`, `{0, 0, 0}`, `All`, `None`, `UpTo[-1]`,
		`"a" -> "b"`, `IgnoreCase -> True`, `Overlaps -> All`, `DateObject[{}]`,
		`DateObject[{2020, 13, 40}, "Instant", "Gregorian", 99]`, `{2020, 1, 1, 1, 1, 1.5}`,
		`Infinity`, `"UTF8"`, `InputForm`, `Hold`, `"1+"`, `{"", ""}`}
	// one session serves every call: nothing in the pool assigns anything
	var out bytes.Buffer
	s := NewSession(&out)
	s.Now = func() time.Time { return time.Date(2026, 11, 25, 15, 4, 5, 0, time.UTC) }
	check := func(input string) {
		out.Reset()
		n, err := grammar.Parse(input)
		if err != nil {
			t.Fatalf("parse %q: %v", input, err)
		}
		s.Run(context.Background(), n, input)
		if strings.Contains(out.String(), "Internal::panic") {
			t.Errorf("%s\n%s", input, out.String())
		}
	}
	seed := uint32(1)
	next := func() int { // a small fixed generator, so failures repeat
		seed = seed*1664525 + 1013904223
		return int(seed >> 8)
	}
	pick := func() string { return pool[next()%len(pool)] }
	for _, b := range stringBuiltins {
		check(b.Name + "[]")
		for _, a := range pool {
			check(b.Name + "[" + a + "]")
			for i := 0; i < 4; i++ {
				check(b.Name + "[" + a + ", " + pick() + "]")
				check(b.Name + "[" + pick() + ", " + a + "]")
			}
		}
		for i := 0; i < 80; i++ {
			check(b.Name + "[" + pick() + ", " + pick() + ", " + pick() + "]")
		}
	}
}
