#!/usr/bin/env bash
# tests/fuzz/build-libs.sh - builds libyaml 0.2.5 and libfyaml 0.7.12 from
# Debian's source packages as static libraries instrumented for libFuzzer
# (-fsanitize=fuzzer-no-link,address), into build/fuzz/prefix, so that the
# fuzzer sees coverage inside the parser and the emitter too.  Needs a
# deb-src entry for bookworm (added here when run as root), and cmake, m4
# and clang-14 (Debian packages).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
dest=$top/build/fuzz
cc=${FUZZ_CC:-clang-14}
flags="-g -O1 -fsanitize=fuzzer-no-link,address -fPIC"
mkdir -p "$dest/src"
cd "$dest/src"
if [ ! -d libyaml-0.2.5 ] || [ ! -d libfyaml-0.7.12 ]; then
	if ! apt-get source -qq libyaml libfyaml >/dev/null 2>&1; then
		if [ "$(id -u)" = 0 ] && ! grep -rqs 'deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
			cat >/etc/apt/sources.list.d/gwc-deb-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
			apt-get update -qq
		fi
		apt-get source -qq libyaml libfyaml >/dev/null
	fi
fi
cmake -S libyaml-0.2.5 -B yaml-build -DCMAKE_C_COMPILER="$cc" \
	-DCMAKE_C_FLAGS="$flags" -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF \
	-DCMAKE_INSTALL_PREFIX="$dest/prefix" >/dev/null
cmake --build yaml-build -j2 >/dev/null
cmake --install yaml-build >/dev/null
mkdir -p fyaml-build
(cd fyaml-build && ../libfyaml-0.7.12/configure -q CC="$cc" CFLAGS="$flags" \
	--disable-shared --enable-static --prefix="$dest/prefix" >/dev/null &&
	make -s -j2 -C src >/dev/null && make -s -C src install >/dev/null &&
	make -s install-pkgconfigDATA >/dev/null 2>&1 || true)
mkdir -p "$dest/prefix/include"
cp libfyaml-0.7.12/include/libfyaml.h "$dest/prefix/include/"
if [ ! -f "$dest/prefix/lib/libfyaml.a" ] || [ ! -f "$dest/prefix/lib/libyaml.a" ]; then
	echo "build-libs: the instrumented libraries did not build" >&2
	exit 1
fi
echo "instrumented libyaml and libfyaml in $dest/prefix"
