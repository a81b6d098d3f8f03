#compdef gwc
# zsh completion for gwc(1), the Istio gateway compiler.  Installed as
# $(PREFIX)/share/zsh/site-functions/_gwc.  The commands and options are
# those of `gwc --help' (gen/main.c), as in gen/gwc.bash.

_gwc_specs() { _files -g '*.(yaml|yml)(-.)' }

_gwc() {
	local -a commands
	commands=(
		'build:validate the specs, then write the output folder'
		'validate:validate the specs, writing nothing'
		'graph:print Graphviz DOT of the objects build would write'
		'schema:print the embedded JSON Schema of the spec'
		'inject:print a Deployment injected as istiod injects it'
		'help:print the help, or a command'"'"'s'
	)
	if (( CURRENT == 2 )); then
		_describe -t commands 'gwc command' commands
		_arguments '(- *)'{-h,--help}'[print the help]' \
			'(- *)'{-V,--version}'[print the version]'
		return
	fi
	local cmd=$words[2]
	shift words
	(( CURRENT-- ))
	case $cmd in
	build)
		_arguments -s \
			'(-o --output)'{-o+,--output=}'[output folder (- for a YAML stream)]:folder:_files -/' \
			'--prune[also remove gwc folders no spec produces]' \
			'(--dry-run)--check[write nothing; diff OUT against what gwc would write]' \
			'(--check)--dry-run[write nothing; say per folder what a build would do]' \
			'(-j --jobs)'{-j+,--jobs=}'[threads]:jobs:(1 2 4 8 16)' \
			'--fsync[flush what the build writes to the disk]' \
			'--no-cache[neither use nor write OUT/.gwc-cache]' \
			'--stamp=[stamp file]:file:_files' \
			'--depfile=[Make/Ninja depfile]:file:_files' \
			'(-q --quiet)'{-q,--quiet}'[print errors only]' \
			'(-W --warnings-as-errors)'{-W,--warnings-as-errors}'[a warning fails the run]' \
			'(- *)'{-h,--help}'[print the help]' \
			'*:spec:_gwc_specs' ;;
	validate)
		_arguments -s \
			'(-q --quiet)'{-q,--quiet}'[print errors only]' \
			'(-W --warnings-as-errors)'{-W,--warnings-as-errors}'[a warning fails the run]' \
			'(- *)'{-h,--help}'[print the help]' \
			'*:spec:_gwc_specs' ;;
	graph)
		_arguments '(- *)'{-h,--help}'[print the help]' '*:spec:_gwc_specs' ;;
	inject)
		_arguments \
			'--injector-config=[the injector ConfigMap data.config]:file:_files' \
			'--values=[its data.values]:file:_files' \
			'--mesh=[the istio ConfigMap data.mesh]:file:_files' \
			'--revision=[the istio.io/rev of the injecting istiod]:revision:' \
			'(- *)'{-h,--help}'[print the help]' \
			':deployment:_files' ;;
	help)
		(( CURRENT == 2 )) && _describe -t commands 'gwc command' commands ;;
	esac
}

_gwc "$@"
