#!/usr/bin/env python3
"""tmpldiff.py - differential tests of gwc's Go text/template engine.

    tmpldiff.py generate OUTDIR [--count N] [--seed S] [--shared DIR]
    tmpldiff.py compare OUTDIR --render C_DRIVER [--oracle GO] [--allow FILE]
                [--show N] [--keep DIR]

generate writes OUTDIR/<nnnnn>-<category>/{t,data.json}: random but
well-typed-ish templates and data, N of them (default 3000) from seed S
(default 4), in categories that each exercise one part of Go's
text/template (plus sprig and Istio's functions), some of them errors on
purpose; and, when DIR/upstream/istio/injection-templates exists, every
gateway injection template there with varied pods (category gateway).

compare expects the oracle's answers beside each case (go.out, go.err,
go.rc, written by `tmploracle -batch OUTDIR`), runs the C driver
(`C_DRIVER t data.json`) on each case and prints one line per category:
"ok tmpl-oracle/<category> (N cases agree)" or "FAIL tmpl-oracle/<category>:
..." followed by the first differing cases (--show in all, --per-category
in each), each minimised (parts of
the template and keys of the data removed while the difference stays; this
needs --oracle) with template, data and both outputs.  Both must succeed
with identical bytes on stdout, or both fail with the same error text; an
error text that differs is a failure unless a line of the allowlist (--allow)
turns Go's text into ours: "<regex>\\t<replacement>\\t# reason" (tabs
between; Python's re.sub of the regex by the replacement in Go's text must
give exactly our text).
--keep copies each minimised disagreement into DIR as a regression case.
"""
import argparse
import concurrent.futures
import difflib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

# ---------------------------------------------------------------------------
# data

# (gwc's loader refuses controls, DEL, C1, U+2028/9 and U+FEFF even when
# escaped, so the data holds none; templates may)
STRS = ["hello", "", "a b", "<tag>&'\"", "\u00fcn\u00efc\u00f6de", "line1\nline2",
        "  pad  ", "x,y,z", "istio-proxy", "50%", "tab\there", "http://a/b?c=d&e=f g",
        "{{x}}", "-1", "42", "true", "CamelCase", "snake_case",
        "UPPER", "docker.io/istio/proxyv2", "/", "a/b/c", "\\back", "\u00e9\u00e8",
        "emoji\U0001F600", "sidecar.istio.io/inject"]
KEYS = ["a", "b", "zeta", "Alpha", "k1", "k10", "k2", "app", "version", "x-y", "_u",
        "sidecar.istio.io/proxyImage", "sidecar.istio.io/logLevel", "", "\u00e9"]
INTS = [0, 1, 2, 3, 7, -1, -5, 42, 100, 15020, 2147483648, -9007199254740993,
        9223372036854775807]
FLOATS = [0.0, 1.5, -2.25, 3.0, 1e21, 1e-7, 0.1, 100.0, 123456789.0, 2.5e-5,
          -0.5, 1e20, 6.02e23]


def scalar(r):
    c = r.random()
    if c < 0.35:
        return r.choice(STRS)
    if c < 0.6:
        return r.choice(INTS)
    if c < 0.75:
        return r.choice(FLOATS)
    if c < 0.9:
        return r.random() < 0.5
    return None


def rand_map(r, n=None, val=scalar):
    n = r.randint(0, 4) if n is None else n
    return {r.choice(KEYS): val(r) for _ in range(n)}


def gen_data(r):
    d = {
        "s": r.choice(STRS), "t": r.choice(STRS), "e": "",
        "i": r.choice(INTS), "j": r.choice([0, 1, 2, 3, -2, 10]),
        "f": r.choice(FLOATS), "b": r.random() < 0.5, "n": None,
        "list": [r.choice(INTS[:10]) for _ in range(r.randint(0, 5))],
        "strs": [r.choice(STRS) for _ in range(r.randint(0, 4))],
        "mixed": [scalar(r) for _ in range(r.randint(0, 4))],
        "el": [], "em": {},
        "m": dict(rand_map(r), **({"a": r.choice(STRS)} if r.random() < 0.7 else {})),
        "nested": {"a": {"b": {"c": r.choice(STRS)}, "l": [1, {"x": 2}]}},
        "pc": {"concurrency": r.choice([0, 2]), "discoveryAddress": "istiod.istio-system.svc:15012",
               "proxyMetadata": {"A": "1", "B": r.choice(["x", "2"])}},
        "items": [{"Name": r.choice(["app", "istio-proxy", "side", ""]),
                   "Port": r.choice([80, 443, 15090, 0]),
                   "On": r.random() < 0.5,
                   "Tags": [r.choice(STRS) for _ in range(r.randint(0, 2))]}
                  for _ in range(r.randint(0, 3))],
        "ObjectMeta": {"Name": r.choice(["web", "gw", ""]),
                       "Namespace": r.choice(["default", "istio-system", ""]),
                       "Labels": rand_map(r, val=lambda r: r.choice(STRS)),
                       "Annotations": rand_map(r, val=lambda r: r.choice(STRS))},
    }
    # sometimes a key is missing or of another kind: Go's rules for both
    for _ in range(r.choice([0, 0, 0, 1, 2])):
        k = r.choice(sorted(d))
        if r.random() < 0.5:
            del d[k]
        else:
            v = scalar(r)
            # (an integer where a list was would be ranged over by Go 1.22)
            d[k] = str(v) if isinstance(v, int) and not isinstance(v, bool) else v
    return d


# ---------------------------------------------------------------------------
# templates: each generator returns a list of parts (strings) whose
# concatenation is the template; the minimiser drops parts.

