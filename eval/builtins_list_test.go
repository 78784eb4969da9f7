package eval

import (
	"io"
	"testing"
)

func TestRangeLength(t *testing.T) {
	checkEval(t, []evalCase{
		{"Range[5]", "{1, 2, 3, 4, 5}"},
		{"Range[0]", "{}"},
		{"Range[-3]", "{}"},
		{"Range[2, 5]", "{2, 3, 4, 5}"},
		{"Range[5, 1]", "{}"},
		{"Range[1, 10, 3]", "{1, 4, 7, 10}"},
		{"Range[10, 1, -3]", "{10, 7, 4, 1}"},
		{"Range[1, 10, -1]", "{}"},
		{"Range[0, 1, 0.25]", "{0., 0.25, 0.5, 0.75, 1.}"},
		{"Range[0, 0.3, 0.1]", "{0., 0.1, 0.2, 0.3}"},
		{"Range[2.5]", "{1, 2}"},
		{"Range[1/2, 3]", "{1/2, 3/2, 5/2}"},
		{"Range[1, 2, 1/3]", "{1, 4/3, 5/3, 2}"},
		{"Range[{2, 3}]", "{{1, 2}, {1, 2, 3}}"},
		{"Range[9223372036854775806, 9223372036854775807]", "{9223372036854775806, 9223372036854775807}"},
		{"Range[-9223372036854775807, 9223372036854775807, 9223372036854775807]", "{-9223372036854775807, 0, 9223372036854775807}"},
		{"Range[2^70, 2^70 + 2]", "{1180591620717411303424, 1180591620717411303425, 1180591620717411303426}"},
		{"Range[-10^30]", "{}"},
		{"Range[x]", "Range::range: Range specification in Range[x] does not have appropriate bounds.\nRange[x]"},
		{"Range[1, 5, 0]", "Range::range: Range specification in Range[1, 5, 0] does not have appropriate bounds.\nRange[1, 5, 0]"},
		{"Range[10^12]", "Range::nomem: " + generalMessages["nomem"] + "\nRange[1000000000000]"},
		{"Range[10.^30]", "Range::nomem: " + generalMessages["nomem"] + "\nRange[1.*^30]"},
		{"Range[]", "Range::argb: Range called with 0 arguments; between 1 and 3 arguments are expected.\nRange[]"},

		{"Length[{1, 2, 3}]", "3"},
		{"Length[{}]", "0"},
		{"Length[f[a, b]]", "2"},
		{"Length[x]", "0"},
		{"Length[\"abc\"]", "0"},
		{"Length[<|a -> 1, b -> 2|>]", "2"},
		{"Length[ByteArray[{1, 2, 3}]]", "3"},
		{"x = {1, 2}; Table[Length[x], {3}]", "{2, 2, 2}"},
	})
}

func TestPart(t *testing.T) {
	checkEval(t, []evalCase{
		{"{a, b, c}[[2]]", "b"},
		{"{a, b, c}[[-1]]", "c"},
		{"{a, b, c}[[0]]", "List"},
		{"f[a, b][[0]]", "f"},
		{"Part[{a, b, c}, 3]", "c"},
		{"Part[{a, b}]", "{a, b}"},
		{"{{1, 2}, {3, 4}}[[2, 1]]", "3"},
		{"{{1, 2}, {3, 4}}[[All, 2]]", "{2, 4}"},
		{"{{1, 2}, {3, 4}}[[All, All]]", "{{1, 2}, {3, 4}}"},
		{"{{1, 2}, {3, 4}}[[{2, 1}, 1]]", "{3, 1}"},
		{"{a, b, c}[[{1, 3}]]", "{a, c}"},
		{"{a, b, c}[[{-1, 1, 1}]]", "{c, a, a}"},
		{"f[a, b, c][[{1, 2}]]", "f[a, b]"},
		{"{a, b, c, d, e}[[2 ;; 4]]", "{b, c, d}"},
		{"{a, b, c, d, e}[[-2 ;;]]", "{d, e}"},
		{"{a, b, c, d, e}[[1 ;; -1 ;; 2]]", "{a, c, e}"},
		{"{a, b, c, d, e}[[1 ;; All ;; 2]]", "{a, c, e}"},
		{"{a, b, c, d, e}[[-1 ;; 1 ;; -2]]", "{e, c, a}"},
		{"{a, b, c}[[3 ;; 2]]", "{}"},
		{"{{1, 2, 3}, {4, 5, 6}}[[All, 2 ;;]]", "{{2, 3}, {5, 6}}"},
		{"x = {1, 2, 3}; x[[2]]", "2"},
		{"Hold[1 + 1][[1]]", "2"},
		{"5[[0]]", "Integer"},
		{"\"abc\"[[0]]", "String"},
		// out of range, too deep, malformed
		{"{a, b, c}[[5]]", "Part::partw: Part 5 of {a, b, c} does not exist.\n{a, b, c}[[5]]"},
		{"{a, b, c}[[-4]]", "Part::partw: Part -4 of {a, b, c} does not exist.\n{a, b, c}[[-4]]"},
		{"{{1, 2}, {3, 4}}[[2, 3]]", "Part::partw: Part 3 of {3, 4} does not exist.\n{{1, 2}, {3, 4}}[[2, 3]]"},
		{"{a, b}[[{1, 3}]]", "Part::partw: Part 3 of {a, b} does not exist.\n{a, b}[[{1, 3}]]"},
		{"{1, 2}[[10^30]]", "Part::partw: Part 1000000000000000000000000000000 of {1, 2} does not exist.\n{1, 2}[[1000000000000000000000000000000]]"},
		{"{1, 2}[[1, 1]]", "Part::partd: Part specification {1, 2}[[1, 1]] is longer than depth of object.\n{1, 2}[[1, 1]]"},
		{"5[[1]]", "Part::partd: Part specification 5[[1]] is longer than depth of object.\n5[[1]]"},
		{"\"abc\"[[1]]", "Part::partd: Part specification \"abc\"[[1]] is longer than depth of object.\nabc[[1]]"},
		{"{1, 2}[[x]]", "Part::pkspec1: The expression x cannot be used as a part specification.\n{1, 2}[[x]]"},
		{"{1, 2}[[\"a\"]]", "Part::pkspec1: The expression \"a\" cannot be used as a part specification.\n{1, 2}[[a]]"},
		{"{a, b, c}[[2 ;; 5]]", "Part::take: Cannot take positions 2 through 5 in {a, b, c}.\n{a, b, c}[[2 ;; 5]]"},
		{"{a, b, c}[[5 ;;]]", "Part::take: Cannot take positions 5 through -1 in {a, b, c}.\n{a, b, c}[[5 ;; All]]"},
		{"{1, 2}[[1 ;; 2 ;; 0]]", "Part::take: Cannot take positions 1 through 2 in {1, 2}.\n{1, 2}[[1 ;; 2 ;; 0]]"},
		// associations
		{"<|\"a\" -> 1, \"b\" -> 2|>[[\"b\"]]", "2"},
		{"<|\"a\" -> 1, \"b\" -> 2|>[[\"z\"]]", "Missing[KeyAbsent, z]"},
		{"<|1 -> x, 2 -> y|>[[Key[2]]]", "y"},
		{"<|1 -> x, 2 -> y|>[[1]]", "x"},
		{"<|1 -> x, 2 -> y|>[[-1]]", "y"},
		{"<|1 -> x|>[[0]]", "Association"},
		{"<|\"a\" -> 1, \"b\" -> 2, \"c\" -> 3|>[[2 ;;]]", "<|b -> 2, c -> 3|>"},
		{"<|\"a\" -> 1, \"b\" -> 2|>[[{\"b\", \"a\"}]]", "<|b -> 2, a -> 1|>"},
		{"<|\"a\" -> {1, 2}|>[[\"a\", 2]]", "2"},
		{"<|a -> {1, 2}, b -> {3, 4}|>[[All, 1]]", "<|a -> 1, b -> 3|>"},
		{"<|a -> 1|>[[3]]", "Part::partw: Part 3 of <|a -> 1|> does not exist.\n<|a -> 1|>[[3]]"},
		{"<|a -> 1|>[[x]]", "Part::pkspec1: The expression x cannot be used as a part specification.\n<|a -> 1|>[[x]]"},
		// byte arrays: one index gives an integer, a span a byte array
		{"ByteArray[{1, 2, 3}][[2]]", "2"},
		{"ByteArray[{1, 2, 3}][[-1]]", "3"},
		{"InputForm[ByteArray[{1, 2, 3}][[2 ;; 3]]]", "ByteArray[\"AgM=\"]"},
		{"InputForm[ByteArray[{1, 2, 3}][[{3, 1}]]]", "ByteArray[\"AwE=\"]"},
		{"ByteArray[{1, 2, 3}][[0]]", "ByteArray"},
		{"ByteArray[{1, 2, 3}][[4]]", "Part::partw: Part 4 of ByteArray[<3>] does not exist.\nByteArray[<3>][[4]]"},
		{"ByteArray[{1, 2, 3}][[1, 1]]", "Part::partd: Part specification ByteArray[<3>][[1, 1]] is longer than depth of object.\nByteArray[<3>][[1, 1]]"},
		// Key as an operator
		{"Key[\"a\"][<|\"a\" -> 5|>]", "5"},
		{"Key[\"b\"][<|\"a\" -> 5|>]", "Missing[KeyAbsent, b]"},
	})
}

