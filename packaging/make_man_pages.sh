#!/usr/bin/env bash
# Man pages from the programs' own --help, so they never drift from the binaries: kestrel(1),
# kestrel-cli(1) and kestrel-cli-<command>(1) for each command kestrel-cli lists, gzipped.
#
#   packaging/make_man_pages.sh VERSION OUT_DIR KESTREL_CLI [KESTREL]
set -euo pipefail
version="$1" out="$2" cli="$3" gui="${4:-}"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

page() { # name summary program
    help2man --no-info --no-discard-stderr --version-string="$version" --name="$2" \
        --section=1 --output="$work/$1.1" "$3"
    gzip -9n -c "$work/$1.1" > "$out/$1.1.gz"
}

page kestrel-cli "train, export and predict with vision models for defect inspection" "$cli"
# Each command through a wrapper named after its page, as help2man names a page by its program.
"$cli" --help | awk '/^Subcommands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' |
    while read -r command; do
        summary="$("$cli" "$command" --help | sed -n 1p)"
        printf '#!/bin/sh\nexec "%s" %s "$@"\n' "$cli" "$command" > "$work/kestrel-cli-$command"
        chmod +x "$work/kestrel-cli-$command"
        page "kestrel-cli-$command" "${summary%.}" "$work/kestrel-cli-$command"
    done
if [[ -n "$gui" ]]; then
    mkdir -m 700 "$work/runtime" # Qt's note about a missing runtime folder stays out of the page
    QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR="$work/runtime" \
        page kestrel "the Kestrel workbench window" "$gui"
fi