class Gen:
    def __init__(self, r):
        self.r = r
        self.vars = ["$"]

    def pick(self, *xs):
        return self.r.choice(xs)

    def chance(self, p):
        return self.r.random() < p

    def text(self):
        return self.pick("", " ", "\n", "x", " y ", "\n  ", "<a>", "\t\n", "--")

    def open(self):
        return self.pick("{{", "{{", "{{ ", "{{- ", "{{-\t", "{{-\n")

    def close(self):
        return self.pick("}}", "}}", " }}", " -}}", "\t-}}", "\n-}}")

    def act(self, body):
        return self.open() + body + self.close()

    # operands by type ------------------------------------------------------
    def string(self, d=0):
        opts = ['.s', '.t', '.e', '"lit"', '"a\\tb\\n\\"q\\" \\u00e9 \\x41"', '`raw\\n`',
                '.nested.a.b.c', '(index .m "a")', '(print .i)', '.ObjectMeta.Name']
        if d < 2:
            opts += ['(printf "%s-%d" .s .i)', '(lower %s)' % self.string(d + 1),
                     '(upper %s)' % self.string(d + 1), '(quote %s)' % self.any(d + 1),
                     '(toLower %s)' % self.string(d + 1), '(trim %s)' % self.string(d + 1)]
        opts += [v for v in self.vars if v != "$"]
        return self.r.choice(opts)

    def int_(self, d=0):
        opts = ['.i', '.j', '3', '0', '-2', '0x1F', '1_000', '0o17', '0b101', "'a'",
                '(len .list)', '(len .s)', '(len .m)', '(index .list 0)']
        if d < 2:
            opts += ['(add %s 1)' % self.int_(d + 1), '(add .i %s)' % self.int_(d + 1),
                     '(add .j .j)', '(len %s)' % self.string(d + 1), '(int %s)' % self.num(d + 1)]
        return self.r.choice(opts)

    def num(self, d=0):
        return self.pick('.f', '1.5', '1e3', '-0.25', '0x1p-2', '.i', '3', '1e21', self.int_(d))

    def bool_(self, d=0):
        opts = ['true', 'false', '.b', '(not .b)', '(eq .i 3)', '(eq .s "hello")',
                '(lt .i .j)', '(ne .s .t)', '.ObjectMeta.Labels.app']
        if d < 2:
            opts += ['(and %s %s)' % (self.any(d + 1), self.any(d + 1)),
                     '(or %s %s)' % (self.any(d + 1), self.any(d + 1)),
                     '(empty %s)' % self.any(d + 1),
                     '(hasKey .m %s)' % self.string(d + 1),
                     '(contains %s %s)' % (self.string(d + 1), self.string(d + 1))]
        return self.r.choice(opts)

    def list_(self, d=0):
        return self.pick('.list', '.strs', '.mixed', '.el', '(list 1 "a" .b)', '(list)',
                         '.items', '(splitList "," "x,y,,z")', '(append .list 9)',
                         '(list 0 1 2)', '.nested.a.l', '(slice .mixed 1)', '(append .strs "z")')

    def map_(self, d=0):
        return self.pick('.m', '.em', '.ObjectMeta.Labels', '.ObjectMeta.Annotations',
                         '(dict "a" 1 "b" .s)', '.nested', '.nested.a', '(dict)', '.')

    def any(self, d=0):
        c = self.r.random()
        if c < 0.3:
            return self.string(d)
        if c < 0.5:
            return self.int_(d)
        if c < 0.6:
            return self.num(d)
        if c < 0.75:
            return self.bool_(d)
        if c < 0.85:
            return self.list_(d)
        if c < 0.97:
            return self.map_(d)
        return self.pick('.n', 'nil', '.missing', '.m.nokey', '$', '.nested.x.y')

    # functions that take anything, and functions that take a string
    ANY_FNS = ['print', 'printf "%v"', 'quote', 'default "dflt"', 'toString', 'html', 'js',
               'urlquery', 'println', 'structToJSON', 'toYaml', 'not', 'empty', 'squote',
               'coalesce .n', 'cat "c"', 'ternary "y" "n"', 'toJson', 'len', 'slice', 'join ","',
               'eq "x"']
    STR_FNS = ['upper', 'lower', 'printf "[%s]"', 'nindent 2', 'indent 2', 'trimPrefix "a"',
               'replace "a" "b"', 'trim', 'toLower', 'b64enc', 'len', 'quote', 'hasSuffix "e"',
               'contains "a"', 'trunc 3', 'html', 'splitList "," | join "+"']

    def pipeline(self):
        if self.chance(0.5):
            p, fns = self.string(), self.STR_FNS
        else:
            p, fns = self.any(), self.ANY_FNS[:-4 if self.chance(0.8) else None]
        for _ in range(self.r.randint(0, 2)):
            f = self.r.choice(fns)
            p += ' | ' + f
            if f not in self.STR_FNS[:12]:
                fns = self.ANY_FNS[:-4]
        return p

    def body(self, n=None):
        return "".join(self.text() + self.act(self.pipeline())
                       for _ in range(self.r.randint(1, 2) if n is None else n))


def literals(g):
    lits = ['"str"', '"esc\\t\\n\\\\\\"\\u263a\\U0001F600\\x7f\\101"', '`raw {{ not }} \\n`',
            "'x'", "'\\n'", "'\\u00e9'", "'\\''", '42', '-7', '+3', '0x2A', '0X2a', '0o52',
            '052', '0b101010', '1_000_000', '0x_1F', '1.5', '.5', '1.', '1e3', '1E-2',
            '0x1p4', '1i', '2.5i', 'true', 'false', 'nil', '"', '1e', '0x', '08',
            "'ab'", "''", '1__0', '0b2', '"\\q"', '-0', '0.0', '1e400', '9223372036854775808',
            '-9223372036854775809', '18446744073709551615', '0x8000000000000000', "'\\x80'"]
    out = []
    for _ in range(g.r.randint(1, 4)):
        lit = g.r.choice(lits)
        out += [g.text(), g.act(g.pick(lit, 'print ' + lit, 'printf "%T %v" ' + lit + ' ' + lit,
                                      lit + ' | printf "%v"'))]
    return out


def actions(g):
    return [g.text(), g.act(g.pipeline()), g.text(), g.act(g.pipeline())]


def trims(g):
    out = []
    for _ in range(g.r.randint(2, 5)):
        out.append(g.pick("", " ", "\n\n", " \t\n x \n ", "y"))
        if g.chance(0.8):
            out.append(g.pick("{{- .s -}}", "{{-  .i}}", "{{.b -}}", "{{- /* c */ -}}",
                              "{{- 3 -}}", "{{ -3 }}", "{{-\t.s\t-}}", "{{-\n.i\n-}}",
                              "{{- if .b -}} T {{- else -}} F {{- end -}}",
                              "{{- range .list }} {{ . }} {{- end }}", "{{ .s -}}", "{{-\r\n.s}}"))
            continue
        out.append(g.pick("{{- .s -}}", "{{-  .i}}", "{{.b -}}", "{{- /* c */ -}}",
                          "{{-/* no space */-}}", "{{ /* c */ -}}", "{{-.i}}", "{{- 3 -}}",
                          "{{ -3 }}", "{{-3}}", "{{ - 3 }}", "{{ .s- }}", "{{ .s -}}",
                          "{{- if .b -}} T {{- else -}} F {{- end -}}"))
    return out


