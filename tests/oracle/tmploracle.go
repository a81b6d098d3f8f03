// tmploracle - the reference for gwc's Go text/template engine: renders a
// template with Go's own text/template, sprig's function map and Istio's
// injection functions, as istiod does, with the data as plain maps.
//
//	tmploracle TEMPLATE_FILE DATA_FILE
//	tmploracle -batch DIR
//
// The template is parsed under the name "t" and executed with the data as
// dot.  On success the text goes to stdout (exit 0); on a template error
// (parse or execution) nothing goes to stdout, Go's error message and a
// newline go to stderr (exit 1).  A data or usage problem exits 2.
//
// -batch renders every DIR/*/t with DIR/*/data.json in one process (a Go
// start costs more than a render) and writes what the single form would
// print and exit with into go.out, go.err and go.rc beside them.
//
// Data: JSON, or YAML whose plain scalars are typed by the JSON rules, as
// gwc's loader does (true/false; null, ~ or empty; canonical integers; JSON
// numbers; everything else and every quoted scalar is a string).  Integers
// become int (float64 when out of range), other numbers float64, null nil,
// mappings map[string]interface{} and sequences []interface{} whose
// capacity is their length (sprig's slice reaches up to the capacity, which
// would otherwise depend on how the decoder grew the slice).
//
// One convention beyond plain data: a string at ProxyConfig.InterceptionMode
// becomes a named string type with a String method, as istiod's enum there
// has one (the gateway templates write .ProxyConfig.InterceptionMode.String).
//
// Istio's functions take typed Kubernetes and protobuf structs; ours take
// the same data as maps, with the keys spelled as the Go fields are
// (ObjectMeta.Annotations, Container.Ports[].ContainerPort, ...).  Where
// Istio's parameter is map[string]string, ours is map[string]interface{}:
// that is the type our data has, so Go's own type checks of arguments give
// the messages the C engine must give.  Written from the behaviour of
// istio/istio pkg/kube/inject/template.go; no code is copied from it.
//
// Build offline with Debian's packages:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o tmploracle tmploracle.go
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig"
	yaml2 "gopkg.in/yaml.v2"
	yaml3 "gopkg.in/yaml.v3"
)

// protoEnum is a string that has a String method, as a protobuf enum does.
type protoEnum string

func (e protoEnum) String() string { return string(e) }

// ---- data ------------------------------------------------------------------

var (
	canonicalInt = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)
	jsonNumber   = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)
)

func number(text string) (interface{}, error) {
	if canonicalInt.MatchString(text) {
		if i, err := strconv.ParseInt(text, 10, 64); err == nil {
			return int(i), nil
		}
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		return nil, err
	}
	return f, nil
}

func fromJSONValue(v interface{}) (interface{}, error) {
	switch v := v.(type) {
	case json.Number:
		return number(string(v))
	case map[string]interface{}:
		for k, e := range v {
			c, err := fromJSONValue(e)
			if err != nil {
				return nil, err
			}
			v[k] = c
		}
		return v, nil
	case []interface{}:
		for i, e := range v {
			c, err := fromJSONValue(e)
			if err != nil {
				return nil, err
			}
			v[i] = c
		}
		return v[:len(v):len(v)], nil
	}
	return v, nil
}

