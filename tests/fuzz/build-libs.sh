#!/usr/bin/env bash
# tests/fuzz/build-libs.sh - builds libyaml 0.2.5 and libfyaml 0.7.12 from
# Debian's source packages as static libraries instrumented for libFuzzer
# (-fsanitize=fuzzer-no-link,address), so that the fuzzer sees coverage
# inside gwc's parser and emitter (libyaml) and the reader that checks its
# output (libfyaml) too; against the system's shared libraries it sees
# almost none (YAML-NOTES.md, Fuzzing).
#
#   tests/fuzz/build-libs.sh [DEST]     (default: build/fuzz)
#
# Sources go to DEST/src (`apt-get source`, which needs a deb-src entry:
# one for bookworm is added under /etc/apt/sources.list.d/ when there is
# none and we are root), the libraries to DEST/lib and their headers to
# DEST/include.  DEST/lib appears only when both libraries built, so a
# failed run leaves no half-built set behind and `make fuzz` tries again.
# Needs dpkg-dev (apt-get source), cmake, m4 (libfyaml's configure),
# clang-14 (FUZZ_CC).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
dest=${1:-$top/build/fuzz}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
cc=${FUZZ_CC:-clang-14}
flags="-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address -fPIC"
YAML_VERSION=0.2.5 YAML_DEB=0.2.5-1
FYAML_VERSION=0.7.12 FYAML_DEB=0.7.12-2
stage=$dest/stage
log=$dest/build-libs.log

say() { echo "build-libs: $*" >&2; }
die() { say "$*"; say "see $log"; exit 1; }

command -v "$cc" >/dev/null || die "no $cc"
command -v cmake >/dev/null || die "no cmake (apt-get install cmake)"
command -v dpkg-source >/dev/null || die "no dpkg-source (apt-get install dpkg-dev)"
command -v m4 >/dev/null || die "no m4, which libfyaml's configure needs (apt-get install m4)"
: >"$log"
mkdir -p "$dest/src"
cd "$dest/src"

# ---- the source packages -------------------------------------------------
fetch() {
	apt-get source -q "libyaml=$YAML_DEB" "libfyaml=$FYAML_DEB" >>"$log" 2>&1
}
if [ ! -d "libyaml-$YAML_VERSION" ] || [ ! -d "libfyaml-$FYAML_VERSION" ]; then
	if ! fetch; then
		if ! grep -rqsE '^(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
			[ "$(id -u)" = 0 ] || die "no deb-src entry in /etc/apt, and not root to add one"
			say "adding a deb-src entry for bookworm"
			cat >/etc/apt/sources.list.d/gwc-fuzz-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
		fi
		apt-get update -q >>"$log" 2>&1 || die "apt-get update failed"
		fetch || die "apt-get source libyaml=$YAML_DEB libfyaml=$FYAML_DEB failed"
	fi
fi

# ---- build into a staging prefix -----------------------------------------
rm -rf "$stage" yaml-build fyaml-build
say "building libyaml $YAML_VERSION (instrumented)"
cmake -S "libyaml-$YAML_VERSION" -B yaml-build -DCMAKE_C_COMPILER="$cc" \
	-DCMAKE_C_FLAGS="$flags" -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF \
	-DCMAKE_INSTALL_PREFIX="$stage" >>"$log" 2>&1 || die "libyaml: cmake failed"
cmake --build yaml-build -j"$(nproc)" >>"$log" 2>&1 || die "libyaml: build failed"
cmake --install yaml-build >>"$log" 2>&1 || die "libyaml: install failed"

say "building libfyaml $FYAML_VERSION (instrumented)"
mkdir -p fyaml-build
(cd fyaml-build &&
	"../libfyaml-$FYAML_VERSION/configure" CC="$cc" CFLAGS="$flags" \
		--disable-shared --enable-static --prefix="$stage" &&
	make -j"$(nproc)" -C src libfyaml.la &&
	make -C src install-libLTLIBRARIES) >>"$log" 2>&1 ||
	die "libfyaml: build failed"
mkdir -p "$stage/include"
cp "libfyaml-$FYAML_VERSION/include/libfyaml.h" "$stage/include/"

for f in lib/libyaml.a lib/libfyaml.a include/yaml.h include/libfyaml.h; do
	[ -f "$stage/$f" ] || die "$f did not build"
done

# ---- publish -------------------------------------------------------------
rm -rf "$dest/lib" "$dest/include"
mkdir -p "$dest/include"
cp "$stage/include/yaml.h" "$stage/include/libfyaml.h" "$dest/include/"
mkdir -p "$dest/lib.new"
cp "$stage/lib/libyaml.a" "$stage/lib/libfyaml.a" "$dest/lib.new/"
mv "$dest/lib.new" "$dest/lib"
rm -rf "$stage"
say "instrumented libyaml $YAML_VERSION and libfyaml $FYAML_VERSION in ${dest#"$top"/}/lib"