func TestTakeDrop(t *testing.T) {
	checkEval(t, []evalCase{
		{"Take[{a, b, c, d, e}, 2]", "{a, b}"},
		{"Take[{a, b, c, d, e}, -2]", "{d, e}"},
		{"Take[{a, b, c, d, e}, {2}]", "{b}"},
		{"Take[{a, b, c, d, e}, {2, 4}]", "{b, c, d}"},
		{"Take[{a, b, c, d, e}, {1, -1, 2}]", "{a, c, e}"},
		{"Take[{a, b, c, d, e}, {5, 1, -2}]", "{e, c, a}"},
		{"Take[{a, b, c, d, e}, 2 ;; 3]", "{b, c}"},
		{"Take[{a, b, c}, 0]", "{}"},
		{"Take[{a, b, c}, All]", "{a, b, c}"},
		{"Take[{a, b, c}, None]", "{}"},
		{"Take[{1, 2, 3}, {4, 3}]", "{}"},
		{"Take[{a, b, c}, UpTo[5]]", "{a, b, c}"},
		{"Take[f[a, b, c], 2]", "f[a, b]"},
		{"Take[{{1, 2, 3}, {4, 5, 6}}, All, 2]", "{{1, 2}, {4, 5}}"},
		{"Take[{{1, 2, 3}, {4, 5, 6}}, -1, {2}]", "{{5}}"},
		{"Take[<|a -> 1, b -> 2, c -> 3|>, 2]", "<|a -> 1, b -> 2|>"},
		{"Take[<|a -> 1, b -> 2, c -> 3|>, -1]", "<|c -> 3|>"},
		{"InputForm[Take[ByteArray[{1, 2, 3}], -2]]", "ByteArray[\"AgM=\"]"},
		{"Take[{a, b, c}, 5]", "Take::take: Cannot take positions 1 through 5 in {a, b, c}.\nTake[{a, b, c}, 5]"},
		{"Take[{a, b, c}, -5]", "Take::take: Cannot take positions -5 through -1 in {a, b, c}.\nTake[{a, b, c}, -5]"},
		{"Take[{a, b, c}, {2, 7}]", "Take::take: Cannot take positions 2 through 7 in {a, b, c}.\nTake[{a, b, c}, {2, 7}]"},
		{"Take[{1, 2, 3}, 10^30]", "Take::take: Cannot take positions 1 through 1000000000000000000000000000000 in {1, 2, 3}.\nTake[{1, 2, 3}, 1000000000000000000000000000000]"},
		{"Take[{{1}, {2, 3}}, All, 2]", "Take::take: Cannot take positions 1 through 2 in {1}.\nTake[{{1}, {2, 3}}, All, 2]"},
		{"Take[{a, b, c}, x]", "Take::seqs: Sequence specification (+n, -n, {+n}, {-n}, {m, n}, or {m, n, s}) expected at position 2 in Take[{a, b, c}, x].\nTake[{a, b, c}, x]"},
		{"Take[{1, 2, 3}, {1, 3, 0}]", "Take::seqs: Sequence specification (+n, -n, {+n}, {-n}, {m, n}, or {m, n, s}) expected at position 2 in Take[{1, 2, 3}, {1, 3, 0}].\nTake[{1, 2, 3}, {1, 3, 0}]"},
		{"Take[x, 1]", "Take::normal: Nonatomic expression expected at position 1 in Take[x, 1].\nTake[x, 1]"},
		{"Take[{1, 2}, 1, 1]", "Take::partd: Part specification Take[{1, 2}, 1, 1] is longer than depth of object.\nTake[{1, 2}, 1, 1]"},

		{"Drop[{a, b, c, d, e}, 2]", "{c, d, e}"},
		{"Drop[{a, b, c, d, e}, -2]", "{a, b, c}"},
		{"Drop[{a, b, c, d, e}, {2}]", "{a, c, d, e}"},
		{"Drop[{a, b, c, d, e}, {2, 4}]", "{a, e}"},
		{"Drop[{a, b, c, d, e}, {1, -1, 2}]", "{b, d}"},
		{"Drop[{a, b, c, d, e}, 2 ;; 3]", "{a, d, e}"},
		{"Drop[{a, b, c}, 0]", "{a, b, c}"},
		{"Drop[{{1, 2, 3}, {4, 5, 6}}, 1, 1]", "{{5, 6}}"},
		{"Drop[<|a -> 1, b -> 2|>, 1]", "<|b -> 2|>"},
		{"Length[Drop[ByteArray[{1, 2, 3}], 1]]", "2"},
		{"Drop[{a, b, c}, 5]", "Drop::drop: Cannot drop positions 1 through 5 in {a, b, c}.\nDrop[{a, b, c}, 5]"},
		{"Drop[{a, b, c}, {-4}]", "Drop::drop: Cannot drop positions -4 through -4 in {a, b, c}.\nDrop[{a, b, c}, {-4}]"},
		{"Drop[x, 1]", "Drop::normal: Nonatomic expression expected at position 1 in Drop[x, 1].\nDrop[x, 1]"},
		{"Drop[{1}, \"a\"]", "Drop::seqs: Sequence specification (+n, -n, {+n}, {-n}, {m, n}, or {m, n, s}) expected at position 2 in Drop[{1}, \"a\"].\nDrop[{1}, a]"},
	})
}