def comments(g):
    return [g.text(), g.pick("{{/* a comment */}}", "{{- /* trimmed */ -}}",
                             "{{/* multi\nline */}}", "{{/* unclosed }}", "{{ /* x */ }}",
                             "{{/*no-space*/}}", "{{ .s /* after */ }}", "{{/* a */ .s}}",
                             "{{- /* a */}}", "{{/* */ -}}"), g.text(), g.act(g.string())]


def variables(g):
    out = [g.act('$x := %s' % g.any()), g.text()]
    g.vars.append('$x')
    out += [g.act(g.pick('$x', '$x = %s' % g.any(), '$y := $x', 'print $x $', '$.s', '$.nested.a.b',
                         '$x.a', '$undefined', '$x := 1', '$ := 2', '$x.Field'))]
    out += [g.text(), g.act('if %s' % g.bool_()), g.act('$x = "in-if"'), g.act('$x'),
            g.act('end'), g.act('$x')]
    return out


def conditionals(g):
    out = [g.text(), g.act('if %s' % g.any()), g.body()]
    for _ in range(g.r.randint(0, 2)):
        out += [g.act('else if %s' % g.any()), g.body()]
    if g.chance(0.6):
        out += [g.act('else'), g.body()]
    out += [g.act('end'), g.text()]
    return out


def ranges(g):
    # (not over an integer: Go 1.22 ranges over one, Debian's 1.19 does not)
    over = g.pick(g.list_(), g.map_(), '.s', '.n', '.missing', '(list .j)',
                  '.ObjectMeta.Annotations', '.f') if g.chance(0.15) else g.pick(g.list_(), g.map_())
    head = g.pick('range %s', 'range $v := %s', 'range $i, $v := %s', 'range $i, $v := %s',
                  'range $i, $v = %s' if g.chance(0.1) else 'range %s',
                  'range $a, $b, $c := %s' if g.chance(0.1) else 'range %s') % over
    saved = list(g.vars)
    if '$v' in head:
        g.vars.append('$v')
    out = [g.text(), g.act(head), g.text(),
           g.act(g.pick('.', '$v', '$i', 'printf "%v=%v;" $i $v', '$', 'print . $.s', 'len .'))]
    if g.chance(0.3):
        out += [g.act('if %s' % g.bool_()), g.act(g.pick('break', 'continue')), g.act('end')]
    if g.chance(0.1):
        out += [g.act(g.pick('break', 'continue'))]
    out += [g.text()]
    if g.chance(0.3):
        out += [g.act('else'), g.body(1)]
    out += [g.act('end'), g.text()]
    g.vars = saved
    return out


def withs(g):
    out = [g.text(), g.act(g.pick('with %s', 'with $w := %s') % g.any()),
           g.act(g.pick('.', '$.s', 'len .', '.a', 'print .'))]
    if g.chance(0.4):
        out += [g.act('else'), g.body(1)]
    out += [g.act('end')]
    return out


def defines(g):
    name = g.pick('"sub"', '"a b"', '"x"', '`raw`')
    out = [g.act('define %s' % name), g.body(), g.act('end')]
    out += [g.text(), g.act(g.pick('template %s' % name, 'template %s .' % name,
                                  'template %s .nested' % name, 'template "nope"',
                                  'template %s %s' % (name, g.any()),
                                  'block "blk" .m', 'template .s'))]
    if 'block' in out[-1]:
        out += [g.body(1), g.act('end')]
    if g.chance(0.2):
        out += [g.act('define "rec"'), g.act('template "rec" .'), g.act('end'),
                g.act('template "rec"')]
    if g.chance(0.2):
        out += [g.act('define %s' % name), 'redefined', g.act('end')]
    return out


def comparisons(g):
    ops = ['eq', 'ne', 'lt', 'le', 'gt', 'ge']
    out = []
    for _ in range(g.r.randint(1, 3)):
        op = g.r.choice(ops)
        nargs = 2 if op != 'eq' or g.chance(0.6) else g.r.randint(1, 4)
        kind = g.pick(g.any, g.int_, g.int_, g.string, g.string, g.num, g.bool_)
        args = [(kind if g.chance(0.9) else g.any)() for _ in range(nargs)]
        out += [g.text(), g.act('%s %s' % (op, ' '.join(args)))]
    return out


def logic(g):
    out = []
    for _ in range(g.r.randint(1, 3)):
        f = g.pick('and', 'or', 'not')
        n = 1 if f == 'not' and g.chance(0.9) else g.r.randint(0 if f != 'not' else 0, 3)
        args = [g.any() if g.chance(0.9) else g.pick('(fail "short-circuit")', '.nested.x.y')
                for _ in range(n)]
        out += [g.text(), g.act('%s %s' % (f, ' '.join(args)))]
    return out


def containers(g):
    out = []
    for _ in range(g.r.randint(1, 3)):
        out += [g.text(), g.act(g.pick(
            'len %s' % g.any(), 'index %s' % g.any(),
            'index %s %s' % (g.pick(g.list_(), g.map_(), g.string()), g.any()),
            'index .nested "a" "b" "c"', 'index .list %s %s' % (g.int_(), g.int_()),
            'index .m "nokey"', 'index .n 1', 'index .s 1', 'index .list -1',
            'index .list 99', 'index .list 1.5', 'index . "ObjectMeta" "Labels"',
            'slice %s' % g.any(), 'slice %s %s' % (g.pick(g.list_(), g.string()), g.int_()),
            'slice %s %s %s' % (g.pick(g.list_(), g.string()), g.int_(), g.int_()),
            'hasKey %s %s' % (g.map_(), g.string()), 'get %s %s' % (g.map_(), g.string()),
            'set (dict) %s %s | toJson' % (g.string(), g.any()), 'keys (dict "k" .s)',
            'append %s %s' % (g.list_(), g.any()), 'len .m.nokey'))]
    return out


def printing(g):
    verbs = ['%s', '%d', '%v', '%+v', '%#v', '%q', '%t', '%x', '%X', '%f', '%g', '%e',
             '%5.2f', '%-4s|', '%%', '%o', '%c', '%U', '%8.3s', '%+d', '%05d', '%T', '%',
             '%!', '%[2]v %[1]v', '%*d', '%.0f', '%6.2v', '% d', '%#x', '%b', '%10v|', '%.3s']
    out = []
    for _ in range(g.r.randint(1, 3)):
        f = ''.join(g.r.choice(verbs) + g.pick('', ' ', ':') for _ in range(g.r.randint(1, 3)))
        args = [g.any() for _ in range(g.r.randint(0, 3))]
        call = g.pick('printf %s %s', 'printf %s %s', 'print %s %s', 'println %s %s')
        if call.startswith('printf'):
            call = call % (json.dumps(f), ' '.join(args))
        else:
            call = call % (g.any(), ' '.join(args))
        out += [g.text(), g.act(call)]
    return out


