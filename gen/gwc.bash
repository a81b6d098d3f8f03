# bash completion for gwc(1), the Istio gateway compiler.  -*- shell-script -*-
#
# Installed as $(PREFIX)/share/bash-completion/completions/gwc; works with or
# without the bash-completion package (it uses none of its helpers).
#   gwc <TAB>                  build validate graph schema inject help (and -h --help -V --version)
#   gwc build <TAB>            *.yaml / *.yml files and folders; -o --output --prune --check
#                              -j --jobs (then 1 to nproc) --stamp --depfile (then any file)
#   gwc build -o <TAB>         folders (also --output DIR, --output=DIR, -oDIR)
#   gwc validate <TAB>         *.yaml / *.yml files and folders; -q --quiet -W --warnings-as-errors
#   gwc help <TAB>             the commands
#   gwc graph <TAB>            *.yaml / *.yml files and folders
#   gwc inject <TAB>           its options (--injector-config --values --mesh
#                              --revision) and files
# The commands and options are those of `gwc --help' (gen/main.c);
# tests/suites/packaging.sh checks that they agree.

# _gwc_files KIND PREFIX: add to COMPREPLY the folders starting with PREFIX
# and, for KIND "specs", the *.yaml and *.yml files too; each reply is
# preceded by $_gwc_lead (the "-o" of "-oDIR").  PREFIX is the word as typed:
# an opening quote or backslashes are dropped (readline quotes the replies).
_gwc_files()
{
	local f p=$2

	case $p in
	\"* | \'*) p=${p:1} ;;
	*) p=${p//\\/} ;;
	esac
	compopt -o filenames 2>/dev/null
	if [[ $1 == dirs ]]; then
		while IFS= read -r f; do
			COMPREPLY+=("${_gwc_lead-}$f")
		done < <(compgen -d -- "$p")
		return
	fi
	while IFS= read -r f; do
		case ${f,,} in
		*.yaml | *.yml) COMPREPLY+=("$f") ;;
		*) [[ -d $f ]] && COMPREPLY+=("$f") ;;
		esac
	done < <(compgen -f -- "$p")
}

_gwc()
{
	local cur=${COMP_WORDS[COMP_CWORD]-} prev='' cmd word opts i
	local _gwc_lead=
	local -A seen=()

	COMPREPLY=()
	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]-}

	if ((COMP_CWORD <= 1)); then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W '-h --help -V --version' -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W 'build validate graph schema inject help' -- "$cur")
		fi
		return 0
	fi

	cmd=${COMP_WORDS[1]}
	if [[ $cmd == help ]]; then
		((COMP_CWORD == 2)) &&
			mapfile -t COMPREPLY < <(compgen -W 'build validate graph schema inject help' -- "$cur")
		return 0
	fi
	if [[ $cmd == inject ]]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W '--injector-config --values --mesh --revision' -- "$cur")
		elif [[ $prev != --revision ]]; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		fi
		return 0
	fi
	case $cmd in
	build | validate | graph) ;;
	*) return 0 ;;		# schema, --help, --version: nothing follows
	esac

	# The words before the cursor: options already given, and "--".
	for ((i = 2; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		case $word in
		--)
			seen[--]=1
			break
			;;
		-o | --output)
			seen[-o]=1
			word=${COMP_WORDS[i + 1]-}
			[[ $word == = ]] && word=${COMP_WORDS[i + 2]-}
			[[ $word == - ]] && seen[stream]=1
			;;
		-o?*)
			seen[-o]=1
			[[ $word == -o- ]] && seen[stream]=1
			;;
		--prune | --stamp | --depfile | --fsync | --no-cache) seen[$word]=1 ;;
		--check | --dry-run) seen[--check]=1 ;;
		-q | --quiet) seen[-q]=1 ;;
		-W | --warnings-as-errors) seen[-W]=1 ;;
		-j | --jobs | -j?* | --jobs=*) seen[-j]=1 ;;
		esac
	done

	if [[ $cmd == build && -z ${seen[--]-} ]]; then
		# The folder of -o DIR, --output DIR and --output=DIR (bash
		# splits "--output=DIR" into "--output", "=" and "DIR").
		if [[ $prev == -o || $prev == --output ]] ||
			{ [[ $prev == = ]] && ((COMP_CWORD >= 3)) &&
				[[ ${COMP_WORDS[COMP_CWORD - 2]} == --output ]]; }; then
			[[ $cur == = ]] && cur=
			_gwc_files dirs "$cur"
			return 0
		fi
		if [[ $cur == = && $prev == --output ]]; then
			_gwc_files dirs ""
			return 0
		fi
		if [[ $prev == -j || $prev == --jobs ]]; then
			mapfile -t COMPREPLY < <(compgen -W "$(seq 1 "$(nproc 2>/dev/null || echo 2)")" -- "$cur")
			return 0
		fi
		if [[ $prev == --stamp || $prev == --depfile ]]; then
			compopt -o filenames 2>/dev/null
			mapfile -t COMPREPLY < <(compgen -f -- "$cur")
			return 0
		fi
		if [[ $cur == -o?* ]]; then
			_gwc_lead=-o
			_gwc_files dirs "${cur#-o}"
			return 0
		fi
		if [[ $cur == -* ]]; then
			opts=
			[[ -z ${seen[-o]-} ]] && opts+=' -o --output'
			if [[ -z ${seen[stream]-} ]]; then
				[[ -z ${seen[-j]-} ]] && opts+=' -j --jobs'
				[[ -z ${seen[--prune]-} ]] && opts+=' --prune'
				[[ -z ${seen[--check]-} ]] && opts+=' --check --dry-run'
				[[ -z ${seen[--fsync]-} ]] && opts+=' --fsync'
				[[ -z ${seen[--no-cache]-} ]] && opts+=' --no-cache'
				[[ -z ${seen[--stamp]-} ]] && opts+=' --stamp'
				[[ -z ${seen[--depfile]-} ]] && opts+=' --depfile'
			fi
			[[ -z ${seen[-q]-} ]] && opts+=' -q --quiet'
			[[ -z ${seen[-W]-} ]] && opts+=' -W --warnings-as-errors'
			mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
			return 0
		fi
	fi
	if [[ $cmd == validate && $cur == -* && -z ${seen[--]-} ]]; then
		opts=
		[[ -z ${seen[-q]-} ]] && opts+=' -q --quiet'
		[[ -z ${seen[-W]-} ]] && opts+=' -W --warnings-as-errors'
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return 0
	fi
	[[ $cur == -* && -z ${seen[--]-} ]] && return 0	# graph: no option
	_gwc_files specs "$cur"
	return 0
}

complete -F _gwc gwc