func TestFirstLastRestMost(t *testing.T) {
	checkEval(t, []evalCase{
		{"First[{a, b}]", "a"},
		{"First[f[x, y]]", "x"},
		{"First[{}, none]", "none"},
		{"First[<|a -> 1, b -> 2|>]", "1"},
		{"First[ByteArray[{7, 8}]]", "7"},
		{"First[{}]", "First::nofirst: {} has zero length and no first element.\nFirst[{}]"},
		{"First[x]", "First::normal: Nonatomic expression expected at position 1 in First[x].\nFirst[x]"},
		{"Last[{a, b}]", "b"},
		{"Last[ByteArray[{7, 8}]]", "8"},
		{"Last[{}, none]", "none"},
		{"Last[{}]", "Last::nolast: {} has zero length and no last element.\nLast[{}]"},
		{"Last[5]", "Last::normal: Nonatomic expression expected at position 1 in Last[5].\nLast[5]"},
		{"Rest[{a, b, c}]", "{b, c}"},
		{"Rest[{a}]", "{}"},
		{"Rest[f[a, b]]", "f[b]"},
		{"Rest[<|a -> 1, b -> 2|>]", "<|b -> 2|>"},
		{"InputForm[Rest[ByteArray[{1, 2, 3}]]]", "ByteArray[\"AgM=\"]"},
		{"Rest[{}]", "Rest::norest: Cannot take Rest of expression {} with length zero.\nRest[{}]"},
		{"Rest[x]", "Rest::normal: Nonatomic expression expected at position 1 in Rest[x].\nRest[x]"},
		{"Most[{a, b, c}]", "{a, b}"},
		{"Most[<|a -> 1, b -> 2|>]", "<|a -> 1|>"},
		{"Length[Most[ByteArray[{7, 8}]]]", "1"},
		{"Most[{}]", "Most::nomost: Cannot take Most of expression {} with length zero.\nMost[{}]"},
		// a shortened list shares nothing that appending could overwrite
		{"x = Most[{1, 2, 3}]; y = Append[x, 9]; z = Append[x, 8]; {x, y, z}", "{{1, 2}, {1, 2, 9}, {1, 2, 8}}"},
	})
}

func TestAppendPrepend(t *testing.T) {
	checkEval(t, []evalCase{
		{"Append[{1, 2}, 3]", "{1, 2, 3}"},
		{"Append[{}, {1}]", "{{1}}"},
		{"Prepend[{1, 2}, 0]", "{0, 1, 2}"},
		{"Append[f[a], b]", "f[a, b]"},
		{"Append[<|a -> 1|>, b -> 2]", "<|a -> 1, b -> 2|>"},
		{"Append[<|a -> 1|>, {a -> 5, c -> 3}]", "<|a -> 5, c -> 3|>"},
		{"Prepend[<|a -> 1|>, b -> 2]", "<|b -> 2, a -> 1|>"},
		{"Append[3][{1, 2}]", "{1, 2, 3}"},
		{"Prepend[0][{1}]", "{0, 1}"},
		{"Append[x, 1]", "Append::normal: Nonatomic expression expected at position 1 in Append[x, 1].\nAppend[x, 1]"},
		{"Append[<|a -> 1|>, 2]", "Append::invrl: The argument 2 is not a valid Association or a list of rules.\nAppend[<|a -> 1|>, 2]"},

		{"x = {1}; AppendTo[x, 2]; AppendTo[x, 3]; x", "{1, 2, 3}"},
		{"x = {1}; PrependTo[x, 0]", "{0, 1}"},
		{"x = {1}; y = x; AppendTo[x, 2]; {x, y}", "{{1, 2}, {1}}"},
		{"m = {{1}, {2}}; AppendTo[m[[1]], 5]; m", "{{1, 5}, {2}}"},
		{"a = <|k -> 1|>; AppendTo[a, j -> 2]; a", "<|k -> 1, j -> 2|>"},
		{"x = {}; Do[AppendTo[x, i], {i, 5}]; x", "{1, 2, 3, 4, 5}"},
		{"AppendTo[y, 1]", "AppendTo::rvalue: y is not a variable with a value, so its value cannot be changed.\nAppendTo[y, 1]"},
		{"PrependTo[y, 1]", "PrependTo::rvalue: y is not a variable with a value, so its value cannot be changed.\nPrependTo[y, 1]"},
		{"x = 5; AppendTo[x, 1]", "AppendTo::normal: Nonatomic expression expected at position 1 in AppendTo[5, 1].\nAppendTo[x, 1]"},
		{"AppendTo[List, 1]", "AppendTo::rvalue: List is not a variable with a value, so its value cannot be changed.\nAppendTo[List, 1]"},
	})
}