def escapers(g):
    out = []
    for _ in range(g.r.randint(1, 3)):
        f = g.pick('html', 'js', 'urlquery')
        args = [g.pick(g.any(), '"<a href=\'x\'>&amp;</a>"', '"\\u2028\\u0000\\x7f=\\\\"',
                       '"a b+c/d?e=f&g"', '"\U0001F600 \u00e9"')
                for _ in range(g.r.randint(0, 2))]
        if g.chance(0.3):
            out += [g.text(), g.act('%s | %s' % (g.any(), f))]
        else:
            out += [g.text(), g.act(' '.join([f] + args))]
    return out


def istio_funcs(g):
    out = []
    for _ in range(g.r.randint(1, 3)):
        out += [g.text(), g.act(g.pick(
            'annotation .ObjectMeta %s %s' % (g.pick('"sidecar.istio.io/proxyImage"',
                                                     '"sidecar.istio.io/logLevel"', '"nope"'),
                                              g.any()),
            'isset .ObjectMeta.Annotations %s' % g.pick('"sidecar.istio.io/proxyImage"', '"a"', g.string()),
            'isset %s "a"' % g.any(),
            'valueOrDefault %s %s' % (g.any(), g.any()),
            # (protoToJSON of a map with unsorted keys or <>& in it is open
            # finding F10, a convention question; a proxy config's keys are
            # in order)
            'structToJSON %s' % g.any(), 'protoToJSON %s' % g.pick('.pc', '.pc.proxyMetadata', '.n', '.i', '.missing'),
            'toJson %s' % g.any(), 'toJSON .ObjectMeta.Labels', 'fromJSON %s' % g.string(),
            'fromJSON "{\\"a\\": [1, 2.5]}" | structToJSON',
            'toYaml %s' % g.any(), 'toYaml %s | indent %s' % (g.any(), g.int_()),
            'toYaml %s | nindent 4' % g.map_(), 'indent %s %s' % (g.int_(), g.string()),
            'nindent %s %s' % (g.int_(), g.string()), 'contains %s %s' % (g.string(), g.string()),
            'toLower %s' % g.string(), 'directory %s' % g.string(),
            'excludeInboundPort %s %s' % (g.any(), g.pick('"15020,80"', '""', '" 1, 2 ,"')),
            'includeInboundPorts .items', 'applicationPorts .items', 'kubevirtInterfaces .s',
            'appendMultusNetwork %s "istio-cni"' % g.pick('""', '"a, b"', '"[{\\"name\\": \\"x\\"}]"',
                                                         '"[bad"', '"istio-cni"'),
            'formatDuration (dict "seconds" 90 "nanos" 5)'))]
    return out


def sprig_funcs(g):
    """The sprig functions that injection templates use."""
    out = []
    for _ in range(g.r.randint(1, 3)):
        out += [g.text(), g.act(g.pick(
            'list %s %s' % (g.any(), g.any()), 'append %s %s' % (g.list_(), g.any()),
            'default %s %s' % (g.any(), g.any()), 'quote %s %s' % (g.any(), g.any()),
            'join %s %s' % (g.string(), g.any()), 'empty %s' % g.any(),
            'coalesce %s %s %s' % (g.any(), g.any(), g.any()),
            'trimPrefix %s %s' % (g.string(), g.string()),
            'trimSuffix %s %s' % (g.string(), g.string()),
            'replace %s %s %s' % (g.string(), g.string(), g.string()),
            'hasPrefix %s %s' % (g.string(), g.string()), 'hasSuffix %s %s' % (g.string(), g.string()),
            'ternary "y" "n" %s' % g.any(), 'toString %s' % g.any(), 'int %s' % g.any(),
            'int64 %s' % g.any(), 'add %s %s' % (g.any(), g.any()), 'add .i .j 3',
            'b64enc %s' % g.string(), 'trunc %s %s' % (g.int_(), g.string()),
            'squote %s' % g.any(), 'cat %s %s' % (g.any(), g.any()),
            'upper %s' % g.string(), 'lower %s' % g.string(), 'trim %s' % g.string(),
            'splitList %s %s' % (g.pick('","', '""', '"a"'), g.string()),
            'dict "a" %s "b" %s | toJson' % (g.any(), g.any()), 'dict %s %s' % (g.any(), g.any()),
            'get %s %s' % (g.map_(), g.string()), 'hasKey %s %s' % (g.map_(), g.string()),
            'set %s "k" %s | toJson' % (g.map_(), g.any()),
            'slice %s %s' % (g.list_(), g.int_()), 'nindent %s %s' % (g.int_(), g.string())))]
    return out


def sprig_extra(g):
    """The rest of sprig's deterministic functions (the engine may leave
    them out: then it must say so, with Go's parse still succeeding)."""
    out = []
    for _ in range(g.r.randint(1, 3)):
        out += [g.text(), g.act(g.pick(
            'first %s' % g.list_(), 'last %s' % g.list_(), 'rest %s' % g.list_(),
            'has %s %s' % (g.any(), g.list_()), 'keys %s | sortAlpha' % g.map_(),
            'pluck "a" .m .em', 'dig "a" "b" "c" "dflt" .nested', 'without .list 1',
            'reverse %s' % g.list_(), 'concat .list .strs', 'typeOf %s' % g.any(),
            'kindOf %s' % g.any(), 'until 3', 'compact .mixed', 'uniq .list',
            'float64 %s' % g.any(), 'atoi %s' % g.string(),
            'add %s %s' % (g.any(), g.any()), 'sub %s %s' % (g.int_(), g.int_()),
            'div %s %s' % (g.int_(), g.int_()), 'mod %s %s' % (g.int_(), g.int_()),
            'max %s %s' % (g.int_(), g.int_()), 'min .i .j 3', 'add1 %s' % g.any(),
            'b64enc %s' % g.string(), 'b64dec %s' % g.string(), 'sha256sum %s' % g.string(),
            'repeat 3 %s' % g.string(), 'substr 1 3 %s' % g.string(), 'trunc 3 %s' % g.string(),
            'abbrev 5 %s' % g.string(), 'title %s' % g.string(), 'squote %s' % g.any(),
            'cat %s %s' % (g.any(), g.any()), 'nospace %s' % g.string(),
            'regexMatch "^[a-z]+$" %s' % g.string(), 'regexReplaceAll "[aeiou]" %s "_"' % g.string(),
            'snakecase %s' % g.string(), 'kebabcase %s' % g.string(), 'camelcase %s' % g.string(),
            'dict "a" %s "b" %s | toJson' % (g.any(), g.any()), 'mustToJson %s' % g.any(),
            'toPrettyJson %s' % g.any(), 'toRawJson %s' % g.any(), 'seq 3',
            'semverCompare ">=1.2" %s' % g.pick('"1.3.0"', '"1.0"', '"bad"'),
            'sortAlpha %s' % g.list_(), 'splitn "," 2 %s | toJson' % g.string(),
            'wrap 5 %s' % g.string(), 'plural "one" "many" %s' % g.int_(),
            'deepEqual %s %s' % (g.any(), g.any()), 'merge (dict "a" 1) %s | toJson' % g.map_(),
            'pick %s "a" "b" | toJson' % g.map_(), 'omit %s "a" | toJson' % g.map_(),
            'typeIs "string" %s' % g.any(), 'floor %s' % g.num(), 'round %s 1' % g.num()))]
    return out


