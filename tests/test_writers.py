"""One writer per model: each model is written only by its own app's modules (another app calls that
app's `do_<verb>_<noun>` service), and a public function of a service module that writes is named
`do_<verb>_<noun>`.

The analysis reads src/residanat with `ast` (migrations excluded), as tests/test_layers.py does,
and leans on Django's registry for the fields of the models. A write is a call of one of `WRITES`
on an expression that stands for rows of a model. Which model is resolved, without running or
typing the code, by these approximations:

- a name bound by an import from `residanat.<app>.models` (absolute, relative, or through a module
  alias: `from residanat.people import models as people_models`) is that model class;
- `Model(...)`, `Model.objects…`, `Model.objects.filter(…).update(…)` and any chain of attributes,
  calls and subscripts rooted in rows of a model stay rows of that model, except an attribute that
  is a field: a relation (forward or reverse accessor, `case.status`, `person.statuses`) gives the
  related model, any other field (`document.file`) gives nothing;
- a local name stands for rows of a model when, anywhere in its function (flow-insensitive), it is
  a parameter annotated with the model (or `QuerySet[Model]`, `Model | None`), or is bound to such an expression by `=`, `for`, `with`, a
  comprehension, or is the first name of `obj, created = ….get_or_create(…)`; a call of a function
  of the same module, or imported from one of residanat, annotated to return a model gives rows
  of that model;
- an unannotated parameter, an attribute of `self`, a value returned by a function without such an
  annotation or held in a container is not resolved: such writes
  are not seen: the approximation errs towards silence rather than false accusations.

A function "writes" when it writes a model itself, calls a function of its own module that
writes, or calls a `do_…` function of another module.
"""

from __future__ import annotations

import ast
import functools
import importlib
import pathlib
import re

import pytest
from django.db import models as django_models