func TestJoinFlattenPartitionRiffle(t *testing.T) {
	checkEval(t, []evalCase{
		{"Join[{1, 2}, {3}, {}]", "{1, 2, 3}"},
		{"Join[]", "{}"},
		{"Join[f[a], f[b, c]]", "f[a, b, c]"},
		{"Join[<|a -> 1|>, <|b -> 2, a -> 3|>]", "<|a -> 3, b -> 2|>"},
		{"InputForm[Join[ByteArray[{1}], ByteArray[{2, 3}]]]", "ByteArray[\"AQID\"]"},
		{"Join[{{1}, {2}}, {{3}, {4}}, 2]", "{{1, 3}, {2, 4}}"},
		{"Join[{{1, 2}}, {{3}, {4, 5}}, 2]", "{{1, 2, 3}, {4, 5}}"},
		{"Join[{1}, f[2]]", "Join::heads: Heads List and f at positions 1 and 2 are expected to be the same.\nJoin[{1}, f[2]]"},
		{"Join[{1}, ByteArray[{2}]]", "Join::heads: Heads List and ByteArray at positions 1 and 2 are expected to be the same.\nJoin[{1}, ByteArray[<1>]]"},
		{"Join[x, {1}]", "Join::normal: Nonatomic expression expected at position 1 in Join[x, {1}].\nJoin[x, {1}]"},

		{"Flatten[{1, {2, {3, {4}}}}]", "{1, 2, 3, 4}"},
		{"Flatten[{1, {2, {3, {4}}}}, 1]", "{1, 2, {3, {4}}}"},
		{"Flatten[{1, {2, {3, {4}}}}, 0]", "{1, {2, {3, {4}}}}"},
		{"Flatten[{1, {2, {3}}}, Infinity]", "{1, 2, 3}"},
		{"Flatten[{}]", "{}"},
		{"Flatten[f[1, f[2, g[3]]]]", "f[1, 2, g[3]]"},
		{"Flatten[{1, f[2, {3}]}, Infinity, f]", "{1, 2, {3}}"},
		{"Flatten[<|a -> 1|>]", "<|a -> 1|>"},
		{"Flatten[x]", "Flatten::normal: Nonatomic expression expected at position 1 in Flatten[x].\nFlatten[x]"},
		{"Flatten[{1, {2}}, x]", "Flatten::flpi: Levels to be flattened together in x should be lists of positive integers.\nFlatten[{1, {2}}, x]"},

		{"Partition[{1, 2, 3, 4, 5}, 2]", "{{1, 2}, {3, 4}}"},
		{"Partition[{1, 2, 3, 4, 5}, 2, 1]", "{{1, 2}, {2, 3}, {3, 4}, {4, 5}}"},
		{"Partition[{1, 2, 3, 4, 5}, 3, 2]", "{{1, 2, 3}, {3, 4, 5}}"},
		{"Partition[{1, 2, 3, 4, 5}, UpTo[2]]", "{{1, 2}, {3, 4}, {5}}"},
		{"Partition[{1, 2, 3}, UpTo[9223372036854775807], 1]", "{{1, 2, 3}, {2, 3}, {3}}"},
		{"Partition[f[a, b, c, d], 2]", "f[f[a, b], f[c, d]]"},
		{"Partition[{1, 2}, 5]", "{}"},
		{"Length[Partition[Range[10^5], 10^4, 1]]", "90001"},
		{"Partition[{1, 2, 3}, 0]", "Partition::ilsmp: Single or list of positive machine-sized integers expected at position 2 of Partition[{1, 2, 3}, 0].\nPartition[{1, 2, 3}, 0]"},
		{"Partition[{1, 2, 3}, 2, 0]", "Partition::ilsmp: Single or list of positive machine-sized integers expected at position 3 of Partition[{1, 2, 3}, 2, 0].\nPartition[{1, 2, 3}, 2, 0]"},
		{"Partition[x, 2]", "Partition::normal: Nonatomic expression expected at position 1 in Partition[x, 2].\nPartition[x, 2]"},

		{"Riffle[{a, b, c}, x]", "{a, x, b, x, c}"},
		{"Riffle[{a, b, c}, {x, y}]", "{a, x, b, y, c}"},
		{"Riffle[{a, b, c}, {x, y, z}]", "{a, x, b, y, c, z}"},
		{"Riffle[{a, b, c, d}, {x, y}]", "{a, x, b, y, c, x, d}"},
		{"Riffle[{a, b, c, d, e}, x, 3]", "{a, b, x, c, d, x, e}"},
		{"Riffle[{a}, x]", "{a}"},
		{"Riffle[{}, x]", "{}"},
		{"Riffle[{a, b}, {}]", "{a, b}"},
		{"Riffle[x, y]", "Riffle::normal: Nonatomic expression expected at position 1 in Riffle[x, y].\nRiffle[x, y]"},
		{"Riffle[{a, b}, x, 0]", "Riffle::intp: Positive integer expected at position 3 in Riffle[{a, b}, x, 0].\nRiffle[{a, b}, x, 0]"},
	})
}

func TestTotalAccumulateSum(t *testing.T) {
	checkEval(t, []evalCase{
		{"Total[{1, 2, 3}]", "6"},
		{"Total[{1, 2.5, 1/2}]", "4."},
		{"Total[{1/2, 1/3}]", "5/6"},
		{"Total[{{1, 2}, {3, 4}}]", "{4, 6}"},
		{"Total[{{1, 2}, {3, 4}}, 2]", "10"},
		{"Total[{{1, 2}, {3, 4}}, {2}]", "{3, 7}"},
		{"Total[{{1, 2}, {3, 4}}, Infinity]", "10"},
		{"Total[{1, {2, 3}}]", "{3, 4}"},
		{"Total[{1, {2, 3}}, 2]", "6"},
		{"Total[{a, b, 2, a}]", "2 + 2 a + b"},
		{"Total[{{a, 1}, {b, 2}}]", "{a + b, 3}"},
		{"Total[{}]", "0"},
		{"Total[{x}]", "x"},
		{"Total[<|a -> 1, b -> 2|>]", "3"},
		{"Total[{9223372036854775807, 1}]", "9223372036854775808"},
		{"Total[{-9223372036854775807, -1, -1}]", "-9223372036854775809"},
		{"Total[Range[10^6]]", "500000500000"},
		{"Total[N[Range[10]]]", "55."},
		{"Total[x]", "x"},
		{"Total[{1, 2}, x]", "Total::level: Level specification x is not of the form n, {n}, or {m, n}.\nTotal[{1, 2}, x]"},

		{"Accumulate[{1, 2, 3, 4}]", "{1, 3, 6, 10}"},
		{"Accumulate[{1, 1/2, 0.5}]", "{1, 3/2, 2.}"},
		{"Accumulate[{a, b, c}]", "{a, a + b, a + b + c}"},
		{"Accumulate[{}]", "{}"},
		{"Accumulate[<|a -> 1, b -> 2|>]", "<|a -> 1, b -> 3|>"},
		{"Accumulate[x]", "Accumulate::normal: Nonatomic expression expected at position 1 in Accumulate[x].\nAccumulate[x]"},

		{"Sum[i, {i, 10}]", "55"},
		{"Sum[i^2, {i, 1, 3}]", "14"},
		{"Sum[i, {i, 1, 10, 2}]", "25"},
		{"Sum[x^i, {i, 0, 3}]", "1 + x + x^2 + x^3"},
		{"Sum[i j, {i, 2}, {j, 3}]", "18"},
		{"Sum[j, {i, 3}, {j, i}]", "10"},
		{"Sum[1/i, {i, 4}]", "25/12"},
		{"Sum[0.5, {3}]", "1.5"},
		{"Sum[{i, 1}, {i, 3}]", "{6, 3}"},
		{"Sum[i, {i, {2, 5, 7}}]", "14"},
		{"Sum[i, {i, 0}]", "0"},
		{"Sum[9223372036854775807, {3}]", "27670116110564327421"},
		{"Sum[If[i == 2, 0.5, i], {i, 3}]", "4.5"},
		{"Sum[If[i == 2, x, i], {i, 3}]", "4 + x"},
		{"i = 7; Sum[i, {i, 3}]; i", "7"},
		{"Sum[i, {i, n}]", "Sum::iterb: Iterator {i, n} does not have appropriate bounds.\nSum[i, {i, n}]"},
		{"Sum[i]", "Sum::argmu: Sum called with 1 argument; 2 or more arguments are expected.\nSum[i]"},
	})
}

