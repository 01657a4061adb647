# Shared by the bench scripts that drive kestrel-cli and read its JSON. Source it after
# setting $python (a Python 3 with the json module).

# bench_workdir NAME [KEEP]: sets $work to KEEP (created if needed) or to a temporary folder
# removed on exit, and gives the run its own weights store there: no pretrained weights, as
# on a fresh machine.
bench_workdir() {
    if [[ -n "${2:-}" ]]; then
        mkdir -p "$2"
        work="$(cd "$2" && pwd)"
    else
        work="$(mktemp -d "${TMPDIR:-/tmp}/kestrel-$1-bench-XXXXXX")"
        trap 'rm -rf "$work"' EXIT
    fi
    export KESTREL_WEIGHTS_DIR="$work/weights"
}

# Prints a key (a.b for a nested one) of the last JSON object on stdin, or "-".
field() {
    "$python" -c '
import json, sys
objects = [line for line in sys.stdin.read().splitlines() if line.startswith("{")]
found = json.loads(objects[-1]) if objects else None
for part in sys.argv[1].split("."):
    found = found.get(part) if isinstance(found, dict) else None
print("-" if found is None else found)' "$1"
}

# A number as awk reads one: "-" or "nan" are not.
number_pattern='^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$'

# Four decimals for a number; anything else (such as "-") as it is.
decimals() {
    awk -v v="$1" -v number="$number_pattern" \
        'BEGIN { if (v ~ number) printf "%.4f", v; else printf "%s", v }'
}

# a / b with two decimals when both are numbers and b is positive, else "-".
ratio() {
    awk -v a="$1" -v b="$2" -v number="$number_pattern" \
        'BEGIN { if (a ~ number && b ~ number && b > 0) printf "%.2f", a / b; else printf "-" }'
}