def pipelines(g):
    out = []
    for _ in range(g.r.randint(1, 3)):
        p = g.pipeline()
        if g.chance(0.3):
            p = '(%s) | %s' % (p, g.pick('print', 'len', 'printf "%v!"', 'quote'))
        if g.chance(0.2):
            p = '$p := %s | %s' % (g.any(), g.pick('print', 'quote', 'default 1'))
        out += [g.text(), g.act(p)]
    return out


def fields(g):
    out = []
    for _ in range(g.r.randint(1, 3)):
        out += [g.text(), g.act(g.pick(
            '.nested.a.b.c', '.nested.a.b.c.d', '.s.Len', '.m.a', '.m.a.b', '.missing.x',
            '.n.x', '.list.x', '.items', '(index .items 0).Name', '.ObjectMeta.Labels.app',
            '.nested.a.l', '$.nested.a', '.ObjectMeta', '.i.x', '.b.y', '.f.z', '.el.x',
            '.Method 1', '.nested.a 1', '(.nested).a', '.em.x', '$.n.x.y', '.nested.a.b.c | len'))]
    return out


def parse_errors(g):
    bad = ['{{', '{{ }}', '{{ .s', '{{ if .b }}', '{{ end }}', '{{ else }}', '{{ range }}x{{ end }}',
           '{{ if }}x{{ end }}', '{{ .s. }}', '{{ $x }}', '{{ nofunc 1 }}', '{{ "unterminated }}',
           '{{ `raw }}', '{{ (1 }}', '{{ 1) }}', '{{ define "a" }}', '{{ template }}',
           '{{ template 3 }}', '{{ with }}{{ end }}', '{{ break }}', '{{ continue }}',
           '{{ range .list }}{{ end }}{{ break }}', '{{ $x := }}', '{{ $x = 1 }}', '{{ 1 = 2 }}',
           '{{ .s | }}', '{{ | print }}', '{{ print | 3 }}', '{{ 3 | print }}', '{{ .i := 1 }}',
           "{{ 'ab' }}", '{{ 0x }}', '{{ /* x */ .s }}', '{{ /*x*/ }}', '{{ .s }}}',
           '{{ else if .b }}', '{{ if .b }}{{ else }}{{ else }}{{ end }}',
           '{{ if .b }}{{ else if }}{{ end }}', '{{ range $i, $v, $w := .list }}{{ end }}',
           '{{ block "b" }}{{ end }}', '{{ define "a" }}{{ end }}{{ define "a" }}x{{ end }}',
           '{{ $ }}', '{{ $.  }}', '{{ .  }}', '{{ . . }}', '{{ nil }}', '{{ print nil }}',
           '{{ .s 1 }}', '{{ 1 2 }}', '{{ "a" "b" }}', '{{ true 1 }}', '{{ ( ) }}',
           '{{ print (1 | printf "%d") }}', '{{ $x := 1 }}{{ $x.y := 2 }}', '{{ @ }}',
           '{{ .s\n}}', '{{ "a\nb" }}', '{{ `a\nb` }}', '{{ range $i := .list }}{{ break 1 }}{{ end }}',
           '{{ if .b }}\n\n{{ end', '{{- -}}', '{{-}}', '{{ - }}', '{{ printf }}', '{{ len }}',
           '{{ index }}', '{{ not }}', '{{ not 1 2 }}', '{{ and }}', '{{ eq }}', '{{ eq 1 }}',
           '{{ lt 1 }}', '{{ html }}', '{{ define "x" }}{{ define "y" }}{{ end }}{{ end }}',
           '{{ with $x := 1 }}{{ end }}{{ $x }}', '{{ end }}{{ if .b }}', '{{ range .list }}{{ else if .b }}{{ end }}']
    out = [g.text() + '\n' * g.r.randint(0, 2), g.r.choice(bad)]
    if g.chance(0.3):
        out = [g.act(g.string()), '\n'] + out
    return out


def exec_errors(g):
    bad = ['index .list 99', 'index .s 99', 'index .m 1', 'index 3 1', 'len 3', 'len .n',
           'lt 1 "a"', 'lt .s .i', 'eq .m .m', 'eq .list 1', 'lt true false', 'lt 1.5 2',
           'eq 1 1.0', 'ne "a" 1', 'eq .n .n', 'eq nil 1', 'lt .n 1', '.s.foo', '.i.foo',
           'template "nope"', 'printf "%d" (index .list 7)', 'slice .s 3 1', 'slice .list 0 99',
           'slice .n', 'slice 3', 'div 1 0', 'mod 1 0', 'fail "boom"', 'required "need" .missing',
           'call .s', 'call .n', 'print (index .n "a")', 'and (index .list 99) 1',
           'or 0 (index .list 99)', 'not (len 3)', 'html (index .s 99)', 'urlquery .missing.x.y',
           'toYaml (index .list 99)', 'annotation .s "a" "b"', 'annotation .n "a" "b"',
           'isset .s "a"', 'isset .n "a"', 'indent "2" .s', 'indent 2 3', 'nindent .s .s',
           'contains 1 .s', 'toLower .i', 'toJson .list', 'structToJSON', 'valueOrDefault 1',
           'join 1', 'quote', 'default', 'list | len | len', 'index .nested "a" "x" "y"',
           'range .list', 'template "a" 1', 'index .m', 'add "x" 1', 'atoi 3', 'int .m',
           'toString', 'first .s', 'first .n', 'last .m', 'append .s 1', 'append .n 1',
           'semverCompare "bad" "1.0"', 'regexMatch "[" .s', 'b64dec "!!"', 'dict "a"',
           'dict 1 2 | toJson', 'get .list "a"', 'hasKey .list "a"', 'keys .list']
    out = [g.text(), g.act(g.string()), g.text(), g.act(g.r.choice(bad)), g.text()]
    if g.chance(0.3):
        out = [g.act('range $i, $v := .list'), g.text()] + out + [g.act('end')]
    return out