func TestSortReverse(t *testing.T) {
	checkEval(t, []evalCase{
		{"Sort[{3, 1, 2}]", "{1, 2, 3}"},
		{"Sort[{3, -9223372036854775807, 2, 3}]", "{-9223372036854775807, 2, 3, 3}"},
		{"Sort[{2, 1.5, 1, 1.}]", "{1, 1., 1.5, 2}"},
		{"Sort[{c, a, b, 2, \"x\", 1.5}]", "{1.5, 2, x, a, b, c}"},
		{"Sort[{}]", "{}"},
		{"Sort[{3, 1, 2}, Greater]", "{3, 2, 1}"},
		{"Sort[{3, 1, 2, 5, 4}, #1 > #2 &]", "{5, 4, 3, 2, 1}"},
		{"Sort[{{1, b}, {0, c}, {1, a}}, #1[[1]] <= #2[[1]] &]", "{{0, c}, {1, b}, {1, a}}"},
		{"Sort[f[c, a, b]]", "f[a, b, c]"},
		{"Sort[<|a -> 3, b -> 1|>]", "<|b -> 1, a -> 3|>"},
		{"Sort[x]", "Sort::normal: Nonatomic expression expected at position 1 in Sort[x].\nSort[x]"},
		{"SortBy[{{1, b}, {0, c}, {1, a}}, First]", "{{0, c}, {1, a}, {1, b}}"},
		{"SortBy[{-3, 1, 2}, Abs]", "{1, 2, -3}"},
		{"SortBy[{\"ccc\", \"a\", \"bb\"}, StringLength]", "{a, bb, ccc}"},
		{"SortBy[{{1, b}, {0, c}, {1, a}}, {First, Last}]", "{{0, c}, {1, a}, {1, b}}"},
		{"SortBy[<|a -> 2, b -> -3|>, Abs]", "<|a -> 2, b -> -3|>"},
		{"SortBy[First][{{2}, {1}}]", "{{1}, {2}}"},
		{"SortBy[x, f]", "SortBy::normal: Nonatomic expression expected at position 1 in SortBy[x, f].\nSortBy[x, f]"},
		{"Reverse[{1, 2, 3}]", "{3, 2, 1}"},
		{"Reverse[{}]", "{}"},
		{"Reverse[f[a, b]]", "f[b, a]"},
		{"InputForm[Reverse[ByteArray[{1, 2}]]]", "ByteArray[\"AgE=\"]"},
		{"Reverse[<|a -> 1, b -> 2|>]", "<|b -> 2, a -> 1|>"},
		{"Reverse[x]", "Reverse::normal: Nonatomic expression expected at position 1 in Reverse[x].\nReverse[x]"},
	})
}

func TestSetOperations(t *testing.T) {
	checkEval(t, []evalCase{
		{"Union[{3, 1, 2, 1}, {2, 5}]", "{1, 2, 3, 5}"},
		{"Union[{c, a}, {b, a}]", "{a, b, c}"},
		{"Union[{1, 1.}]", "{1, 1.}"},
		{"Union[]", "{}"},
		{"Union[f[b, a, b]]", "f[a, b]"},
		{"Union[{1}, f[2]]", "Union::heads: Heads List and f at positions 1 and 2 are expected to be the same.\nUnion[{1}, f[2]]"},
		{"Union[x]", "Union::normal: Nonatomic expression expected at position 1 in Union[x].\nUnion[x]"},
		{"Intersection[{1, 2, 3, 4}, {2, 4, 6}, {4, 2}]", "{2, 4}"},
		{"Intersection[{1, 2}, {3}]", "{}"},
		{"Intersection[{b, a, b}]", "{a, b}"},
		{"Complement[{1, 2, 3, 4, 5}, {2}, {4, 9}]", "{1, 3, 5}"},
		{"Complement[{b, a, b}]", "{a, b}"},
		{"Complement[{1}, f[1]]", "Complement::heads: Heads List and f at positions 1 and 2 are expected to be the same.\nComplement[{1}, f[1]]"},
		{"DeleteDuplicates[{1, 2, 1, 3, 2}]", "{1, 2, 3}"},
		{"DeleteDuplicates[{}]", "{}"},
		{"DeleteDuplicates[{1, 2, 3, 4}, Abs[#1 - #2] < 2 &]", "{1, 3}"},
		{"DeleteDuplicates[<|a -> 1, b -> 1, c -> 2|>]", "<|a -> 1, c -> 2|>"},
		{"DeleteDuplicates[x]", "DeleteDuplicates::normal: Nonatomic expression expected at position 1 in DeleteDuplicates[x].\nDeleteDuplicates[x]"},
		{"Tally[{a, b, a, c, a, b}]", "{{a, 3}, {b, 2}, {c, 1}}"},
		{"Tally[{}]", "{}"},
		{"Tally[{1, 2, 3, 4}, EvenQ[#1] == EvenQ[#2] &]", "{{1, 2}, {2, 2}}"},
		{"Tally[x]", "Tally::list: List expected at position 1 in Tally[x].\nTally[x]"},
		{"Counts[{a, b, a, c, a, b}]", "<|a -> 3, b -> 2, c -> 1|>"},
		{"Counts[{}]", "<||>"},
		{"Counts[x]", "Counts::list: List expected at position 1 in Counts[x].\nCounts[x]"},
	})
}

func TestMapApplyScan(t *testing.T) {
	checkEval(t, []evalCase{
		{"f /@ {1, 2, 3}", "{f[1], f[2], f[3]}"},
		{"(#^2 &) /@ Range[5]", "{1, 4, 9, 16, 25}"},
		{"f /@ {}", "{}"},
		{"Map[f, g[1, 2]]", "g[f[1], f[2]]"},
		{"Map[f, 1 + x]", "f[1] + f[x]"},
		{"Map[f, <|a -> 1, b -> 2|>]", "<|a -> f[1], b -> f[2]|>"},
		{"(# + 1) & /@ <|a -> 1, b -> 2|>", "<|a -> 2, b -> 3|>"},
		{"Map[f, x]", "x"},
		{"Map[f, {{1, 2}, {3}}, {2}]", "{{f[1], f[2]}, {f[3]}}"},
		{"Map[f, {{1, 2}, {3}}, 2]", "{f[{f[1], f[2]}], f[{f[3]}]}"},
		{"Map[f, {{1, 2}, {3}}, {0}]", "f[{{1, 2}, {3}}]"},
		{"Map[f, {{1, {2}}, 3}, {-1}]", "{{f[1], {f[2]}}, f[3]}"},
		{"Map[f, {{1, {2}}, 3}, -1]", "{f[{f[1], f[{f[2]}]}], f[3]}"},
		{"Map[f, {{1, 2}}, Infinity]", "{f[{f[1], f[2]}]}"},
		{"Map[f, {a, <|k -> {1, 2}|>}, {3}]", "{a, <|k -> {f[1], f[2]}|>}"},
		{"Map[# + 1 &, {<|k -> 1|>}, {2}]", "{<|k -> 2|>}"},
		{"Map[f, Hold[1 + 1, 2]]", "Hold[f[1 + 1], f[2]]"},
		{"Map[Sequence @@ # &, {{1, 2}, {3}}]", "{1, 2, 3}"},
		{"Map[f][{1, 2}]", "{f[1], f[2]}"},
		{"Map[f]", "Map[f]"},
		{"Map[f, {1, 2}, x]", "Map::level: Level specification x is not of the form n, {n}, or {m, n}.\nMap[f, {1, 2}, x]"},
		{"Map[f, {1}, {1, 2, 3}]", "Map::level: Level specification {1, 2, 3} is not of the form n, {n}, or {m, n}.\nMap[f, {1}, {1, 2, 3}]"},

		{"MapIndexed[f, {a, b, c}]", "{f[a, {1}], f[b, {2}], f[c, {3}]}"},
		{"MapIndexed[f, {{a, b}, {c}}, {2}]", "{{f[a, {1, 1}], f[b, {1, 2}]}, {f[c, {2, 1}]}}"},
		{"MapIndexed[f, <|x -> 1, y -> 2|>]", "<|x -> f[1, {Key[x]}], y -> f[2, {Key[y]}]|>"},
		{"MapIndexed[#1 #2[[1]] &, {a, b}]", "{a, 2 b}"},

		{"Scan[Print, {1, 2}]", "1\n2\nNull"},
		{"Scan[Print, f[a, b]]", "a\nb\nNull"},
		{"Scan[Print, x]", "Null"},
		{"Scan[(If[# > 2, Return[#]]; Print[#]) &, {1, 2, 3, 4}]", "1\n2\n3"},
		{"Scan[Print, {{1}, {2}}, {2}]", "1\n2\nNull"},
		{"Scan[Print, <|a -> 1|>]", "1\nNull"},

		{"f @@ {1, 2, 3}", "f[1, 2, 3]"},
		{"Plus @@ {1, 2, 3}", "6"},
		{"f @@ g[a, b]", "f[a, b]"},
		{"f @@ <|a -> 1, b -> 2|>", "f[1, 2]"},
		{"f @@ x", "x"},
		{"f @@@ {{1, 2}, {3, 4}}", "{f[1, 2], f[3, 4]}"},
		{"f @@@ {{1, 2}, x}", "{f[1, 2], x}"},
		{"Apply[f, {{1, {2}}, {3}}, {2}]", "{{1, f[2]}, {3}}"},
		{"Apply[f, {{1}}, {0, 1}]", "f[f[1]]"},
		{"Apply[Plus][{1, 2}]", "3"},
		{"MapApply[f, {{1, 2}, g[3]}]", "{f[1, 2], f[3]}"},
		{"Apply[f, {1}, x]", "Apply::level: Level specification x is not of the form n, {n}, or {m, n}.\nApply[f, {1}, x]"},
	})
}

