#!/usr/bin/env bash
# Checks a built Kestrel .deb the way a workstation would meet it: the desktop entry, the
# AppStream metadata and lintian (no errors); then installs it with apt-get, runs the installed
# programs (kestrel-cli --version, init --demo, a one-epoch train, export, predict, the man
# page and the bash completion; the window under Xvfb long enough to take its picture),
# removes it and checks that nothing of it is left in /usr.
#
#   scripts/package_check.sh PATH/TO/kestrel_VERSION_ARCH.deb
#
# Needs root (or sudo) to install; scripts/setup.sh package-test runs it on the CI machine.
set -euo pipefail

deb="$(realpath "${1:?usage: package_check.sh PATH/TO/kestrel.deb}")"
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { printf 'package_check.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '==> %s\n' "$*"; }

say "Checking the files of $deb"
dpkg-deb -x "$deb" "$work/root"
desktop-file-validate "$work/root/usr/share/applications/kestrel.desktop"
appstreamcli validate --no-net --pedantic "$work"/root/usr/share/metainfo/*.metainfo.xml >/dev/null ||
    appstreamcli validate --no-net "$work"/root/usr/share/metainfo/*.metainfo.xml
for side in 16 32 48 64 128 256; do
    [ -s "$work/root/usr/share/icons/hicolor/${side}x${side}/apps/kestrel.png" ] ||
        fail "the package has no ${side}x${side} icon."
done
for page in kestrel kestrel-cli kestrel-cli-train kestrel-cli-export; do
    [ -s "$work/root/usr/share/man/man1/$page.1.gz" ] || fail "the package has no $page(1)."
done
for binary in kestrel kestrel-cli; do
    kind="$(file "$work/root/usr/bin/$binary")"
    [[ "$kind" != *"not stripped"* ]] || fail "/usr/bin/$binary is not stripped."
done
# Errors fail the check; warnings and notes are shown.
linted=0
lintian --fail-on error "$deb" >"$work/lintian.log" 2>&1 || linted=$?
grep -v 'running with root privileges' "$work/lintian.log" || true
[ "$linted" -eq 0 ] || fail "lintian found errors in $deb (above)."

if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
    say "Skipped installing it: that needs root or sudo without a password."
    exit 0
fi

say "Installing it"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$deb" \
    >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; fail "apt-get could not install $deb."; }
dpkg-query -L kestrel | sort > "$work/files"

say "Running the installed programs"
cli=/usr/bin/kestrel-cli
[ "$(command -v kestrel-cli)" = "$cli" ] || fail "kestrel-cli is not on the PATH as $cli."
version="$("$cli" --version)"
[[ "$version" == Kestrel\ * ]] || fail "kestrel-cli --version says '$version'."
export KESTREL_LOG_DIR="$work/logs" KESTREL_WEIGHTS_DIR="$work/weights"
"$cli" init "$work/demo" --demo
"$cli" train "$work/demo" --epochs 1 >"$work/train.log" 2>&1 ||
    { tail -5 "$work/train.log" >&2; fail "the installed kestrel-cli could not train."; }
"$cli" export "$work/demo" --run 1 | tail -2
onnx="$(ls "$work"/demo/exports/run-1-*.onnx)"
mapfile -t images < <("$cli" info "$work/demo" --list test | head -3)
"$cli" predict "$onnx" "${images[@]}"
page="$(man -l /usr/share/man/man1/kestrel-cli-train.1.gz 2>/dev/null)"
[[ "$page" == *--epochs* ]] || fail "man kestrel-cli-train does not show the options."
completions="$(bash -c 'source /usr/share/bash-completion/completions/kestrel-cli
    COMP_WORDS=(kestrel-cli tr); COMP_CWORD=1; _kestrel_cli; echo "${COMPREPLY[*]}"
    COMP_WORDS=(kestrel-cli train --epo); COMP_CWORD=2; _kestrel_cli; echo "${COMPREPLY[*]}"')"
[ "$completions" = $'train\n--epochs' ] || fail "bash completion offered '$completions'."

say "Starting the installed window under Xvfb"
mkdir -m 700 "$work/runtime"
XDG_RUNTIME_DIR="$work/runtime" XDG_CONFIG_HOME="$work/config" timeout 120 \
    xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/kestrel "$work/demo" --screenshot "$work/window.png" \
    >"$work/window.log" 2>&1 || { tail -5 "$work/window.log" >&2; fail "the installed kestrel did not show its window."; }
[ "$(stat -c %s "$work/window.png")" -gt 20000 ] || fail "the window's picture is nearly empty."

say "Removing it"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get remove -y --purge kestrel >"$work/apt.log" 2>&1 ||
    { tail -20 "$work/apt.log" >&2; fail "apt-get could not remove kestrel."; }
left=()
while read -r path; do
    # Shared folders (/usr/bin, /usr/share/...) stay; the package's own files must not.
    if [ -e "$path" ] && [ ! -d "$path" ]; then
        left+=("$path")
    fi
done <"$work/files"
[ -d /usr/share/doc/kestrel ] && left+=(/usr/share/doc/kestrel)
[ ${#left[@]} -eq 0 ] || fail "removing the package left ${left[*]}."
say "The package installs, runs and removes cleanly."