def mixed(g):
    cats = [actions, variables, conditionals, ranges, withs, printing, escapers,
            istio_funcs, sprig_funcs, pipelines]
    out = []
    for _ in range(g.r.randint(2, 4)):
        out += g.r.choice(cats)(g)
    return out


CATEGORIES = {
    "literals": literals, "actions": actions, "trims": trims, "comments": comments,
    "variables": variables, "if": conditionals, "range": ranges, "with": withs,
    "define": defines, "compare": comparisons, "logic": logic, "containers": containers,
    "printf": printing, "escape": escapers, "istio-funcs": istio_funcs,
    "sprig-funcs": sprig_funcs, "sprig-extra": sprig_extra, "pipelines": pipelines,
    "fields": fields,
    "parse-errors": parse_errors, "exec-errors": exec_errors, "mixed": mixed,
}
WEIGHTS = {"mixed": 3, "istio-funcs": 2, "sprig-funcs": 2, "printf": 2, "parse-errors": 2,
           "exec-errors": 2}


# ---------------------------------------------------------------------------
# gateway templates with varied pods

def gateway_data(r, real_values=None):
    def pick(*xs):
        return r.choice(xs)
    annotations = {}
    for key, vals in [("sidecar.istio.io/proxyImage", ["gcr.io/x/proxy:1", "myproxy"]),
                      ("sidecar.istio.io/logLevel", ["debug"]),
                      ("sidecar.istio.io/componentLogLevel", ["misc:info"]),
                      ("sidecar.istio.io/agentLogLevel", ["default:warn"]),
                      ("sidecar.istio.io/bootstrapOverride", ["my-bootstrap"]),
                      ("kubectl.kubernetes.io/default-container", ["app"]),
                      ("kubectl.kubernetes.io/default-logs-container", ["app"]),
                      ("inject.istio.io/templates", ["gateway"])]:
        if r.random() < 0.3:
            annotations[key] = r.choice(vals)
    labels = {}
    for key, vals in [("app", ["istio-ingressgateway", "gw"]), ("istio", ["ingressgateway"]),
                      ("app.kubernetes.io/name", ["my-gw"]), ("version", ["v1"]),
                      ("service.istio.io/canonical-name", ["canon"]),
                      ("service.istio.io/canonical-revision", ["rev1"]),
                      ("app.kubernetes.io/version", ["1.2"])]:
        if r.random() < 0.4:
            labels[key] = r.choice(vals)
    containers = []
    for name in pick(["istio-proxy"], ["istio-proxy", "app"], ["app", "istio-proxy", "helper"], []):
        ports = [{"ContainerPort": p, "Protocol": pick("TCP", "UDP"), "Name": pick("http", "")}
                 for p in r.sample([8080, 8443, 15021, 53], r.randint(0, 2))]
        containers.append({"Name": name, "Image": "auto", "Ports": ports})
    name = pick("gw", "istio-ingressgateway", "")
    ns = pick("istio-system", "default", "")
    proxy = {
        "image": pick("proxyv2", "docker.io/istio/proxyv2:1.24.0"),
        "clusterDomain": pick("cluster.local", "corp.local"),
        "logLevel": pick("warning", "debug"), "componentLogLevel": "misc:error",
        "lifecycle": pick({}, {"preStop": {"exec": {"command": ["sleep", "5"]}}}),
        "readinessInitialDelaySeconds": pick(0, 1), "readinessPeriodSeconds": pick(15, 2),
        "readinessFailureThreshold": pick(4, 30), "statusPort": 15020,
        "includeIPRanges": "*", "excludeIPRanges": "", "excludeInboundPorts": "",
        "privileged": pick(False, True), "resources": pick({}, {"limits": {"cpu": "2", "memory": "1Gi"}}),
        "excludeOutboundPorts": "", "tracer": "none", "holdApplicationUntilProxyStarts": False,
    }
    values = {
        "revision": pick("", "canary"),
        "gateways": {"securityContext": pick(None, {}, {"runAsNonRoot": True, "sysctls": [{"name": "a", "value": "1"}]}),
                     "seccompProfile": pick({}, {"type": "RuntimeDefault"})},
        "global": {
            "proxy": proxy, "logging": {"level": pick("default:info", "all:debug")},
            "sts": {"servicePort": pick(0, 15463)}, "logAsJson": pick(False, True),
            "pilotCertProvider": pick("istiod", "kubernetes"), "caAddress": pick("", "ca.example:15012"),
            "istioNamespace": pick("istio-system", "istio"), "multiCluster": {"clusterName": pick("", "c1")},
            "network": pick("", "net1"), "meshID": pick("", "mesh1"), "trustDomain": pick("", "td.local"),
            "imagePullPolicy": pick("", "Always"), "caName": pick("", "GkeWorkloadCertificate"),
            "sds": {"token": {"aud": pick("istio-ca", "x")}}, "mountMtlsCerts": pick(False, True),
            "trustBundleName": pick("", "tb"), "imagePullSecrets": pick([], ["s1", "s2"]),
            "hub": "docker.io/istio", "tag": pick("1.24.0", 1.24), "proxy_init": {"image": "proxyv2"},
            "jwtPolicy": "third-party-jwt", "platform": "",
            "nativeNftables": pick(False, True),
        },
        "pilot": pick({}, {"env": {"ENABLE_CLUSTER_TRUST_BUNDLE_API": pick(True, False)}}),
        "sidecarInjectorWebhook": {"rewriteAppHTTPProbe": True},
    }
    if real_values is not None and r.random() < 0.5:
        # a release's own values, with some of the varied ones above on top
        merged = json.loads(json.dumps(real_values))
        for key in r.sample(sorted(values["global"]), 6):
            merged.setdefault("global", {})[key] = values["global"][key]
        values = merged
    return {
        "TypeMeta": {"Kind": pick("Deployment", "ReplicaSet", ""), "APIVersion": pick("apps/v1", "")},
        "DeploymentMeta": {"Name": name, "Namespace": ns, "Labels": labels},
        "ObjectMeta": {"Name": name, "Namespace": ns, "Labels": labels, "Annotations": annotations},
        "Spec": {"Containers": containers, "ServiceAccountName": pick("", "gw-sa"),
                 "SecurityContext": {}},
        "Values": values,
        "MeshConfig": {"TrustDomain": pick("", "cluster.local"), "DefaultConfig": {}},
        "ProxyConfig": {"DiscoveryAddress": "istiod.istio-system.svc:15012",
                        "InterceptionMode": pick("REDIRECT", "TPROXY"),
                        "ProxyMetadata": pick({}, {"A": "1", "B": "2"})},
        "Revision": pick("", "default", "canary"),
        "ProxyImage": pick("docker.io/istio/proxyv2:1.24.0", ""),
        "ProxyUID": pick(1337, 0, 1000), "ProxyGID": pick(1337, 0),
        "CompliancePolicy": pick("", "fips-140-2"),
        "InboundTrafficPolicyMode": "passthrough",
    }


