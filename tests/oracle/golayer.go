// golayer.go - cases for gen/go/ (encoding/json and sigs.k8s.io/yaml
// output) rendered by the oracle's own toJson and toYaml: built together
// with tmploracle.go, it adds one mode to that program.
//
//	tmploracle -golayer DIR COUNT SEED
//
// writes DIR/t (a template), DIR/data.json (COUNT maps and values made from
// SEED) and DIR/go.out (the template's text, rendered as `tmploracle t
// data.json` would), then exits; tests/suites/go-layer.sh renders the same
// with gwc's engine and compares the bytes.
//
// The maps' keys are what go-yaml's key order is hard on: non-ASCII letters
// and non-letters (é, ж, 中, °), digits of other scripts (٣), numbers with
// leading zeros and digit runs (a9, a10, 01), words the YAML resolver
// reads as something else (yes, null, 1e3, 2001-02-03, 1:20), keys longer
// than 128 bytes and keys with line breaks.  go-yaml's order is not
// transitive for every key set; a key that would make its map's order
// depend on Go's map iteration is left out (the count is printed), the
// order being asked of go-yaml itself (yaml.v2 marshals two keys).
//
// Build (with tmploracle.go):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o tmploracle \
//		tmploracle.go golayer.go
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path"
	"strings"

	yaml2 "gopkg.in/yaml.v2"
)

func init() {
	if len(os.Args) == 5 && os.Args[1] == "-golayer" {
		os.Exit(golayer(os.Args[2], os.Args[3], os.Args[4]))
	}
}

var keyParts = []string{
	"a", "b", "z", "A", "Z", "x", "é", "ж", "中", "ß", "ǅ", "ª",
	"°", "-", "_", ".", "/", "~", " ", "#", ":", "?", "'", "\"", "\\",
	"0", "00", "1", "01", "9", "10", "010", "٣", "٣٣", "١٠", "５", "²",
	"a9", "a10", "a010", "1e3", "0x1F", "1_000", "+1", "-1", ".5",
	"yes", "No", "null", "~", "true", "on", "<<", "2001-02-03", "1:20",
	"12:30:45", "€", "😀", "\u00a0", "\u2028", "\u0085", "\t", "\r",
}

var valueStrings = []string{
	"", "plain", "two words", " lead", "trail ", "yes", "No", "null",
	"~", "true", "FALSE", "on", "y", "1", "01", "08", "0x1F", "0o17",
	"0b101", "0b-1", "-0b11", "1_000", "1e3", ".5", "._5", ".5_5", "+.5",
	"-", "1e400", "12e", "0xFFFFFFFFFFFFFFFFFFFF", "18446744073709551616",
	"9223372036854775808", "-9223372036854775809", "1:20", "190:20:30",
	"1:60", "2001-02-03", "2001-2-3", "2001-02-30", "2000-02-29",
	"1900-02-29", "2001-13-01", "2001-02-03T04:05:06Z",
	"2001-02-03t04:05:06.123+01:00", "2001-02-03 04:05:06",
	"2001-02-03  04:05:06.1234567891", "2001-02-03T04:05:06",
	"2001-02-03T24:00:00Z", "2001-02-03T04:05:06+-1:00",
	"---", "...", "- a", "-a", "? a", "?a", ": a", "a: b", "a:b", "a #b",
	"a#b", "#a", "[a]", "{a}", "&a", "*a", "!a", "|a", ">a", "'a'",
	"\"a\"", "%a", "@a", "`a", ",a", "a,b", "a\nb", "a\n", "a\n\n", "\na",
	" a\nb", "a \nb", "a\n b", "a\tb", "a\rb", "a\u0085b", "a\u2028b",
	"\u2029", "a\u00a0b", "\ufeffa", "a\ufeff", "\x00", "a\x07b",
	"\x1b", "é", "ж中", "😀", "\ufffe", "a'b", "a\"b", "a\\b", "<&>",
	"\u2028x", "line1\nline2\n", "  indented\nblock",
}

// gateable drops what gwc's loader refuses in data, even escaped (NUL, C0
// controls but TAB, LF and CR, DEL, C1, U+2028, U+2029, U+FEFF, U+FFFE,
// U+FFFF); tests/unit/test_go.c has cases with them instead.
func gateable(s string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') ||
			(r >= 0x7f && r <= 0x9f) || r == 0x2028 || r == 0x2029 ||
			r == 0xfeff || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, s)
}

func pick(r *rand.Rand, list []string) string { return gateable(list[r.Intn(len(list))]) }

func randKey(r *rand.Rand) string {
	var b strings.Builder
	n := 1 + r.Intn(3)
	if r.Intn(25) == 0 {
		n = 40 + r.Intn(30) // beyond 128 bytes, often
	}
	for i := 0; i < n; i++ {
		b.WriteString(pick(r, keyParts))
	}
	if r.Intn(40) == 0 {
		b.WriteString("\n")
		b.WriteString(pick(r, keyParts))
	}
	return b.String()
}