func TestSelectCases(t *testing.T) {
	checkEval(t, []evalCase{
		{"Select[{1, 2, 3, 4, 5}, EvenQ]", "{2, 4}"},
		{"Select[{1, 2, 3, 4, 5}, OddQ, 2]", "{1, 3}"},
		{"Select[{1, 2, 3}, # > 5 &]", "{}"},
		{"Select[<|a -> 1, b -> 2|>, EvenQ]", "<|b -> 2|>"},
		{"Select[f[1, 2, 3], OddQ]", "f[1, 3]"},
		{"Select[EvenQ][{1, 2}]", "{2}"},
		{"Select[x, EvenQ]", "Select::normal: Nonatomic expression expected at position 1 in Select[x, EvenQ].\nSelect[x, EvenQ]"},
		{"Select[{1, 2}, EvenQ, -1]", "Select::innf: Non-negative integer or Infinity expected at position 3 in Select[{1, 2}, EvenQ, -1].\nSelect[{1, 2}, EvenQ, -1]"},

		{"Cases[{1, a, 2.5, \"s\", 3}, _Integer]", "{1, 3}"},
		{"Cases[{1, 2, 3}, x_ :> x^2]", "{1, 4, 9}"},
		{"Cases[{1, 2, 3}, x_Integer -> x + 10]", "{11, 12, 13}"},
		{"Cases[{1, 2, 3}, x_ :> x /; x > 1]", "{2, 3}"},
		{"Cases[{{1, 2}, {3, {4}}}, _Integer, Infinity]", "{1, 2, 3, 4}"},
		{"Cases[{{1, 2}, {3, {4}}}, _Integer, Infinity, 2]", "{1, 2}"},
		{"Cases[{{1}, 2}, _List, {0, Infinity}]", "{{1}, {{1}, 2}}"},
		{"Cases[f[1, x, 2], _Integer]", "{1, 2}"},
		{"Cases[<|a -> 1, b -> x|>, _Symbol]", "{x}"},
		{"Cases[x, _]", "{}"},
		{"Cases[_Integer][{1, a}]", "{1}"},
		{"Cases[{1}, _, x]", "Cases::level: Level specification x is not of the form n, {n}, or {m, n}.\nCases[{1}, _, x]"},
		{"Cases[{1}, _, 1, -1]", "Cases::innf: Non-negative integer or Infinity expected at position 4 in Cases[{1}, _, 1, -1].\nCases[{1}, _, 1, -1]"},

		{"DeleteCases[{1, a, 2, b}, _Integer]", "{a, b}"},
		{"DeleteCases[{1, {2, a}, b}, _Integer, Infinity]", "{{a}, b}"},
		{"DeleteCases[<|a -> 1, b -> x|>, _Integer]", "<|b -> x|>"},
		{"DeleteCases[f[1, a], _Integer]", "f[a]"},
		{"DeleteCases[{1, 2, 1, 1}, 1, 1, 2]", "{2, 1}"},
		{"DeleteCases[x, x, {0}]", "x"},
		{"DeleteCases[x, _]", "x"},

		{"MemberQ[{1, 2, 3}, 2]", "True"},
		{"MemberQ[{1, 2, 3}, _String]", "False"},
		{"MemberQ[{{1}, 2}, 1]", "False"},
		{"MemberQ[{{1}, 2}, 1, 2]", "True"},
		{"MemberQ[x, x]", "False"},
		{"MemberQ[<|a -> 1|>, 1]", "True"},
		{"MemberQ[_Integer][{a, 1}]", "True"},

		{"FreeQ[{1, 2, x}, x]", "False"},
		{"FreeQ[{1, 2}, x]", "True"},
		{"FreeQ[f[x], f]", "False"},
		{"FreeQ[x, x]", "False"},
		{"FreeQ[{1, {2, {3}}}, 3]", "False"},
		{"FreeQ[{1, {2, {3}}}, 3, 2]", "True"},
		{"FreeQ[<|a -> x|>, x]", "False"},

		{"Count[{1, a, 2, b, 3}, _Integer]", "3"},
		{"Count[{{1, 2}, 3}, _Integer, Infinity]", "3"},
		{"Count[x, x]", "0"},
		{"Count[_Integer][{1, 2, a}]", "2"},

		{"Position[{1, 2, 1, 3}, 1]", "{{1}, {3}}"},
		{"Position[{a, {a, b}}, a]", "{{1}, {2, 1}}"},
		{"Position[{{a}}, _List]", "{{1}, {}}"},
		{"Position[x, x]", "{{}}"},
		{"Position[f[a], f]", "{{0}}"},
		{"Position[{1, 2, 1, 1}, 1, 1, 2]", "{{1}, {3}}"},
		{"Position[{1, {1}}, 1, {2}]", "{{2, 1}}"},
		{"Position[<|a -> 1, b -> 2|>, 2]", "{{Key[b]}}"},
		{"Position[{1, 2}, 5]", "{}"},
	})
}