ROOT = pathlib.Path(__file__).resolve().parent.parent / "src" / "residanat"
WRITES = {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
WRITER_NAME = re.compile(r"^do_[a-z0-9]+(_[a-z0-9]+)+$")

# Modules allowed to write another app's model, each with why. A new entry is a design decision,
# not a way to make the test pass: the model's own app gets a `do_…` writer instead.
CROSS_APP_ALLOWED: dict[str, str] = {
    # Demo loaders invent a past the services would refuse or never write that way: merit ranks,
    # back-dated statuses and their end, accounts linked to invented persons, heads of service.
    "careers/demo.py": "the demo's careers: ranks, past dates and entry routes of people.TraineeStatus in bulk, "
                       "a head of service's accounts.User and role",
    "concours/demo.py": "links the demo candidate's account and its people.Person",
    "choice/demo.py": "links the demo laureate's account and its people.Person",
    "deployment/demo.py": "the demo's former residents (people.TraineeStatus) and their discipline.Commitment "
                          "without the pay terms a recorded commitment sets",
    "web/demo.py": "the demo's persons and statuses of every kind, before any service runs",
}

# Public writers of service modules that need not be named do_<verb>_<noun>, each with why.
NAMING_ALLOWED: dict[str, str] = {
    # The house style's own examples of a service (the project's style guide names them): the noun
    # is the one the module is about, the competition and its merit list.
    "concours/workflow.py:do_transition": "the style guide's example: a competition's transition",
    "concours/merit.py:do_deliberate": "the style guide's example: the jury deliberates the merit list",
    # Issuing records the document in the register as it is printed: every app's document modules
    # call these, and a do_ name would make each of them, and their pages, writers to rename in turn.
    "documents/pdf.py:issue_pdf": "issuing a document (see above)",
    "documents/pdf.py:issue_once": "issuing a document (see above)",
    "documents/pdf.py:issue_public": "issuing a document (see above)",
    "concours/eligibility.py:check_candidate": "a check first, which stores its verdict only when asked "
                                               "(save=True): the candidates' import and the office's page "
                                               "call it to read the verdict",
    # A long export is a job (issue 22 item 2): the decorator declares the job kind that writes the
    # file, and the pages answer with the file or with the job's page; the Job row is written by
    # ops.jobs.do_start_job, the only writer of jobs.
    "documents/export_jobs.py:export_kind": "a decorator declaring an export's job kind (see above)",
    "documents/export_jobs.py:export_response": "a page's answer: the file, or the job started for it (see above)",
}

# Which modules are service modules: the domain apps' and the ground floor's modules that change
# state, not their pages (views, forms, urls, templatetags), declarations (models, apps, admin),
# commands, demo loaders or the pure core.
NOT_SERVICES = re.compile(r"^(views|forms|urls)(_.*)?$|^(models|apps|admin|demo|__init__|rules|scope|scopes)$")
NOT_SERVICE_PACKAGES = {"api", "web", "rules", "matching", "formats", "common"}


def app_of(path: pathlib.Path) -> str:
    return path.relative_to(ROOT).parts[0]


def source_files():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if len(parts) > 1 and "migrations" not in parts:
            yield path


def _model(package: str, name: str):
    try:
        value = getattr(importlib.import_module(f"residanat.{package}.models"), name, None)
    except ModuleNotFoundError:
        return None
    if isinstance(value, type) and issubclass(value, django_models.Model):
        return value
    return None


def _absolute(path: pathlib.Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = ["residanat", *path.relative_to(ROOT).parts[:-1]]
    base = package[: len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imported_models(path: pathlib.Path, tree: ast.AST) -> tuple[dict, dict]:
    """({local name: model class}, {module alias: package}) from the module's imports of models."""
    classes, aliases = {}, {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(path, node).split(".")
            if len(module) == 3 and module[0] == "residanat" and module[2] == "models":
                for alias in node.names:
                    if (model := _model(module[1], alias.name)) is not None:
                        classes[alias.asname or alias.name] = model
            elif len(module) == 2 and module[0] == "residanat":
                for alias in node.names:
                    if alias.name == "models":
                        aliases[alias.asname or alias.name] = module[1]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                dotted = alias.name.split(".")
                if len(dotted) == 3 and dotted[0] == "residanat" and dotted[2] == "models" and alias.asname:
                    aliases[alias.asname] = dotted[1]
    return classes, aliases


def _relation(model, attr: str):
    """(is a field, related model) of `model.attr`: forward fields by name, reverse by accessor."""
    for field in model._meta.get_fields():
        name = field.get_accessor_name() if field.auto_created and not field.concrete else field.name
        if name == attr:
            return True, field.related_model if field.is_relation else None
    return False, None


class Module:
    """The model each expression of one module stands for, as the docstring's approximations say."""

    def __init__(self, path: pathlib.Path):
        self.path = path
        self.app = app_of(path)
        self.tree = ast.parse(path.read_text(), filename=str(path))
        self.classes, self.aliases = imported_models(path, self.tree)
        self.returns = self.local_returns()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.ImportFrom):
                source = ROOT.parent / (_absolute(path, node).replace(".", "/") + ".py")
                if source.exists() and source != path:
                    returns = _returns_of(source)
                    self.returns.update({alias.asname or alias.name: returns[alias.name]
                                         for alias in node.names if alias.name in returns})

    def local_returns(self) -> dict:
        """{function: model} for this module's functions annotated to return rows of a model."""
        return {node.name: model for node in self.tree.body
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None
                and (model := self.annotation(node.returns)) is not None}

    def annotation(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return None
        if isinstance(node, ast.BinOp):  # Model | None
            return self.annotation(node.left) or self.annotation(node.right)
        if isinstance(node, ast.Subscript):  # QuerySet[Model], list[Model]
            return self.annotation(node.slice)
        return self.model_of(node, {})

    def model_of(self, node, env):
        if isinstance(node, ast.Name):
            return self.classes.get(node.id) or env.get(node.id)
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in self.aliases:
                return _model(self.aliases[node.value.id], node.attr)
            base = self.model_of(node.value, env)
            if base is None:
                return None
            is_field, related = _relation(base, node.attr)
            return related if is_field else base
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in self.returns:
                return self.returns[node.func.id]
            return self.model_of(node.func, env)
        if isinstance(node, ast.Subscript):
            return self.model_of(node.value, env)
        if isinstance(node, ast.Await):
            return self.model_of(node.value, env)
        return None

    def bindings(self, function) -> dict:
        """{local name: model} for one function, flow-insensitive (see the docstring)."""
        env = {}
        args = function.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            if arg.annotation is not None and (model := self.annotation(arg.annotation)) is not None:
                env[arg.arg] = model
        for _round in range(3):
            for node in ast.walk(function):
                pairs = []
                if isinstance(node, ast.Assign):
                    pairs = [(target, node.value) for target in node.targets]
                elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                    pairs = [(node.target, node.value)]
                elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                    pairs = [(node.target, node.iter)]
                elif isinstance(node, (ast.With, ast.AsyncWith)):
                    pairs = [(item.optional_vars, item.context_expr) for item in node.items if item.optional_vars]
                for target, value in pairs:
                    if isinstance(target, ast.Tuple) and target.elts and isinstance(value, ast.Call) \
                            and isinstance(value.func, ast.Attribute) \
                            and value.func.attr in ("get_or_create", "update_or_create"):
                        target = target.elts[0]
                    if isinstance(target, ast.Name) and (model := self.model_of(value, env)) is not None:
                        env[target.id] = model
        return env

    def functions(self):
        """(qualified name, function node, its enclosing module-level function name)."""
        for top in self.tree.body:
            if isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield top.name, top, top.name
            elif isinstance(top, ast.ClassDef):
                for node in top.body:
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        yield f"{top.name}.{node.name}", node, None

    def writes(self):
        """[(function or None for module level, model, line)] of the module's direct writes."""
        found = []
        seen = set()
        for qualname, function, _top in self.functions():
            env = self.bindings(function)
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
                    model = self.model_of(node.func.value, env)
                    if model is not None and id(node) not in seen:
                        seen.add(id(node))
                        found.append((qualname, model, node.lineno))
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES \
                    and id(node) not in seen:
                model = self.model_of(node.func.value, {})
                if model is not None:
                    found.append((None, model, node.lineno))
        return found

    def writers(self) -> set[str]:
        """The module-level functions that write: directly, through a function of this module, or
        by calling another module's `do_…`."""
        direct = {qualname for qualname, _model, _line in self.writes() if qualname and "." not in qualname}
        calls = {}
        for name, function, top in self.functions():
            if top is None:
                continue
            called = set()
            for node in ast.walk(function):
                if isinstance(node, ast.Call):
                    func = node.func
                    callee = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
                    if callee:
                        called.add(callee)
            calls[name] = called
            if any(callee.startswith("do_") and callee not in calls for callee in called if callee != name):
                direct.add(name)
        writers, changed = set(direct), True
        while changed:
            changed = False
            for name, called in calls.items():
                if name not in writers and called & writers:
                    writers.add(name)
                    changed = True
        return writers


@functools.cache
def _returns_of(path: pathlib.Path) -> dict:
    module = Module.__new__(Module)
    module.path, module.app = path, app_of(path)
    module.tree = ast.parse(path.read_text(), filename=str(path))
    module.classes, module.aliases = imported_models(path, module.tree)
    module.returns = {}
    return module.local_returns()


def _owner(model) -> str:
    return model.__module__.split(".")[1]


def cross_app_writes() -> dict[str, list[str]]:
    """{module: ["function writes app.Model (line n)", …]} for writes of another app's models."""
    found = {}
    for path in source_files():
        module = Module(path)
        for qualname, model, line in module.writes():
            if _owner(model) != module.app:
                rel = str(path.relative_to(ROOT))
                found.setdefault(rel, []).append(
                    f"{qualname or '<module>'} writes {_owner(model)}.{model.__name__} (line {line})")
    return found


def is_service_module(path: pathlib.Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return (parts[0] not in NOT_SERVICE_PACKAGES and len(parts) == 2 and (ROOT / parts[0] / "models.py").exists()
            and not NOT_SERVICES.match(path.stem))


def misnamed_writers() -> list[str]:
    """["module:function", …] for the public writers of service modules not named do_<verb>_<noun>."""
    return [f"{path.relative_to(ROOT)}:{name}" for path in source_files() if is_service_module(path)
            for name in sorted(Module(path).writers()) if not name.startswith("_") and not WRITER_NAME.match(name)]


def test_each_model_is_written_only_by_its_own_app():
    offending = {module: writes for module, writes in cross_app_writes().items() if module not in CROSS_APP_ALLOWED}
    assert offending == {}


def test_public_writers_of_service_modules_are_named_do_verb_noun():
    assert [writer for writer in misnamed_writers() if writer not in NAMING_ALLOWED] == []


@pytest.mark.parametrize("allowed", ["cross_app", "naming"])
def test_every_allowed_entry_still_needs_its_exception(allowed):
    listed, found = {"cross_app": (CROSS_APP_ALLOWED, cross_app_writes),
                     "naming": (NAMING_ALLOWED, misnamed_writers)}[allowed]
    assert sorted(set(listed) - set(found())) == []


def test_the_analysis_sees_writes_through_classes_relations_and_instances(tmp_path):
    # The checks above would pass if nothing were resolved: they must see what they guard against.
    path = ROOT / "discipline" / "_probe_of_test_writers.py"
    source = (
        "from residanat.people.models import Person, TraineeStatus\n"
        "from residanat.people import models as people_models\n"
        "from .models import DisciplinaryCase\n"
        "def close(case: DisciplinaryCase, person: Person):\n"
        "    status = case.status\n"
        "    status.save()\n"
        "    person.statuses.create(kind='intern')\n"
        "    TraineeStatus.objects.filter(pk=1).update(end_date=None)\n"
        "    people_models.Person.objects.get_or_create(pk=1)\n"
        "    case.save()\n"
        "    case.documents.first().file.save('x', None)\n"
        "def open_it(case: DisciplinaryCase):\n"
        "    _write(case)\n"
        "def _write(case):\n"
        "    DisciplinaryCase.objects.create(status=None)\n"
    )
    module = Module.__new__(Module)
    module.path, module.app, module.tree = path, "discipline", ast.parse(source)
    module.classes, module.aliases = imported_models(path, module.tree)
    module.returns = {}
    seen = [(name, f"{_owner(model)}.{model.__name__}", line) for name, model, line in module.writes()]
    assert seen == [("close", "people.TraineeStatus", 6), ("close", "people.TraineeStatus", 7),
                    ("close", "people.TraineeStatus", 8), ("close", "people.Person", 9),
                    ("close", "discipline.DisciplinaryCase", 10), ("_write", "discipline.DisciplinaryCase", 15)]
    assert module.writers() == {"close", "open_it", "_write"}