def generate(args):
    r = random.Random(args.seed)
    os.makedirs(args.outdir, exist_ok=True)
    names = sorted(CATEGORIES)
    weights = [WEIGHTS.get(n, 1) for n in names]
    n = 0
    for n in range(args.count):
        cat = r.choices(names, weights)[0]
        g = Gen(r)
        parts = CATEGORIES[cat](g)
        write_case(os.path.join(args.outdir, "%05d-%s" % (n, cat)), parts, gen_data(r))
    istio = os.path.join(args.shared, "upstream/istio") if args.shared else ""
    if not istio or not os.path.isdir(istio):
        return
    # the real values of the conformance releases
    cdir = os.path.join(istio, "injection-conformance")
    releases = sorted(os.listdir(cdir)) if os.path.isdir(cdir) else []
    real = [json.load(open(os.path.join(cdir, rel, "default.values.gen.yaml"), encoding="utf-8"))
            for rel in releases]
    tdir = os.path.join(istio, "injection-templates")
    for f in sorted(os.listdir(tdir)) if os.path.isdir(tdir) else []:
        text = open(os.path.join(tdir, f), encoding="utf-8").read()
        for k in range(args.pods):
            n += 1
            write_case(os.path.join(args.outdir, "%05d-gateway" % n), [text],
                       gateway_data(r, r.choice(real) if real else None),
                       origin="%s pod %d" % (f, k))
    # every template of every injector config: the big sidecar one too
    try:
        import yaml
    except ImportError:
        return
    for rel, values in zip(releases, real):
        config = yaml.safe_load(open(os.path.join(cdir, rel, "default.template.gen.yaml"), encoding="utf-8"))
        for name, text in sorted((config.get("templates") or {}).items()):
            for k in range(max(1, args.pods // 4)):
                n += 1
                write_case(os.path.join(args.outdir, "%05d-injector-templates" % n), [text],
                           gateway_data(r, values), origin="%s template %s pod %d" % (rel, name, k))


def write_case(d, parts, data, origin=None):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "t"), "w", encoding="utf-8") as fp:
        fp.write("".join(parts))
    with open(os.path.join(d, "data.json"), "w", encoding="utf-8") as fp:
        json.dump(data, fp, ensure_ascii=False, indent=1)
        fp.write("\n")
    with open(os.path.join(d, "parts.json"), "w", encoding="utf-8") as fp:
        json.dump(parts, fp, ensure_ascii=False)
    if origin:
        with open(os.path.join(d, "origin"), "w") as fp:
            fp.write(origin + "\n")


# ---------------------------------------------------------------------------
# comparison