func TestAssociationFunctions(t *testing.T) {
	checkEval(t, []evalCase{
		{"Keys[<|a -> 1, b -> 2|>]", "{a, b}"},
		{"Values[<|a -> 1, b -> 2|>]", "{1, 2}"},
		{"Keys[<||>]", "{}"},
		{"Keys[{a -> 1, b :> 2}]", "{a, b}"},
		{"Values[{a -> 1, b :> 2}]", "{1, 2}"},
		{"Keys[a -> 1]", "a"},
		{"Keys[{<|a -> 1|>, <|b -> 2|>}]", "{{a}, {b}}"},
		{"Keys[x]", "Keys::invrl: The argument x is not a valid Association or a list of rules.\nKeys[x]"},
		{"Values[5]", "Values::invrl: The argument 5 is not a valid Association or a list of rules.\nValues[5]"},

		{"Lookup[<|a -> 1, b -> 2|>, b]", "2"},
		{"Lookup[<|a -> 1|>, z]", "Missing[KeyAbsent, z]"},
		{"Lookup[<|a -> 1|>, z, 0]", "0"},
		{"Lookup[<|a -> 1, b -> 2|>, {a, b, c}]", "{1, 2, Missing[KeyAbsent, c]}"},
		{"Lookup[{<|a -> 1|>, <|a -> 2|>}, a]", "{1, 2}"},
		{"Lookup[{a -> 1, b -> 2}, b]", "2"},
		{"Lookup[<|{1, 2} -> x|>, Key[{1, 2}]]", "x"},
		{"Lookup[a][<|a -> 5|>]", "5"},
		{"Lookup[x, a]", "Lookup::invrl: The argument x is not a valid Association or a list of rules.\nLookup[x, a]"},

		{"KeyExistsQ[<|a -> 1|>, a]", "True"},
		{"KeyExistsQ[<|a -> 1|>, b]", "False"},
		{"KeyExistsQ[{a -> 1}, a]", "True"},
		{"KeyExistsQ[x, a]", "KeyExistsQ::invrl: The argument x is not a valid Association or a list of rules.\nKeyExistsQ[x, a]"},

		{"a = <|x -> 1|>; AssociateTo[a, y -> 2]; a", "<|x -> 1, y -> 2|>"},
		{"a = <|x -> 1|>; AssociateTo[a, {x -> 5, z -> 3}]", "<|x -> 5, z -> 3|>"},
		{"a = <|x -> 1|>; AssociateTo[a, <|w -> 0|>]", "<|x -> 1, w -> 0|>"},
		{"a = <|x -> 1|>; b = a; AssociateTo[a, y -> 2]; b", "<|x -> 1|>"},
		{"AssociateTo[q, x -> 1]", "AssociateTo::rvalue: q is not a variable with a value, so its value cannot be changed.\nAssociateTo[q, x -> 1]"},
		{"q = 5; AssociateTo[q, x -> 1]", "AssociateTo::invak: The argument 5 is not a valid Association.\nAssociateTo[q, x -> 1]"},
		{"a = <|x -> 1|>; AssociateTo[a, 7]", "AssociateTo::invrl: The argument 7 is not a valid Association or a list of rules.\nAssociateTo[a, 7]"},

		{"a = <|x -> 1, y -> 2, z -> 3|>; KeyDropFrom[a, y]; a", "<|x -> 1, z -> 3|>"},
		{"a = <|x -> 1, y -> 2, z -> 3|>; KeyDropFrom[a, {x, z}]", "<|y -> 2|>"},
		{"a = <|x -> 1|>; KeyDropFrom[a, w]", "<|x -> 1|>"},
		{"KeyDropFrom[q, x]", "KeyDropFrom::rvalue: q is not a variable with a value, so its value cannot be changed.\nKeyDropFrom[q, x]"},

		{"KeyDrop[<|a -> 1, b -> 2, c -> 3|>, {a, c}]", "<|b -> 2|>"},
		{"KeyDrop[<|a -> 1, b -> 2|>, b]", "<|a -> 1|>"},
		{"KeyDrop[{a -> 1, b -> 2}, a]", "{b -> 2}"},
		{"KeyDrop[a][<|a -> 1, b -> 2|>]", "<|b -> 2|>"},
		{"KeyDrop[x, a]", "KeyDrop::invrl: The argument x is not a valid Association or a list of rules.\nKeyDrop[x, a]"},
		{"KeyTake[<|a -> 1, b -> 2, c -> 3|>, {c, a, z}]", "<|c -> 3, a -> 1|>"},
		{"KeyTake[{<|a -> 1, b -> 2|>, <|a -> 3|>}, a]", "{<|a -> 1|>, <|a -> 3|>}"},

		{"KeySort[<|c -> 1, a -> 2, b -> 3|>]", "<|a -> 2, b -> 3, c -> 1|>"},
		{"KeySort[<|1 -> a, 3 -> b, 2 -> c|>, Greater]", "<|3 -> b, 2 -> c, 1 -> a|>"},
		{"KeySort[x]", "KeySort::invrl: The argument x is not a valid Association or a list of rules.\nKeySort[x]"},

		{"KeyValueMap[f, <|a -> 1, b -> 2|>]", "{f[a, 1], f[b, 2]}"},
		{"KeyValueMap[#1 + #2 &, {1 -> 2}]", "{3}"},
		{"KeyValueMap[f][<|a -> 1|>]", "{f[a, 1]}"},
		{"KeyValueMap[f, x]", "KeyValueMap::invrl: The argument x is not a valid Association or a list of rules.\nKeyValueMap[f, x]"},

		{"AssociationMap[f, {a, b}]", "<|a -> f[a], b -> f[b]|>"},
		{"AssociationMap[#^2 &, Range[3]]", "<|1 -> 1, 2 -> 4, 3 -> 9|>"},
		{"AssociationMap[Reverse, <|a -> 1, b -> 2|>]", "<|1 -> a, 2 -> b|>"},
		{"AssociationMap[f, x]", "AssociationMap::list: List expected at position 2 in AssociationMap[f, x].\nAssociationMap[f, x]"},
		{"AssociationMap[f, <|a -> 1|>]", "AssociationMap::invrl: The argument f[a -> 1] is not a valid Association or a list of rules.\nAssociationMap[f, <|a -> 1|>]"},

		{"AssociationQ[<|a -> 1|>]", "True"},
		{"AssociationQ[{a -> 1}]", "False"},
	})
}

func TestNestFold(t *testing.T) {
	checkEval(t, []evalCase{
		{"Nest[f, x, 3]", "f[f[f[x]]]"},
		{"Nest[#^2 &, 2, 3]", "256"},
		{"Nest[f, x, 0]", "x"},
		{"Nest[f, x, -1]", "Nest::intnm: Non-negative machine-sized integer expected at position 3 in Nest[f, x, -1].\nNest[f, x, -1]"},
		{"Nest[f, x, y]", "Nest::intnm: Non-negative machine-sized integer expected at position 3 in Nest[f, x, y].\nNest[f, x, y]"},
		{"NestList[f, x, 3]", "{x, f[x], f[f[x]], f[f[f[x]]]}"},
		{"NestList[f, x, 0]", "{x}"},
		{"NestList[f, x, 10^10]", "NestList::nomem: " + generalMessages["nomem"] + "\nNestList[f, x, 10000000000]"},
		{"NestList[f, x, -2]", "NestList::intnm: Non-negative machine-sized integer expected at position 3 in NestList[f, x, -2].\nNestList[f, x, -2]"},

		{"Fold[f, x, {a, b, c}]", "f[f[f[x, a], b], c]"},
		{"Fold[Plus, {1, 2, 3}]", "6"},
		{"Fold[f, x, {}]", "x"},
		{"Fold[f, {}]", "Fold[f, {}]"},
		{"Fold[f, x, g[a, b]]", "f[f[x, a], b]"},
		{"Fold[f, x, y]", "Fold::normal: Nonatomic expression expected at position 3 in Fold[f, x, y].\nFold[f, x, y]"},
		{"FoldList[f, x, {a, b}]", "{x, f[x, a], f[f[x, a], b]}"},
		{"FoldList[Plus, {1, 2, 3}]", "{1, 3, 6}"},
		{"FoldList[f, x, {}]", "{x}"},
		{"FoldList[f, {}]", "{}"},
		{"FoldList[f, x, y]", "FoldList::normal: Nonatomic expression expected at position 3 in FoldList[f, x, y].\nFoldList[f, x, y]"},

		{"FixedPoint[Floor[#/2] &, 100]", "0"},
		{"FixedPoint[Cos, 1.]", "0.739085"},
		{"FixedPoint[f, x, 3]", "f[f[f[x]]]"},
		{"FixedPoint[# + 1 &, 0, 10]", "10"},
		{"FixedPoint[# + 1 &, 0]", "65536"},
		{"FixedPoint[f, x, -1]", "FixedPoint::intnm: Non-negative machine-sized integer expected at position 3 in FixedPoint[f, x, -1].\nFixedPoint[f, x, -1]"},
	})
}

