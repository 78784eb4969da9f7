(* A tour of the language socketrepl speaks: the Wolfram Language's core, as you would type it
   at the In[n]:= prompt. Run it with: socketrepl --transcript scripts/tour.wl *)

(* Numbers are exact: integers of any size, rationals stay rationals *)
2^100
1/2 + 1/3
N[1/3]
20!

(* Symbols hold values; a trailing semicolon silences the result *)
x = 5;
x^2 + 1
x++; x

(* Lists, and functions that work on them *)
primes = {2, 3, 5, 7, 11};
Length[primes]
primes[[2]]
primes[[-1]]
primes[[2 ;; 4]]
Total[primes]
Map[#^2 &, primes]
Select[primes, # > 4 &]
Table[i^2, {i, 5}]
Range[0, 1, 1/4]
Reverse[Sort[{3, 1, 2}]]

(* Functions are rules: the most specific definition applies *)
fib[0] = 0; fib[1] = 1;
fib[n_Integer /; n > 1] := fib[n] = fib[n - 1] + fib[n - 2]
fib[80]
describe[n_Integer] := "an integer"
describe[s_String] := "a string"
describe[_] := "something else"
describe /@ {1, "two", 3.0}

(* Pure functions, with slots or named parameters *)
(#1 + #2) &[3, 4]
Function[{a, b}, a b][6, 7]
square = #^2 &;
square[12]

(* Rules and replacement *)
{a, b, c} /. b -> "B"
f[1, 2] /. f[p_, q_] :> p + q

(* Associations: keys and values, in order *)
config = <|"host" -> "127.0.0.1", "port" -> 5555|>;
config["port"]
config["type"] = "Push";
Keys[config]
Lookup[config, "timeout", 30]

(* Control flow and scoping *)
If[x > 3, "big", "small"]
Module[{sum = 0}, Do[sum += i, {i, 100}]; sum]
n = 0; While[n < 3, Print["pass ", n]; n++]
Which[x < 0, "negative", x == 0, "zero", True, "positive"]

(* Strings *)
"socket" <> "repl"
StringSplit["GET /index.html HTTP/1.1", " "]
ToUpperCase["zmq"]
StringJoin[Riffle[{"a", "b", "c"}, ", "]]

(* %, %% and %n refer to earlier results *)
6 * 7
% + 1
%% / 2
