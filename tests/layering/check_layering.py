#!/usr/bin/env python3
"""Checks the include rules of docs/ARCHITECTURE.md on the source tree, so that a change
that breaks them fails CI instead of waiting for a reader to notice:

- no include cycle between core's folders;
- core's LibTorch-free folders (the kestrel_data library) include no LibTorch header and no
  header of the LibTorch folders, directly or through another header;
- core includes no Qt header;
- widgets reach no store, LibTorch, OpenCV or SQLite header, directly or through core's.

Usage: check_layering.py SOURCE_DIR. Prints one line per broken rule and exits 1, else
prints a summary and exits 0.
"""
import os
import re
import sys

DATA_FOLDERS = {"common", "annotations", "store", "project", "dataset", "imaging", "demo", "report", "monitor",
                "inspection"}
ML_FOLDERS = {"models", "loader", "tasks", "train", "runs", "infer", "export", "review", "weights",
              "anomaly", "torch_compat", "distributed"}
TORCH = re.compile(r"^(torch|ATen|c10|caffe2)/")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def read_includes(path):
    with open(path, encoding="utf-8", errors="replace") as text:
        return INCLUDE.findall(text.read())


def main(source):
    core = os.path.join(source, "core")
    files = {}  # path relative to the source dir -> [(kind, name)]
    for top in ("core", "widgets"):
        for folder, _, names in os.walk(os.path.join(source, top)):
            for name in names:
                if name.endswith((".h", ".cpp")):
                    path = os.path.join(folder, name)
                    files[os.path.relpath(path, source)] = read_includes(path)
    unknown = set(f for f in os.listdir(core) if os.path.isdir(os.path.join(core, f)))
    unknown -= DATA_FOLDERS | ML_FOLDERS
    problems = [f"core/{f}/ is in neither library's list of folders in {__file__}"
                for f in sorted(unknown)]

    def resolve(including, name):
        """The tree's file a quoted include names, or None for a system header."""
        for base in (os.path.dirname(including), "core"):
            candidate = os.path.normpath(os.path.join(base, name))
            if candidate in files:
                return candidate
        return None

    closure_cache = {}

    def reach(path):
        """Every (header, chain) the file reaches: the tree's headers and system headers."""
        if path in closure_cache:
            return closure_cache[path]
        closure_cache[path] = {}
        found = {}
        for kind, name in files[path]:
            target = resolve(path, name) if kind == '"' else None
            if target is None:
                found.setdefault(name, [path])
                continue
            found.setdefault(target, [path])
            for reached, chain in reach(target).items():
                found.setdefault(reached, [path] + chain)
        closure_cache[path] = found
        return found

    def folder_of(path):
        parts = path.split(os.sep)
        return parts[1] if parts[0] == "core" and len(parts) > 2 else None

    # Direct folder graph and its cycles.
    graph = {}
    for path, includes in files.items():
        source_folder = folder_of(path)
        if source_folder is None:
            continue
        for kind, name in includes:
            target = resolve(path, name) if kind == '"' else None
            target_folder = folder_of(target) if target else None
            if target_folder and target_folder != source_folder:
                graph.setdefault(source_folder, {}).setdefault(target_folder, path)

    def cycle_from(start):
        stack = [(start, [start])]
        while stack:
            node, trail = stack.pop()
            for following in graph.get(node, {}):
                if following == start:
                    return trail + [start]
                if following not in trail:
                    stack.append((following, trail + [following]))
        return None

    reported = set()
    for folder in sorted(graph):
        cycle = cycle_from(folder)
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            steps = ", ".join(f"{a}/ -> {b}/ ({graph[a][b]})" for a, b in zip(cycle, cycle[1:]))
            problems.append(f"include cycle between core folders: {steps}")

    for path in sorted(files):
        folder = folder_of(path)
        reached = reach(path)
        for header, chain in sorted(reached.items()):
            via = " -> ".join(chain[1:] + [header]) if len(chain) > 1 else header
            is_tree = header in files
            header_folder = folder_of(header) if is_tree else None
            if folder in DATA_FOLDERS:
                if (not is_tree and TORCH.match(header)) or header_folder in ML_FOLDERS:
                    problems.append(f"{path} is in the LibTorch-free library but reaches {via}")
            if folder is not None and not is_tree and re.match(r"^Q[A-Za-z]+$", header):
                problems.append(f"{path} is core but includes Qt's {header}")
            if path.startswith("widgets" + os.sep):
                bad = (header_folder == "store" or
                       (not is_tree and (TORCH.match(header) or header.startswith("opencv2/")
                                         or header == "sqlite3.h")))
                if bad:
                    problems.append(f"{path} is a widget but reaches {via}")

    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} layering problems.")
        return 1
    edges = sum(len(targets) for targets in graph.values())
    print(f"Layering holds: {len(files)} files, {len(graph)} core folders, {edges} folder "
          f"dependencies, no cycle.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