func TestShapeFunctions(t *testing.T) {
	checkEval(t, []evalCase{
		{"Transpose[{{1, 2, 3}, {4, 5, 6}}]", "{{1, 4}, {2, 5}, {3, 6}}"},
		{"Transpose[{}]", "{}"},
		{"Transpose[{{}, {}}]", "{}"},
		{"Transpose[{1, 2}]", "{1, 2}"},
		{"Transpose[{{1, 2}, {3}}]", "Transpose::nmtx: The first two levels of {{1, 2}, {3}} cannot be transposed.\nTranspose[{{1, 2}, {3}}]"},
		{"Transpose[{{1, 2}, 3}]", "Transpose::nmtx: The first two levels of {{1, 2}, 3} cannot be transposed.\nTranspose[{{1, 2}, 3}]"},
		{"Transpose[x]", "Transpose::nmtx: The first two levels of x cannot be transposed.\nTranspose[x]"},

		{"ConstantArray[0, 3]", "{0, 0, 0}"},
		{"ConstantArray[x, {2, 3}]", "{{x, x, x}, {x, x, x}}"},
		{"ConstantArray[0, 0]", "{}"},
		{"ConstantArray[0, {0, 10^20}]", "{}"},
		{"ConstantArray[0, {2, 0, 10^20}]", "{{}, {}}"},
		{"ConstantArray[0, -1]", "ConstantArray::ilsnn: Single or list of non-negative integers expected at position 2 of ConstantArray[0, -1].\nConstantArray[0, -1]"},
		{"ConstantArray[0, {2, x}]", "ConstantArray::ilsnn: Single or list of non-negative integers expected at position 2 of ConstantArray[0, {2, x}].\nConstantArray[0, {2, x}]"},
		{"ConstantArray[0, {10^6, 10^6}]", "ConstantArray::nomem: " + generalMessages["nomem"] + "\nConstantArray[0, {1000000, 1000000}]"},
		{"ConstantArray[0, 10^20]", "ConstantArray::nomem: " + generalMessages["nomem"] + "\nConstantArray[0, 100000000000000000000]"},

		{"Thread[f[{a, b}, {c, d}]]", "{f[a, c], f[b, d]}"},
		{"Thread[f[{a, b}, c]]", "{f[a, c], f[b, c]}"},
		{"Thread[f[a]]", "f[a]"},
		{"Thread[{a, b} -> {1, 2}]", "{a -> 1, b -> 2}"},
		{"Thread[f[g[a, b], g[c, d]], g]", "g[f[a, c], f[b, d]]"},
		{"Thread[x]", "x"},
		{"Thread[f[{a, b}, {c}]]", "Thread::tdlen: Objects of unequal length in f[{a, b}, {c}] cannot be combined.\nThread[f[{a, b}, {c}]]"},

		{"ListQ[{1}]", "True"},
		{"ListQ[f[1]]", "False"},
		{"VectorQ[{1, 2}]", "True"},
		{"VectorQ[{}]", "True"},
		{"VectorQ[{1, {2}}]", "False"},
		{"VectorQ[x]", "False"},
		{"VectorQ[{1, 2}, IntegerQ]", "True"},
		{"VectorQ[{1, 2.}, IntegerQ]", "False"},
		{"MatrixQ[{{1, 2}, {3, 4}}]", "True"},
		{"MatrixQ[{{1, 2}, {3}}]", "False"},
		{"MatrixQ[{1, 2}]", "False"},
		{"MatrixQ[{{1, 2}, {3, x}}, NumberQ]", "False"},
		{"MatrixQ[{{1, 2}, {3, 4}}, NumberQ]", "True"},

		{"Dimensions[{{1, 2, 3}, {4, 5, 6}}]", "{2, 3}"},
		{"Dimensions[{{1, 2}, {3}}]", "{2}"},
		{"Dimensions[{{1, 2}, 3}]", "{2}"},
		{"Dimensions[{}]", "{0}"},
		{"Dimensions[{{}, {}}]", "{2, 0}"},
		{"Dimensions[x]", "{}"},
		{"Dimensions[f[f[a], f[b]]]", "{2, 1}"},
		{"Dimensions[f[f[a], g[b]]]", "{2}"},
		{"Dimensions[<|a -> {1, 2}, b -> {3, 4}|>]", "{2, 2}"},
		{"Dimensions[ConstantArray[0, {3, 4, 5}]]", "{3, 4, 5}"},

		{"Depth[{1, {2}}]", "3"},
		{"Depth[x]", "1"},
		{"Depth[{}]", "1"},
	})
}

// Total of a list of machine integers adds them without evaluating anything: no allocation
// per element.
func TestTotalNoPerElementWork(t *testing.T) {
	s := NewSession(io.Discard)
	elems := make([]Expr, 1000000)
	for i := range elems {
		elems[i] = Int(i % 1000)
	}
	call := NewNormal(sys("Total"), inertList(elems))
	allocs := testing.AllocsPerRun(5, func() {
		if v := fnTotal(s, call); !SameQ(v, Int(499500000)) {
			t.Fatalf("Total gave %s", InputForm(v))
		}
	})
	if allocs > 2 {
		t.Errorf("Total of 10^6 integers made %v allocations", allocs)
	}
}

// Compared with CPython's sum(i*i for i in range(10**6)).
func BenchmarkTotalTable(b *testing.B) { benchEval(b, "Total[Table[i^2, {i, 10^6}]]") }

func BenchmarkTotalRange(b *testing.B) { benchEval(b, "x = Range[10^6]; Total[x]") }

// Appending reuses a list's spare room at most once, so no list ever sees another's elements.
func TestAppendSharing(t *testing.T) {
	checkEval(t, []evalCase{
		{"a = {1, 2}; b = Append[a, 3]; c = Append[a, 4]; d = Append[b, 5]; e = Most[d]; f = Append[e, 6]; {a, b, c, d, e, f}",
			"{{1, 2}, {1, 2, 3}, {1, 2, 4}, {1, 2, 3, 5}, {1, 2, 3}, {1, 2, 3, 6}}"},
		{"x = {}; Do[AppendTo[x, i], {i, 1000}]; y = x; AppendTo[x, 0]; AppendTo[y, -1]; {Length[x], Last[x], Length[y], Last[y], Total[x]}",
			"{1001, 0, 1001, -1, 500500}"},
		{"p = Partition[Range[6], 2]; q = Append[p[[1]], 9]; {p, q}", "{{{1, 2}, {3, 4}, {5, 6}}, {1, 2, 9}}"},
	})
}