func fromYAMLNode(n *yaml3.Node) (interface{}, error) {
	switch n.Kind {
	case yaml3.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return fromYAMLNode(n.Content[0])
	case yaml3.MappingNode:
		m := make(map[string]interface{}, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml3.ScalarNode {
				return nil, fmt.Errorf("line %d: a key is not a scalar", k.Line)
			}
			if _, dup := m[k.Value]; dup {
				return nil, fmt.Errorf("line %d: duplicate key %q", k.Line, k.Value)
			}
			v, err := fromYAMLNode(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml3.SequenceNode:
		s := make([]interface{}, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := fromYAMLNode(c)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml3.ScalarNode:
		if n.Style != 0 && n.Style != yaml3.TaggedStyle {
			return n.Value, nil // quoted, literal or folded
		}
		switch n.Value {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null", "~", "":
			return nil, nil
		}
		if jsonNumber.MatchString(n.Value) {
			return number(n.Value)
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: anchors and aliases are not data", n.Line)
}

func loadData(raw []byte) (interface{}, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v interface{}
	if err := dec.Decode(&v); err == nil {
		if _, err := dec.Token(); err == io.EOF {
			return fromJSONValue(v)
		}
	}
	var doc yaml3.Node
	if err := yaml3.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	return fromYAMLNode(&doc)
}

// markEnums applies the one typed-data convention (see the top comment).
func markEnums(data interface{}) {
	top, _ := data.(map[string]interface{})
	pc, _ := top["ProxyConfig"].(map[string]interface{})
	if s, ok := pc["InterceptionMode"].(string); ok {
		pc["InterceptionMode"] = protoEnum(s)
	}
}

// ---- Istio's injection functions, over maps --------------------------------

func isset(m map[string]interface{}, key string) bool {
	_, ok := m[key]
	return ok
}

func annotation(meta map[string]interface{}, name string, def interface{}) string {
	annotations, _ := meta["Annotations"].(map[string]interface{})
	if v, ok := annotations[name]; ok {
		return fmt.Sprint(v)
	}
	return fmt.Sprint(def)
}

func valueOrDefault(value interface{}, def interface{}) interface{} {
	if value == "" || value == nil {
		return def
	}
	return value
}

func toJSON(m map[string]interface{}) string {
	if m == nil {
		return "{}"
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func fromJSON(j string) interface{} {
	var v interface{}
	if err := json.Unmarshal([]byte(j), &v); err != nil {
		return "{}"
	}
	return v
}

func structToJSON(v interface{}) string {
	if v == nil {
		return "{}"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// protoToJSON: Istio marshals a proxy config message with protojson; for a
// map the closest is its JSON with the keys as they are.
func protoToJSON(v interface{}) string {
	return structToJSON(v)
}

// toYaml as sigs.k8s.io/yaml.Marshal: JSON first, then YAML (yaml.v2) of
// the JSON read back, so that keys are sorted and JSON names are used.
func toYaml(v interface{}) string {
	j, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var obj interface{}
	if err := yaml2.Unmarshal(j, &obj); err != nil {
		return ""
	}
	y, err := yaml2.Marshal(obj)
	if err != nil {
		return ""
	}
	return string(y)
}

// indent pads every line but the first as Istio does: with a format whose
// width is the number ("% Ns%s"), so a negative number left-justifies and
// one beyond fmt's limit (10^6) leaves the verb unparsed (%!(NOVERB)...).
func indent(spaces int, source string) string {
	lines := strings.Split(source, "\n")
	format := fmt.Sprintf("%% %ds%%s", spaces)
	for i := 1; i < len(lines); i++ {
		lines[i] = fmt.Sprintf(format, "", lines[i])
	}
	return strings.Join(lines, "\n")
}

func directory(p string) string {
	dir, _ := path.Split(p)
	return dir
}

func flippedContains(needle, haystack string) bool {
	return strings.Contains(haystack, needle)
}

func excludeInboundPort(port interface{}, excluded string) string {
	portStr := strings.TrimSpace(fmt.Sprint(port))
	if portStr == "" || portStr == "0" {
		return excluded
	}
	var out []string
	for _, p := range strings.Split(excluded, ",") {
		if p == portStr {
			return excluded
		}
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(append(out, portStr), ",")
}

// containerPorts joins the TCP container ports (UDP and SCTP left out) of
// the containers that @keep accepts.
func containerPorts(containers []interface{}, keep func(map[string]interface{}) bool) string {
	parts := []string{}
	for _, c := range containers {
		cm, _ := c.(map[string]interface{})
		if !keep(cm) {
			continue
		}
		ports, _ := cm["Ports"].([]interface{})
		for _, p := range ports {
			pm, _ := p.(map[string]interface{})
			if proto := pm["Protocol"]; proto == "UDP" || proto == "SCTP" {
				continue
			}
			n, _ := pm["ContainerPort"].(int)
			parts = append(parts, strconv.Itoa(int(int32(n))))
		}
	}
	return strings.Join(parts, ",")
}

func includeInboundPorts(containers []interface{}) string {
	return containerPorts(containers, func(map[string]interface{}) bool { return true })
}

func applicationPorts(containers []interface{}) string {
	return containerPorts(containers, func(c map[string]interface{}) bool {
		return c["Name"] != "istio-proxy"
	})
}

func kubevirtInterfaces(s string) string { return s }

func appendMultusNetwork(existing, network string) string {
	if existing == "" {
		return network
	}
	if i := strings.LastIndex(existing, "]"); i != -1 {
		var nets []map[string]interface{}
		if err := json.Unmarshal([]byte(existing), &nets); err != nil {
			return existing
		}
		for _, n := range nets {
			if n["name"] == network {
				return existing
			}
		}
		return existing[:i] + fmt.Sprintf(`, {"name": "%s"}`, network) + existing[i:]
	}
	for _, n := range strings.Split(existing, ",") {
		if strings.TrimSpace(n) == network {
			return existing
		}
	}
	return existing + ", " + network
}

// formatDuration: Istio's argument is a protobuf Duration; ours is its map
// form {seconds, nanos} (either may be missing), or nil.
func formatDuration(d map[string]interface{}) string {
	s, _ := d["seconds"].(int)
	ns, _ := d["nanos"].(int)
	return (time.Duration(s)*time.Second + time.Duration(ns)).String()
}

// The newer map helpers of Istio's function map (used by the kube-gateway
// and waypoint templates); Istio's take and give map[string]string.

func omit(dict map[string]interface{}, keys ...string) map[string]interface{} {
	res := map[string]interface{}{}
	for k, v := range dict {
		res[k] = v
	}
	for _, k := range keys {
		delete(res, k)
	}
	return res
}

func strdict(kv ...string) map[string]interface{} {
	res := map[string]interface{}{}
	for i := 0; i < len(kv); i += 2 {
		if i+1 < len(kv) {
			res[kv[i]] = kv[i+1]
		} else {
			res[kv[i]] = ""
		}
	}
	return res
}

func mergeMaps(maps ...map[string]interface{}) map[string]interface{} {
	if len(maps) == 0 {
		return nil
	}
	res := map[string]interface{}{}
	for _, m := range maps {
		for k, v := range m {
			res[k] = v
		}
	}
	return res
}

func toJSONMap(maps ...map[string]interface{}) string {
	b, err := json.Marshal(mergeMaps(maps...))
	if err != nil {
		return ""
	}
	return string(b)
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func funcMap() template.FuncMap {
	fm := sprig.TxtFuncMap()
	for name, f := range map[string]interface{}{
		"formatDuration":      formatDuration,
		"isset":               isset,
		"excludeInboundPort":  excludeInboundPort,
		"includeInboundPorts": includeInboundPorts,
		"kubevirtInterfaces":  kubevirtInterfaces,
		"applicationPorts":    applicationPorts,
		"annotation":          annotation,
		"valueOrDefault":      valueOrDefault,
		"toJSON":              toJSON,
		"toJson":              toJSON,
		"fromJSON":            fromJSON,
		"structToJSON":        structToJSON,
		"protoToJSON":         protoToJSON,
		"toYaml":              toYaml,
		"indent":              indent,
		"directory":           directory,
		"contains":            flippedContains,
		"toLower":             strings.ToLower,
		"appendMultusNetwork": appendMultusNetwork,
		"env":                 env,
		"omit":                omit,
		"strdict":             strdict,
		"mergeMaps":           mergeMaps,
		"toJsonMap":           toJSONMap,
	} {
		fm[name] = f
	}
	return fm
}

// ---- main -----------------------------------------------------------------

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) != 2 {
		fmt.Fprintln(stderr, "usage: tmploracle TEMPLATE_FILE DATA_FILE")
		return 2
	}
	text, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Fprintf(stderr, "tmploracle: %v\n", err)
		return 2
	}
	raw, err := os.ReadFile(args[1])
	if err != nil {
		fmt.Fprintf(stderr, "tmploracle: %v\n", err)
		return 2
	}
	data, err := loadData(raw)
	if err != nil {
		fmt.Fprintf(stderr, "tmploracle: %s: %v\n", args[1], err)
		return 2
	}
	markEnums(data)
	t, err := template.New("t").Funcs(funcMap()).Parse(string(text))
	if err != nil {
		fmt.Fprintln(stderr, err.Error())
		return 1
	}
	var out bytes.Buffer
	if err := t.Execute(&out, data); err != nil {
		fmt.Fprintln(stderr, err.Error())
		return 1
	}
	if _, err := stdout.Write(out.Bytes()); err != nil {
		return 2
	}
	return 0
}

func batch(dir string) int {
	cases, err := os.ReadDir(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "tmploracle: %v\n", err)
		return 2
	}
	for _, c := range cases {
		d := path.Join(dir, c.Name())
		if _, err := os.Stat(path.Join(d, "t")); err != nil {
			continue
		}
		var out, errs bytes.Buffer
		rc := run([]string{path.Join(d, "t"), path.Join(d, "data.json")}, &out, &errs)
		for name, b := range map[string][]byte{
			"go.out": out.Bytes(), "go.err": errs.Bytes(),
			"go.rc": []byte(strconv.Itoa(rc) + "\n"),
		} {
			if err := os.WriteFile(path.Join(d, name), b, 0o644); err != nil {
				fmt.Fprintf(os.Stderr, "tmploracle: %v\n", err)
				return 2
			}
		}
	}
	return 0
}

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-batch" {
		os.Exit(batch(os.Args[2]))
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
