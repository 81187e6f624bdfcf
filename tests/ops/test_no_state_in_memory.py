"""Nothing a request leaves in a process's memory is read by a later request (issue 22 item 6):
with several server processes on several machines, the next request may reach another process,
which never saw it. State lives in the database, the cache or the media storage.

The test reads every module of `src/residanat` and lists what could hold such state: a module-level
dict, list or set that a function changes, a `global` statement, a function cached in memory
(lru_cache, cache). Each one found must be in ALLOWED with the reason it is safe."""

import ast
from pathlib import Path

from django.conf import settings

SOURCE = Path(settings.PACKAGE_DIR)
MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque",
                 "WeakValueDictionary", "WeakKeyDictionary", "WeakSet"}
CHANGING_METHODS = {"append", "add", "update", "setdefault", "pop", "popitem", "discard", "remove",
                    "clear", "extend", "insert", "appendleft", "__setitem__", "__delitem__"}
MEMORY_CACHES = {"lru_cache", "cache"}

# (module, name): why it holds nothing a request writes.
ALLOWED = {
    ("documents/kinds.py", "_LABELS"): "filled by register() when each app's module is imported, the same in every process",
    ("documents/kinds.py", "_READERS"): "filled by register() when each app's module is imported, the same in every process",
    ("rules/parameters.py", "load_parameters"): "reads the regulation parameters shipped with the code; a new file comes with a new release and a restart",
    ("rules/rotations.py", "load_requirements"): "reads the rotation requirements shipped with the code",
    ("deployment/reports.py", "_geometry"): "reads the regions' map shipped with the code",
    ("rules/payroll.py", "month_span"): "a pure function of its argument (first and last day of a month)",
    ("ops/jobs.py", "KINDS"): "filled by job_kind() when each app's module is imported, the same in every process",
    ("choice/provisional.py", "_LISTS"): "a read-through copy of wish-list versions, rows never changed once written; "
                                         "which version is in force is read from the database at every computation",
    ("choice/provisional.py", "_STORED"): "the placements this process last wrote, used only while the database's "
                                          "computation count is still the one it wrote; else read again",
}


def _called_name(call):
    function = call.func
    return function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)


def _module_containers(tree):
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        mutable = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
            isinstance(value, ast.Call) and _called_name(value) in MUTABLE_CALLS)
        if mutable:
            names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def state_kept_in_memory(path: Path) -> set[str]:
    """The names of `path` under which a function may keep something between calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    containers = _module_containers(tree)
    found = set()
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for decorator in function.decorator_list:
            called = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (getattr(called, "id", None) or getattr(called, "attr", None)) in MEMORY_CACHES:
                found.add(function.name)
        for node in ast.walk(function):
            if isinstance(node, ast.Global):
                found.update(node.names)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                targets = [node.target] if isinstance(node, ast.AugAssign) else node.targets
                found.update(target.value.id for target in targets
                             if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name)
                             and target.value.id in containers)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and isinstance(node.func.value, ast.Name) and node.func.value.id in containers
                  and node.func.attr in CHANGING_METHODS):
                found.add(node.func.value.id)
    return found


def test_no_module_keeps_what_a_request_wrote_in_the_process_memory():
    found = {(path.relative_to(SOURCE).as_posix(), name)
             for path in sorted(SOURCE.rglob("*.py")) if "migrations" not in path.parts
             for name in state_kept_in_memory(path)}
    unexplained = sorted(found - ALLOWED.keys())
    assert not unexplained, f"state kept in a process's memory, move it to the database or the cache: {unexplained}"


def test_the_scan_sees_each_way_of_keeping_state(tmp_path):
    module = tmp_path / "module.py"
    module.write_text(
        "from functools import lru_cache\n"
        "_seen = {}\n_queue: list = []\n_names = set()\n_count = 0\nCONSTANT = {'a': 1}\n"
        "def remember(key, value):\n    _seen[key] = value\n"
        "def push(item):\n    _queue.append(item)\n"
        "def bump():\n    global _count\n    _count += 1\n"
        "@lru_cache(maxsize=8)\ndef costly(x):\n    return x\n"
        "def read():\n    return CONSTANT['a'], _names\n"
    )
    assert state_kept_in_memory(module) == {"_seen", "_queue", "_count", "costly"}