func randString(r *rand.Rand) string {
	switch r.Intn(6) {
	case 0:
		return randKey(r)
	case 1:
		// long text with spaces: go-yaml folds it past column 80
		var b strings.Builder
		for i := 0; i < 5+r.Intn(30); i++ {
			if i > 0 {
				b.WriteString(strings.Repeat(" ", 1+r.Intn(2)*r.Intn(2)))
			}
			b.WriteString(pick(r, []string{"word", "é", "a'b", "x\"y", "中文", "1", "#", "-", "longerword"}))
		}
		if r.Intn(3) == 0 {
			b.WriteString("\n")
		}
		return b.String()
	default:
		return pick(r, valueStrings)
	}
}

func randNumber(r *rand.Rand) interface{} {
	ints := []int{0, 1, -1, 42, 1 << 31, -(1 << 40), math.MaxInt64, math.MinInt64}
	floats := []float64{0.5, -1.25, 1e-7, 1e-6, 0.000001, 123456.789,
		1e21, 1.5e300, 5e-324, 3.0,
		0.1, 2.5e-5, 100}
	if r.Intn(2) == 0 {
		return ints[r.Intn(len(ints))]
	}
	return floats[r.Intn(len(floats))]
}

func randValue(r *rand.Rand, depth int, dropped *int) interface{} {
	k := r.Intn(10)
	if depth > 3 && k >= 7 {
		k = r.Intn(7)
	}
	switch k {
	case 0:
		return nil
	case 1:
		return r.Intn(2) == 0
	case 2, 3:
		return randNumber(r)
	case 4, 5, 6:
		return randString(r)
	case 7:
		var l []interface{}
		for i := r.Intn(4); i > 0; i-- {
			l = append(l, randValue(r, depth+1, dropped))
		}
		if l == nil {
			l = []interface{}{}
		}
		return l
	default:
		return randMap(r, depth+1, dropped)
	}
}

// yamlLess asks go-yaml itself whether key a sorts before key b (the
// values mark which key's entry comes first; no key holds them).
func yamlLess(a, b string) bool {
	out, err := yaml2.Marshal(map[string]string{a: "first-VALUE", b: "second-VALUE"})
	if err != nil {
		panic(err)
	}
	return bytes.Index(out, []byte("first-VALUE")) < bytes.Index(out, []byte("second-VALUE"))
}

// ordered: go-yaml's order is transitive on keys.
func ordered(keys []string) bool {
	less := map[[2]string]bool{}
	for _, a := range keys {
		for _, b := range keys {
			if a != b {
				less[[2]string{a, b}] = yamlLess(a, b)
			}
		}
	}
	for _, a := range keys {
		for _, b := range keys {
			for _, c := range keys {
				if a != b && b != c && a != c && less[[2]string{a, b}] &&
					less[[2]string{b, c}] && !less[[2]string{a, c}] {
					return false
				}
			}
		}
	}
	return true
}

func randMap(r *rand.Rand, depth int, dropped *int) map[string]interface{} {
	m := map[string]interface{}{}
	var keys []string
	for i := r.Intn(9); i > 0; i-- {
		k := randKey(r)
		if _, dup := m[k]; dup {
			continue
		}
		if !ordered(append(keys, k)) {
			*dropped++
			continue
		}
		keys = append(keys, k)
		m[k] = randValue(r, depth, dropped)
	}
	return m
}

func golayer(dir, countText, seedText string) int {
	var count int
	var seed int64
	if _, err := fmt.Sscan(countText, &count); err != nil {
		fmt.Fprintf(os.Stderr, "tmploracle: -golayer: count: %v\n", err)
		return 2
	}
	if _, err := fmt.Sscan(seedText, &seed); err != nil {
		fmt.Fprintf(os.Stderr, "tmploracle: -golayer: seed: %v\n", err)
		return 2
	}
	r := rand.New(rand.NewSource(seed))
	dropped := 0
	var maps, values []interface{}
	for i := 0; i < count; i++ {
		maps = append(maps, randMap(r, 0, &dropped))
		values = append(values, randValue(r, 0, &dropped))
	}
	var data bytes.Buffer
	enc := json.NewEncoder(&data)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(map[string]interface{}{"maps": maps, "values": values}); err != nil {
		fmt.Fprintf(os.Stderr, "tmploracle: -golayer: %v\n", err)
		return 2
	}
	tmpl := "{{range $i, $m := .maps}}# map {{$i}}\n{{toYaml $m}}{{toJson $m}}\n{{end}}" +
		"{{range $i, $v := .values}}# value {{$i}}\n{{toYaml $v}}{{toJson (dict \"v\" $v)}}\n{{end}}"
	files := map[string][]byte{"t": []byte(tmpl), "data.json": data.Bytes()}
	for name, b := range files {
		if err := os.WriteFile(path.Join(dir, name), b, 0o644); err != nil {
			fmt.Fprintf(os.Stderr, "tmploracle: %v\n", err)
			return 2
		}
	}
	var out, errs bytes.Buffer
	if rc := run([]string{path.Join(dir, "t"), path.Join(dir, "data.json")}, &out, &errs); rc != 0 {
		fmt.Fprintf(os.Stderr, "tmploracle: -golayer: the oracle failed: %s", errs.String())
		return 2
	}
	if err := os.WriteFile(path.Join(dir, "go.out"), out.Bytes(), 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "tmploracle: %v\n", err)
		return 2
	}
	fmt.Printf("%d\n", dropped)
	return 0
}