def run(binary, d, timeout=10):
    try:
        p = subprocess.run([binary, os.path.join(d, "t"), os.path.join(d, "data.json")],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return "timeout", b"", b""


def read_go(d):
    def rd(name):
        with open(os.path.join(d, name), "rb") as fp:
            return fp.read()
    return int(rd("go.rc")), rd("go.out"), rd("go.err")


def load_allow(path):
    rules = []
    if not path or not os.path.exists(path):
        return rules
    for line in open(path, encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 3 or not cols[2].startswith("# "):
            raise SystemExit("%s: want REGEX<tab>REPLACEMENT<tab># reason: %r" % (path, line))
        rules.append((re.compile(cols[0]), cols[1]))
    return rules


SANITIZER = re.compile(rb'^==\d+==ERROR: |Sanitizer|\.[ch]:\d+:\d+: runtime error: ', re.M)
UNSUPPORTED = re.compile(rb'executing "[^"]*" at <[^>]*>: "([^"]+)" is not a defined function\n$')


def verdict(go, c, allow):
    """'agree', 'allowed' (error texts differ as the allowlist permits),
    'unsupported NAME' (the engine says it leaves out function NAME, which
    Go has: it parses, and fails when called) or why not."""
    grc, gout, gerr = go
    crc, cout, cerr = c
    if SANITIZER.search(cerr):
        return "sanitizer report"
    m = UNSUPPORTED.search(cerr) if crc == 1 else None
    if m and not (grc == 1 and gerr == cerr):
        return "unsupported " + m.group(1).decode()
    if crc not in (0, 1):
        return "C driver exit status %s" % crc
    if grc not in (0, 1):
        return "oracle exit status %s" % grc
    if grc != crc:
        return "Go %s, C %s" % ("succeeds" if grc == 0 else "fails", "succeeds" if crc == 0 else "fails")
    if grc == 0:
        return "agree" if gout == cout else "outputs differ"
    if gerr == cerr:
        return "agree"
    g, cc = gerr.decode("utf-8", "replace").strip(), cerr.decode("utf-8", "replace").strip()
    for regex, replacement in allow:
        if regex.search(g) and regex.sub(replacement, g) == cc:
            return "allowed"
    return "error texts differ"


def minimise(d, oracle, render, allow, why):
    """Drops parts of the template and keys of the data while the same kind
    of disagreement stays; returns the folder of the smallest case."""
    parts = json.load(open(os.path.join(d, "parts.json"), encoding="utf-8"))
    data = json.load(open(os.path.join(d, "data.json"), encoding="utf-8"))
    work = tempfile.mkdtemp(prefix="min.")

    def same(ps, dt):
        write_case(work, ps, dt)
        v = verdict(run(oracle, work), run(render, work), allow)
        return v == why

    if not same(parts, data):
        shutil.rmtree(work)
        return d
    budget = 60
    changed = True
    while changed and budget > 0:
        changed = False
        for i in range(len(parts) - 1, -1, -1):
            if budget <= 0 or i >= len(parts):
                continue
            trial = parts[:i] + parts[i + 1:]
            budget -= 1
            if trial and same(trial, data):
                parts, changed = trial, True
        if isinstance(data, dict):
            for k in sorted(data):
                if budget <= 0:
                    break
                trial = dict(data)
                del trial[k]
                budget -= 1
                if same(parts, trial):
                    data, changed = trial, True
    write_case(work, parts, data)
    return work


def show(name, d, go, c, why, out):
    def txt(b):
        return b.decode("utf-8", "replace")
    out.append("  --- case %s, minimised: %s" % (name, why))
    out.append("  template: %s" % json.dumps(open(os.path.join(d, "t"), encoding="utf-8").read(), ensure_ascii=False)[:600])
    data = json.load(open(os.path.join(d, "data.json"), encoding="utf-8"))
    out.append("  data: %s" % json.dumps(data, ensure_ascii=False, sort_keys=True)[:600])
    if go[0] == 0 and c[0] == 0 and (len(go[1]) > 400 or len(c[1]) > 400):
        diff = difflib.unified_diff(txt(go[1]).splitlines(), txt(c[1]).splitlines(), "go", "c", lineterm="", n=1)
        out.extend("  | " + line for line in list(diff)[:14])
        return
    out.append("  go (exit %s): %s" % (go[0], json.dumps(txt(go[1] if go[0] == 0 else go[2]), ensure_ascii=False)[:800]))
    out.append("  c  (exit %s): %s" % (c[0], json.dumps(txt(c[1] if c[0] == 0 else c[2]), ensure_ascii=False)[:800]))


def compare(args):
    allow = load_allow(args.allow)
    cases = sorted(e for e in os.listdir(args.outdir) if os.path.isdir(os.path.join(args.outdir, e)))
    stats = {}
    bad = {}
    unsupported = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        runs = list(pool.map(lambda name: run(args.render, os.path.join(args.outdir, name)), cases))
    for name, c in zip(cases, runs):
        d = os.path.join(args.outdir, name)
        cat = name.split("-", 1)[1]
        go = read_go(d)
        v = verdict(go, c, allow)
        s = stats.setdefault(cat, {"agree": 0, "allowed": 0, "fail": 0, "err": 0})
        if v.startswith("unsupported "):
            fn = v.split(" ", 1)[1]
            unsupported[fn] = unsupported.get(fn, 0) + 1
            continue
        if go[0] == 1:
            s["err"] += 1
        if v in ("agree", "allowed"):
            s[v] += 1
        else:
            s["fail"] += 1
            bad.setdefault(cat, []).append((d, go, c, v))
    total = sum(s["agree"] + s["allowed"] + s["fail"] for s in stats.values())
    agree = sum(s["agree"] + s["allowed"] for s in stats.values())
    shown = 0
    for cat in sorted(stats):
        s = stats[cat]
        n = s["agree"] + s["allowed"] + s["fail"]
        note = " (%d with an allowed error-text difference)" % s["allowed"] if s["allowed"] else ""
        if not n:
            print("skip tmpl-oracle/%s: no case compared (each calls a function the engine "
                  "leaves out)" % cat)
            continue
        if not s["fail"]:
            print("ok tmpl-oracle/%s (%d cases agree, %d of them errors)%s" % (cat, n, s["err"], note))
            continue
        kinds = {}
        for _, _, _, v in bad[cat]:
            kinds[v] = kinds.get(v, 0) + 1
        print("FAIL tmpl-oracle/%s: %d of %d cases disagree (%s)%s" % (
            cat, s["fail"], n, ", ".join("%s: %d" % kv for kv in sorted(kinds.items())), note))
        lines = []
        for d, go, c, v in bad[cat][:min(args.per_category, max(0, args.show - shown))]:
            shown += 1
            m = minimise(d, args.oracle, args.render, allow, v) if args.oracle else d
            if os.path.exists(os.path.join(d, "origin")):
                lines.append("  (%s)" % open(os.path.join(d, "origin")).read().strip())
            mgo = run(args.oracle, m) if m != d else go
            mc = run(args.render, m) if m != d else c
            show(os.path.basename(d), m, mgo, mc, v, lines)
            if args.keep:
                keep_case(args.keep, m, mgo, "%s-%s" % (cat, os.path.basename(d).split("-")[0]))
            if m != d:
                shutil.rmtree(m)
        for line in lines:
            print(line)
    if unsupported:
        print("skip tmpl-oracle/unsupported-functions: %d cases call functions the engine "
              "leaves out (%s)" % (sum(unsupported.values()), ", ".join(
                  "%s %d" % kv for kv in sorted(unsupported.items(), key=lambda kv: (-kv[1], kv[0])))))
    print("tmpl-oracle: %d of %d cases agree (%.1f%%), %d not compared (unsupported functions)" % (
        agree, total, 100.0 * agree / max(total, 1), sum(unsupported.values())))
    return 0


def keep_case(dest, d, go, name):
    out = os.path.join(dest, name)
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(d, "t"), os.path.join(out, "template"))
    shutil.copy(os.path.join(d, "data.json"), os.path.join(out, "data.json"))
    with open(os.path.join(out, "expected-status"), "w") as fp:
        fp.write("%d\n" % go[0])
    with open(os.path.join(out, "expected"), "wb") as fp:
        fp.write(go[1] if go[0] == 0 else go[2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("outdir")
    g.add_argument("--count", type=int, default=3000)
    g.add_argument("--seed", type=int, default=4)
    g.add_argument("--shared", default="")
    g.add_argument("--pods", type=int, default=12, help="pods per gateway template")
    c = sub.add_parser("compare")
    c.add_argument("outdir")
    c.add_argument("--render", required=True)
    c.add_argument("--oracle", default="")
    c.add_argument("--allow", default="")
    c.add_argument("--show", type=int, default=5, help="differing cases shown in all")
    c.add_argument("--per-category", type=int, default=2, help="... and per category")
    c.add_argument("--keep", default="")
    args = ap.parse_args()
    return generate(args) if args.cmd == "generate" else compare(args)


if __name__ == "__main__":
    sys.exit(main() or 0)
