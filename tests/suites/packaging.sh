#!/usr/bin/env bash
# tests/suites/packaging.sh - what `make install` ships besides the binary:
#   - `make install` / `make uninstall` (PREFIX=/usr DESTDIR=tmp): exactly the
#     expected files and folders, modes 0755/0644, the bytes of their sources,
#     MANDIR honoured, and all of them removed again;
#   - gen/gwc.1 renders without a warning (man --warnings), has the sections
#     of a gwc(1) page, and agrees with `gwc --help` (parsed, both ways) on the
#     options and their arguments, the commands, the synopsis and the exit
#     statuses, with `gwc --version` on the version, and with the committed
#     output trees on the file names gwc writes;
#   - gen/gwc.bash loads, registers a function for gwc, and that function
#     (called as bash calls it: COMP_WORDS, COMP_CWORD) completes the
#     commands and options of --help, *.yaml/*.yml specs and output folders.
# Prints only "ok", "FAIL" and "skip" lines; always exits 0.
set -u
export LC_ALL=C TZ=UTC
ok() { echo "ok packaging/$1"; }
fail() { echo "FAIL packaging/$1: $(printf '%s' "$2" | tr '\n' ' ' | cut -c1-400)"; }
skip() { echo "skip packaging/$1: $2"; }
# expect NAME GOT WANT: ok when equal.
# flat: the lines of stdin on one line, separated by spaces.
flat() { tr '\n' ' ' | sed 's/ *$//'; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', want '$3'"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/gwc-packaging.XXXXXX") || { fail setup "mktemp"; exit 0; }
trap 'rm -rf "$work"' EXIT
cd "${top:?}" || { fail setup "no $top"; exit 0; }
page=gen/gwc.1
comp=gen/gwc.bash
for f in "$page" "$comp"; do [ -f "$f" ] || { fail setup "$f is missing"; exit 0; }; done

# ---- make install / uninstall -------------------------------------------
# GWC= and -o: install the binary under test as it is, never rebuild it here
# (the debug build, or gen/*.c being edited while the tests run).
inst() {	# inst DESTDIR [VAR=value...] GOAL: make with a clean environment
	local dest=$1
	shift
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		make -C "$top" --no-print-directory -o "$GWC" GWC="$GWC" \
		PREFIX=/usr DESTDIR="$dest" "$@" >>"$work/make.log" 2>&1
}
listing() {	# every entry under $1 but folders: "path mode"; then the folders
	(cd "$1" && find . -mindepth 1 ! -type d -printf '%P %m %y\n' | sort &&
		find . -mindepth 1 -type d -printf '%P/ %m\n' | sort)
}
if ! command -v make >/dev/null; then
	skip install "make is not installed"
else
	dest=$work/dest
	want_files="usr/bin/gwc 755 f
usr/share/bash-completion/completions/gwc 644 f
usr/share/gwc/gatewayspec.schema.json 644 f
usr/share/man/man1/gwc.1 644 f
usr/share/zsh/site-functions/_gwc 644 f"
	want_dirs="usr/ 755
usr/bin/ 755
usr/share/ 755
usr/share/bash-completion/ 755
usr/share/bash-completion/completions/ 755
usr/share/gwc/ 755
usr/share/man/ 755
usr/share/man/man1/ 755
usr/share/zsh/ 755
usr/share/zsh/site-functions/ 755"
	if ! inst "$dest" install; then
		fail install "make install failed: $(tail -n 5 "$work/make.log")"
	else
		expect install/files-and-modes "$(listing "$dest")" "$want_files
$want_dirs"
		bad=
		for pair in "usr/bin/gwc:$GWC" \
			    "usr/share/gwc/gatewayspec.schema.json:schema/gatewayspec.schema.json" \
			    "usr/share/man/man1/gwc.1:$page" \
			    "usr/share/bash-completion/completions/gwc:$comp"; do
			cmp -s "$dest/${pair%%:*}" "${pair#*:}" || bad+=" ${pair%%:*}"
		done
		if [ -n "$bad" ]; then fail install/contents "differ from their sources:$bad"; else ok install/contents; fi
		expect install/binary-runs "$("$dest/usr/bin/gwc" --version 2>&1)" "$("$GWC" --version)"
		if command -v man >/dev/null; then
			expect install/man-finds-page "$(MANPATH=$dest/usr/share/man man -w gwc 2>&1)" \
				"$dest/usr/share/man/man1/gwc.1"
		else
			skip install/man-finds-page "man is not installed"
		fi
		if ! inst "$dest" uninstall; then
			fail uninstall "make uninstall failed: $(tail -n 5 "$work/make.log")"
		else
			left=$(cd "$dest" && find . -mindepth 1 ! -type d -printf '%P ')
			if [ -n "$left" ]; then fail uninstall "left behind: $left"
			elif [ -e "$dest/usr/share/gwc" ]; then fail uninstall "left usr/share/gwc/"
			else ok uninstall; fi
		fi
	fi
	# MANDIR (and BASHCOMPDIR) are honoured by both rules.
	dest=$work/dest2
	if inst "$dest" MANDIR=/usr/man BASHCOMPDIR=/etc/bash_completion.d install &&
		[ -f "$dest/usr/man/man1/gwc.1" ] && [ -f "$dest/etc/bash_completion.d/gwc" ] &&
		inst "$dest" MANDIR=/usr/man BASHCOMPDIR=/etc/bash_completion.d uninstall &&
		[ -z "$(find "$dest" ! -type d)" ]; then
		ok install/mandir-override
	else
		fail install/mandir-override "$(listing "$dest") $(tail -n 3 "$work/make.log")"
	fi
fi

# ---- one static file ---------------------------------------------------------
# The release gwc is linked statically (Makefile GWC_LDFLAGS: 2.4 ms less per
# run, one file to copy); `make GWC_LDFLAGS= test` and the sanitizer build
# link it dynamically, and say so.
interp=$(readelf -l "$GWC" 2>/dev/null | grep -c 'Requesting program interpreter')
dynamic=$(readelf -d "$GWC" 2>/dev/null | grep -c '(NEEDED)')
if ! command -v readelf >/dev/null; then
	skip binary/static "no readelf (binutils)"
elif [[ " ${GWC_LDFLAGS--static} " != *" -static "* ]]; then
	skip binary/static "built with GWC_LDFLAGS='${GWC_LDFLAGS-}'"
elif readelf -s "$GWC" 2>/dev/null | grep -q '__asan_init'; then
	skip binary/static "a sanitizer build is linked dynamically"
else
	expect binary/static "interpreter $interp, needed libraries $dynamic" "interpreter 0, needed libraries 0"
fi

# ---- the man page --------------------------------------------------------
if ! command -v man >/dev/null; then
	skip man/renders-without-warnings "man is not installed (apt-get install man-db groff-base)"
else
	for width in default 60; do
		if [ "$width" = default ]; then
			err=$(man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
		else
			err=$(MANWIDTH=$width man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null)
		fi
		status=$?
		name=man/renders-without-warnings
		[ "$width" = default ] || name+=-$width-columns
		if [ $status -ne 0 ] || [ -n "$err" ]; then fail "$name" "exit $status: $err"; else ok "$name"; fi
	done
fi

# section NAME: the roff lines of the page's section NAME, without .SH lines.
section() {
	awk -v want="$1" '/^\.SH/ { t = $0; sub(/^\.SH[ \t]+/, "", t); gsub(/"/, "", t); on = (t == want); next } on' "$page"
}
# The text of each .TP tag (the line after .TP), of stdin.
tags() { awk 'tp { print; tp = 0; next } /^\.TP/ { tp = 1 }'; }
# roff -> text: drop a leading font macro, font escapes, quotes; \- -> -.
unroff() {
	sed -E 's/^\.(B|I|R|BR|RB|BI|IB|IR|RI|SB|SM)([ \t]|$)//
		s/\\f(\[[^]]*\]|\(..|.)//g; s/\\-/-/g; s/\\[&:%|^]//g
		s/\\ / /g; s/\\\(aq/'"'"'/g; s/"//g'
}
# "-o, --output OUT" and ".BR \-o , \-\-output=OUT" alike -> "-o --output OUT".
entry() { tr ',=' '  ' | tr -s ' \t' '  ' | sed 's/^ //; s/ $//'; }
optnames() { grep -oE '(^| )--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d ' ' | sort -u; }

got=$(grep -E '^\.SH' "$page" | sed -E 's/^\.SH[ \t]+//; s/"//g' | tr '\n' ',')
expect man/sections "$got" "NAME,SYNOPSIS,DESCRIPTION,COMMANDS,OPTIONS,EXIT STATUS,FILES,ENVIRONMENT,EXAMPLES,SEE ALSO,"

th_source=$(sed -n 's/^\.TH[ \t]//p' "$page" | awk -F'"' '{ print $2 }')
expect man/version "$th_source" "$("$GWC" --version)"

help=$("$GWC" --help 2>&1)
# --help's options: the indented lines of "options:" that start with "-",
# up to the two spaces before the description.
help_entries=$(printf '%s\n' "$help" | sed -n '/^options:$/,/^$/p' | grep -E '^ +-' |
	sed -E 's/^ +//; s/  +.*//' | entry | sort)
man_entries=$(section OPTIONS | tags | unroff | entry | sort)
help_opts=$(printf '%s\n' "$help_entries" | optnames)
man_opts=$(printf '%s\n' "$man_entries" | optnames)
if [ -z "$help_opts" ] || [ -z "$man_opts" ]; then
	fail man/options "cannot parse the options: help '$help_opts', page '$man_opts'"
else
	missing=$(comm -23 <(echo "$help_opts") <(echo "$man_opts") | tr '\n' ' ')
	extra=$(comm -13 <(echo "$help_opts") <(echo "$man_opts") | tr '\n' ' ')
	if [ -n "$missing" ]; then fail man/help-options-in-man "in --help, not in the page's OPTIONS: $missing"
	else ok "man/help-options-in-man ($(flat <<<"$help_opts"))"; fi
	if [ -n "$extra" ]; then fail man/man-options-in-help "in the page's OPTIONS, not in --help: $extra"
	else ok "man/man-options-in-help ($(flat <<<"$man_opts"))"; fi
	# The same grouping of short and long names, and the same argument.
	expect man/option-entries "$(echo "$man_entries" | tr '\n' ';')" "$(echo "$help_entries" | tr '\n' ';')"
fi

help_cmds=$(printf '%s\n' "$help" | sed -n '/^commands:$/,/^$/p' | sed -nE 's/^  ([a-z]+)  .*/\1/p' | sort)
man_cmds=$(section COMMANDS | tags | unroff | entry | sort)
if [ -z "$help_cmds" ]; then fail man/commands "cannot parse the commands of --help"
else expect man/commands "$(flat <<<"$man_cmds")" "$(flat <<<"$help_cmds")"; fi

help_status=$(printf '%s\n' "$help" | sed -n '/^exit status:/,$p' | tr '\n' ' ' |
	grep -oE '(: |, )[0-9]+ ' | tr -dc '0-9 \n' | tr -s ' ' '\n' | sed '/^$/d' | sort -u)
man_status=$(section "EXIT STATUS" | tags | unroff | entry | sort -u)
if [ -z "$help_status" ]; then fail man/exit-status "cannot parse the exit statuses of --help"
else expect man/exit-status "$(flat <<<"$man_status")" "$(flat <<<"$help_status")"; fi

if command -v man >/dev/null; then
	# The rendered SYNOPSIS, line by line, is --help's usage.
	man_syn=$(MANWIDTH=200 man -E ascii -l "$page" 2>/dev/null | sed -n '/^SYNOPSIS$/,/^[A-Z]/p' |
		sed '1d; $d; /^$/d; s/^ *//')
	help_syn=$(printf '%s\n' "$help" | sed -n '1,/^$/p' | sed '/^$/d; s/^usage://; s/^ *//')
	expect man/synopsis "$(echo "$man_syn" | tr '\n' ';')" "$(echo "$help_syn" | tr '\n' ';')"
else
	skip man/synopsis "man is not installed"
fi

# FILES names every file gwc writes in an output folder: the names in out/
# and in every golden case's expected tree, and no other (the cache of
# OUT, .gwc-cache/, is a FILES entry of its own).
written=$(find out tests/golden/*/expected -name .gwc-cache -prune -o -type f -printf '%f\n' 2>/dev/null | sort -u)
listed=$(section FILES | awk '/^\.TP/ { getline; if ($0 ~ /^\.B /) print }' | unroff | entry | sort -u)
expect man/files-section "$(flat <<<"$listed")" "$(flat <<<"$written")"

# ---- bash completion -----------------------------------------------------
# bash -c is not interactive and reads no rc file; BASH_ENV is dropped.
# Sourcing must succeed silently (bash runs a file up to a syntax error).
loaded=$(env -u BASH_ENV bash -c 'source gen/gwc.bash || exit; complete -p gwc' 2>"$work/source.err")
status=$?
fn=$(printf '%s\n' "$loaded" | sed -n 's/^complete .*-F \([^ ]*\) .*gwc$/\1/p')
if [ $status -ne 0 ] || [ -s "$work/source.err" ] || [ -z "$fn" ]; then
	fail completion/loads "exit $status, complete -p gwc printed '$loaded', stderr: $(head -c 300 "$work/source.err")"
	fn=
else
	ok "completion/loads (complete -F $fn gwc)"
fi
# comp DIR WORD...: the sorted replies of the completion function, in DIR,
# for the command line WORD... with the cursor at the end of the last word,
# called as bash does (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT;
# arguments: command, word, previous word), under set -u.
comp() {
	local dir=$1
	shift
	(cd "$dir" && env -u BASH_ENV bash -c '
		set -u
		source "$1" || exit 3
		shift
		fn=$(complete -p gwc | sed -n "s/^complete .*-F \([^ ]*\) .*gwc\$/\1/p")
		[ -n "$fn" ] || exit 4
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMP_TYPE=9 COMP_KEY=9
		COMPREPLY=()
		"$fn" gwc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" || exit 5
		if ((${#COMPREPLY[@]})); then printf "%s\n" "${COMPREPLY[@]}"; fi
	' _ "$top/$comp" "$@" 2>&1) | sort | tr '\n' ',' | sed 's/,$//'
}
if [ -n "$fn" ]; then
	expect completion/gwc-b "$(comp "$top" gwc b)" build
	expect completion/commands-of-help "$(comp "$top" gwc '')" "$(flat <<<"$help_cmds" | tr ' ' ',')"
	# Every option of --help, and only those: before the command and after build.
	expect completion/options-of-help "$( (comp "$top" gwc -; echo; comp "$top" gwc build -) | tr ',' '\n' | sed '/^$/d' | sort)" \
		"$help_opts"
	expect completion/long-option-prefix "$(comp "$top" gwc build --pr)" --prune
	expect completion/no-option-twice "$(comp "$top" gwc build --prune -o out --c)" --check
	# with -o -: neither --check nor --prune (nor the options of a folder)
	expect completion/no-check-prune-with-stream "$(comp "$top" gwc build -o - --)" "--quiet,--warnings-as-errors"
	mkdir -p "$work/specs/sub dir" "$work/specs/more"
	touch "$work/specs/a.yaml" "$work/specs/b.yml" "$work/specs/my spec.yaml" \
		"$work/specs/notes.txt" "$work/specs/Makefile" "$work/specs/more/c.yaml"
	specs="a.yaml,b.yml,more,my spec.yaml,sub dir"
	expect completion/build-specs "$(comp "$work/specs" gwc build '')" "$specs"
	expect completion/build-specs-after-options "$(comp "$work/specs" gwc build --prune -o out '')" "$specs"
	expect completion/validate-specs "$(comp "$work/specs" gwc validate '')" "$specs"
	expect completion/spec-prefix "$(comp "$work/specs" gwc build a.yaml m)" "more,my spec.yaml"
	expect completion/spec-typed-quoted "$(comp "$work/specs" gwc build 'my\ s'),$(comp "$work/specs" gwc build '"my s')" \
		"my spec.yaml,my spec.yaml"
	expect completion/spec-in-folder "$(comp "$work/specs" gwc validate more/)" "more/c.yaml"
	expect completion/output-folders "$(comp "$work/specs" gwc build -o '')" "more,sub dir"
	expect completion/output-folders-long "$(comp "$work/specs" gwc build a.yaml --output s)" "sub dir"
	# bash splits "--output=m" at "=" (COMP_WORDBREAKS): --output, =, m.
	expect completion/output-folders-equals "$(comp "$work/specs" gwc build --output = m)" "more"
	expect completion/schema-takes-nothing "$(comp "$work/specs" gwc schema '')" ""
	expect completion/after-help-nothing "$(comp "$work/specs" gwc --help '')" ""
fi

# ---- zsh completion ----------------------------------------------------------
if command -v zsh >/dev/null; then
	if err=$(zsh -n "$top/gen/gwc.zsh" 2>&1); then
		ok "completion/zsh-parses"
	else
		fail completion/zsh-parses "$err"
	fi
	# its commands are those of --help
	got=$(sed -n "s/^\t\t'\([a-z]*\):.*/\1/p" "$top/gen/gwc.zsh" | sort | tr '\n' ',')
	expect completion/zsh-commands-of-help "$got" "$(flat <<<"$help_cmds" | tr ' ' ','),"
else
	skip completion/zsh-parses "zsh is not installed"
fi
exit 0
