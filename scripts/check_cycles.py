"""Fail when any two modules of troly's packages import each other, directly or through others.

The import-linter layers contract (``lint-imports``) catches upward imports between layers; this
catches cycles inside a layer too (``a -> b -> a`` within ``bot.core``). Every import counts,
including imports inside functions and under ``TYPE_CHECKING``: a cycle that only type checking
sees still ties the two modules together for a reader.

Run from the repository root: ``python scripts/check_cycles.py``. Prints "no import cycles" and
exits 0, or prints each cycle (one strongly connected component, with one shortest loop through
it) and exits 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

PACKAGES = ("troly", "bot", "ingest", "retrieval", "prompts")


def strongly_connected(nodes: set[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components with more than one module, or a self-import."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges.get(node, ()):
                    out.append(sorted(component))
    return out


def shortest_loop(component: list[str], edges: dict[str, set[str]]) -> list[str]:
    """One shortest import loop through the component's first module (breadth-first)."""
    start = component[0]
    members = set(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(edges.get(node, ())):
                if child not in members:
                    continue
                if child == start:
                    loop = [node]
                    while loop[-1] != start:
                        loop.append(previous[loop[-1]])
                    return [*reversed(loop), start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    return [start]


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    nodes = set(graph.modules)
    # A package's __init__ is a module like any other; a child importing its parent package is
    # how Python loads it, not a design choice, so those edges (child -> ancestor) are dropped.
    edges = {
        m: {
            t for t in graph.find_modules_directly_imported_by(m) if t in nodes and not m.startswith(t + ".") and t != m
        }
        for m in nodes
    }
    cycles = strongly_connected(nodes, edges)
    if not cycles:
        print("no import cycles")
        return 0
    for component in cycles:
        print(f"import cycle among {len(component)} modules: {', '.join(component)}")
        print("  e.g. " + " -> ".join(shortest_loop(component, edges)))
    return 1


if __name__ == "__main__":
    sys.exit(main())
