"""What changed in the generated Python packages, as downstream code sees it.

Both trees are loaded statically with griffe. `griffe.find_breaking_changes` (2.4.1) reports, as
`Breakage` subclasses: removed objects (`ObjectRemovedBreakage`; once per removed module; enum members
too), removed/now-required/added-required/moved/re-kinded parameters and changed defaults
(`Parameter*Breakage`), `ObjectChangedKindBreakage`, `ClassRemovedBaseBreakage`, and a return
annotation that disappeared (`ReturnChangedTypeBreakage`). Gaps found by experiment, filled here:
- no additions at all (it looks for breakages only);
- no annotation comparison: `_returns_are_compatible` ends in `return True`, `_attribute_incompatibilities`
  yields nothing (`ATTRIBUTE_CHANGED_TYPE`/`_VALUE` never emitted), parameter annotations are ignored;
- no attrs `__init__` (the built-in extension synthesizes it for `dataclasses.dataclass` only), so a lost
  `= UNSET` or a new required field goes unseen;
- `Function.overloads` are ignored, only the implementation is compared;
- a definition missing from its module's `__all__` is private to griffe, yet src/bria imports
  `bria.resources.status.JOB_STATUS`: every non-underscore definition is marked public first;
- a rename is a removal; enum member values are not compared.

Conventions: dunders are public (griffe's rule); imports are public only through `__all__`. attrs
constructors are taken as called by keyword (as `from_dict` and the facades do): field order is not
compared, nor the type of a private field (`_x`, parameter `x`). Renames are a heuristic: in one parent,
exactly one removed and one added object with the same fingerprint (kind, signature or annotation and
value, public member names). Overloads are paired by position.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

import griffe
from griffe import BreakageKind

from .changes import Change
from .layout import RESOURCES_PACKAGE, TYPES_MODULE, SpecDocument

# What downstream code imports from generated/python: the facades, the public types, and (for the
# generated-client level of the report) each document's package, as `package_names(documents)` lists them.
PUBLIC_MODULES = (RESOURCES_PACKAGE, TYPES_MODULE)


def package_names(documents: Sequence[SpecDocument]) -> tuple[str, ...]:
    return (*PUBLIC_MODULES, *(document.package for document in documents))


_ATTRS_DECORATORS = frozenset(
    f"{module}.{name}" for module in ("attrs", "attr") for name in ("define", "frozen", "mutable", "s", "attrs")
)
_ATTRS_FIELDS = frozenset({"attrs.field", "attr.field", "attr.ib", "attr.attrib", "attrs.attrib"})
_ENUM_BASES = frozenset({"enum.Enum", "enum.StrEnum", "enum.IntEnum", "enum.Flag", "enum.IntFlag"})
_Member = griffe.Object | griffe.Alias


def diff_python_api(old_root: Path, new_root: Path, packages: Sequence[str]) -> list[Change]:
    """old_root/new_root each contain the package directories (like generated/python). Sorted, deduplicated,
    level="python", scope=<top-level package>."""
    changes: set[Change] = set()
    old_tops: dict[str, griffe.Module | None] = {}
    new_tops: dict[str, griffe.Module | None] = {}
    for package in packages:
        old, new = _load(package, old_root, old_tops), _load(package, new_root, new_tops)
        changes.update(_diff_package(package, old, new))
    return sorted(changes)


def _load(package: str, root: Path, tops: dict[str, griffe.Module | None]) -> griffe.Module | None:
    """`package` (dotted) from the tree at `root`, or None. Each top-level package is loaded once per tree:
    `bria` is one namespace for every document, and griffe parses all of it for any of its members."""
    top, *rest = package.split(".")
    if top not in tops:
        # `try_relative_path=False`: a directory of the same name in the working directory must not win.
        try:
            loaded = griffe.load(top, search_paths=[root], allow_inspection=False, try_relative_path=False)
        except ModuleNotFoundError:
            loaded = None
        if loaded is not None and not isinstance(loaded, griffe.Module):
            raise TypeError(f"{top} in {root} is not a module")
        if loaded is not None:
            _mark_public(loaded)
        tops[top] = loaded
    module: griffe.Object | griffe.Alias | None = tops[top]
    for name in rest:
        module = module.members.get(name) if isinstance(module, griffe.Module) else None
    if module is not None and not isinstance(module, griffe.Module):
        raise TypeError(f"{package} in {root} is not a module")
    return module


def _mark_public(parent: griffe.Module | griffe.Class) -> None:
    # griffe hides definitions left out of `__all__`; downstream code imports them all the same.
    for member in parent.members.values():
        if isinstance(member, griffe.Alias):
            continue
        if not member.name.startswith("_") and not member.is_public:
            member.public = True
        if isinstance(member, griffe.Module | griffe.Class):
            _mark_public(member)


def _diff_package(package: str, old: griffe.Module | None, new: griffe.Module | None) -> set[Change]:
    if old is None or new is None:
        if old is new:
            return set()
        return {Change("python", package, package, "added" if old is None else "removed", new is None)}
    diff = _Diff(package)
    for breakage in griffe.find_breaking_changes(old, new):
        diff.from_breakage(breakage)
    diff.walk(old, new)
    return diff.finish()


class _Diff:
    def __init__(self, package: str) -> None:
        self.package = package
        self.changes: set[Change] = set()
        # Held back until renames are paired: path -> object.
        self.removed: dict[str, _Member] = {}
        self.added: dict[str, _Member] = {}

    def add(self, where: str, what: str, *, breaking: bool) -> None:
        self.changes.add(Change("python", self.package, where, what, breaking))

    def from_breakage(self, breakage: griffe.Breakage) -> None:
        kind = breakage.kind
        if kind is BreakageKind.OBJECT_REMOVED:
            self.removed[breakage.obj.path] = breakage.obj
            return
        parameter = breakage.new_value if kind is BreakageKind.PARAMETER_ADDED_REQUIRED else breakage.old_value
        if isinstance(parameter, griffe.Parameter):
            where = f"{breakage.obj.path}({parameter.name})"
            self.add(where, _parameter_what(breakage, parameter.name), breaking=True)
        else:
            self.add(breakage.obj.path, _object_what(breakage), breaking=True)

    def walk(self, old: griffe.Module | griffe.Class, new: griffe.Module | griffe.Class) -> None:
        for name, new_member in new.members.items():
            old_member = old.members.get(name)
            if not new_member.is_public:
                continue
            if old_member is None or not old_member.is_public:
                self.added[new_member.path] = new_member
            elif not isinstance(old_member, griffe.Alias) and not isinstance(new_member, griffe.Alias):
                self.compare(old_member, new_member)

    def compare(self, old: griffe.Object, new: griffe.Object) -> None:
        # A kind change is griffe's ObjectChangedKindBreakage; nothing finer to say.
        if isinstance(old, griffe.Module) and isinstance(new, griffe.Module):
            self.walk(old, new)
        elif isinstance(old, griffe.Class) and isinstance(new, griffe.Class):
            self.compare_attrs_fields(old, new)
            self.walk(old, new)
        elif isinstance(old, griffe.Function) and isinstance(new, griffe.Function):
            self.compare_signatures(old, new, new.path)
            self.compare_overloads(old, new)
        elif isinstance(old, griffe.Attribute) and isinstance(new, griffe.Attribute):
            if _shown(old.annotation) != _shown(new.annotation) and not _only_unset_dropped(
                old.annotation, new.annotation
            ):
                self.add(new.path, f"type changed: {_shown(old.annotation)} -> {_shown(new.annotation)}", breaking=True)
            if _is_enum(new.parent) and _shown(old.value) != _shown(new.value):
                self.add(new.path, f"value changed: {_shown(old.value)} -> {_shown(new.value)}", breaking=True)

    def compare_signatures(self, old: griffe.Function, new: griffe.Function, where: str) -> None:
        before = {parameter.name: parameter for parameter in old.parameters}
        for parameter in new.parameters:
            previous = before.get(parameter.name)
            at = f"{where}({parameter.name})"
            if previous is None and not parameter.required:
                self.add(at, f"parameter `{parameter.name}` added", breaking=False)
            elif (
                previous is not None
                and _shown(previous.annotation) != _shown(parameter.annotation)
                and not _only_unset_dropped(previous.annotation, parameter.annotation)
            ):
                change = f"{_shown(previous.annotation)} -> {_shown(parameter.annotation)}"
                self.add(at, f"type changed: {change}", breaking=True)
        # A return annotation that appears is not a break (griffe's view); one that goes is griffe's report.
        if old.returns is not None and new.returns is not None and str(old.returns) != str(new.returns):
            self.add(where, f"return type changed: {_shown(old.returns)} -> {_shown(new.returns)}", breaking=True)

    def compare_overloads(self, old: griffe.Function, new: griffe.Function) -> None:
        old_overloads, new_overloads = old.overloads or [], new.overloads or []
        for before, after in zip(old_overloads, new_overloads, strict=False):
            # griffe checks only the implementation: repeat its parameter checks, in its words so that
            # a parameter dropped everywhere is one change after deduplication.
            now = {parameter.name: parameter for parameter in after.parameters}
            for name, was in ((parameter.name, parameter) for parameter in before.parameters):
                if name not in now or (now[name].required and not was.required):
                    what = "removed" if name not in now else "became required"
                    self.add(f"{new.path}({name})", f"parameter `{name}` {what}", breaking=True)
            self.compare_signatures(before, after, new.path)
        if len(new_overloads) != len(old_overloads):
            shrunk = len(new_overloads) < len(old_overloads)
            self.add(new.path, "overload removed" if shrunk else "overload added", breaking=shrunk)

    def compare_attrs_fields(self, old: griffe.Class, new: griffe.Class) -> None:
        if not (_is_attrs(old) and _is_attrs(new)):
            return
        before, after = _init_fields(old), _init_fields(new)
        for name in before.keys() | after.keys():
            # attrs drops a leading underscore: `_x` is the public parameter `x`, which the member walk skips.
            param = name.lstrip("_")
            at, was, now = f"{new.path}({param})", before.get(name), after.get(name)
            if was is None or now is None:
                if name.startswith("_"):  # public names: griffe's removal or our addition
                    self.private_field_presence(at, param, now)
            elif now[0] and not was[0]:
                self.add(at, f"parameter `{param}` became required", breaking=True)
            elif not now[0] and not was[0] and was[1] != now[1]:
                self.add(at, f"parameter `{param}` default changed: `{was[1]}` -> `{now[1]}`", breaking=True)

    def private_field_presence(self, at: str, param: str, now: tuple[bool, str] | None) -> None:
        if now is None:
            self.add(at, f"parameter `{param}` removed", breaking=True)
        elif now[0]:
            self.add(at, f"new required constructor parameter `{param}`", breaking=True)
        else:
            self.add(at, f"parameter `{param}` added", breaking=False)

    def finish(self) -> set[Change]:
        for old_path, new_path in _pair_renames(self.removed, self.added):
            del self.removed[old_path], self.added[new_path]
            self.add(old_path, f"renamed to `{new_path.rpartition('.')[2]}`", breaking=True)
        for path in self.removed:
            self.add(path, "removed", breaking=True)
        for path, member in self.added.items():
            if _is_required_field(member):
                parent, _, name = path.rpartition(".")
                self.add(f"{parent}({name})", f"new required constructor parameter `{name}`", breaking=True)
            else:
                self.add(path, "added", breaking=False)
        return self.changes


def _parameter_what(breakage: griffe.Breakage, name: str) -> str:
    kind, old, new = breakage.kind, breakage.old_value, breakage.new_value
    if kind is BreakageKind.PARAMETER_REMOVED:
        return f"parameter `{name}` removed"
    if kind is BreakageKind.PARAMETER_CHANGED_REQUIRED:
        return f"parameter `{name}` became required"
    if kind is BreakageKind.PARAMETER_ADDED_REQUIRED:
        return f"new required parameter `{name}`"
    if kind is BreakageKind.PARAMETER_CHANGED_KIND:
        return f"parameter `{name}` kind changed: {old.kind.value} -> {new.kind.value}"
    if kind is BreakageKind.PARAMETER_CHANGED_DEFAULT:
        return f"parameter `{name}` default changed: {_shown(old.default)} -> {_shown(new.default)}"
    if kind is BreakageKind.PARAMETER_MOVED:
        return f"parameter `{name}` moved ({breakage.details})"
    return f"parameter `{name}`: {kind.value.lower()}"


def _object_what(breakage: griffe.Breakage) -> str:
    kind, old, new = breakage.kind, breakage.old_value, breakage.new_value
    if kind is BreakageKind.RETURN_CHANGED_TYPE:
        return f"return type changed: {_shown(old)} -> {_shown(new)}"
    if kind is BreakageKind.OBJECT_CHANGED_KIND:
        return f"kind changed: {old.value} -> {new.value}"
    if kind is BreakageKind.CLASS_REMOVED_BASE:
        gone = sorted({str(base) for base in old} - {str(base) for base in new})
        return "base class removed: " + ", ".join(f"`{base}`" for base in gone)
    return f"{kind.value.lower()}: {_shown(old)} -> {_shown(new)}"


def _only_unset_dropped(old: object, new: object) -> bool:
    """`X | Unset` -> `X`: how the generator spells "became required", which is reported on its own."""
    old_parts, new_parts = str(old).split(" | "), str(new).split(" | ")
    return "Unset" in old_parts and [part for part in old_parts if part != "Unset"] == new_parts


def _shown(value: object) -> str:
    return "unannotated" if value is None else f"`{value}`"


def _pair_renames(removed: dict[str, _Member], added: dict[str, _Member]) -> Iterator[tuple[str, str]]:
    # Unambiguous pairs only: one removal and one addition with the same fingerprint in one parent.
    def keyed(members: dict[str, _Member]) -> dict[tuple[str, object], str]:
        keys = {path: (path.rpartition(".")[0], _fingerprint(member)) for path, member in members.items()}
        counts = Counter(keys.values())
        return {key: path for path, key in keys.items() if key[1] is not None and counts[key] == 1}

    new_by_key = keyed(added)
    for key, old_path in keyed(removed).items():
        if key in new_by_key:
            yield old_path, new_by_key[key]


def _fingerprint(member: _Member) -> object:
    if isinstance(member, griffe.Function):
        parameters = tuple((p.name, p.kind.value, str(p.annotation), p.required) for p in member.parameters)
        return ("function", tuple(sorted(member.labels)), parameters, str(member.returns))
    if isinstance(member, griffe.Attribute):
        return ("attribute", str(member.annotation), str(member.value))
    if isinstance(member, griffe.Class | griffe.Module):
        names = tuple(sorted(name for name, child in member.members.items() if child.is_public))
        bases = tuple(str(base) for base in member.bases) if isinstance(member, griffe.Class) else ()
        return (member.kind.value, bases, names)
    # Aliases (re-exports) point elsewhere by design; pairing them would be guesswork.
    return None


def _canonical(value: str | griffe.Expr) -> str:
    if isinstance(value, griffe.ExprCall):
        value = value.function
    return value.canonical_path if isinstance(value, griffe.Expr) else value


def _is_attrs(cls: griffe.Class) -> bool:
    return any(_canonical(decorator.value) in _ATTRS_DECORATORS for decorator in cls.decorators)


def _is_enum(parent: griffe.Module | griffe.Class | None) -> bool:
    return isinstance(parent, griffe.Class) and any(_canonical(base) in _ENUM_BASES for base in parent.bases)


def _init_fields(cls: griffe.Class) -> dict[str, tuple[bool, str]]:
    """attrs `__init__` parameters: name -> (required, default text)."""
    fields: dict[str, tuple[bool, str]] = {}
    for name, member in cls.members.items():
        if isinstance(member, griffe.Attribute) and (field := _init_field(member)) is not None:
            fields[name] = field
    return fields


def _init_field(attribute: griffe.Attribute) -> tuple[bool, str] | None:
    """(required, default text) if the attribute is an attrs `__init__` parameter, else None."""
    # attrs (auto_attribs) collects annotated instance attributes; ClassVars and properties are not fields.
    if attribute.annotation is None or "property" in attribute.labels or "instance-attribute" not in attribute.labels:
        return None
    value = attribute.value
    if value is None:
        return (True, "")
    if not (isinstance(value, griffe.ExprCall) and _canonical(value) in _ATTRS_FIELDS):
        return (False, str(value))
    keywords = {arg.name: str(arg.value) for arg in value.arguments if isinstance(arg, griffe.ExprKeyword)}
    if keywords.get("init") == "False":
        return None
    default = keywords.get("default", keywords.get("factory"))
    return (True, "") if default is None else (False, default)


def _is_required_field(member: _Member) -> bool:
    if not isinstance(member, griffe.Attribute) or not isinstance(member.parent, griffe.Class):
        return False
    field = _init_field(member)
    return _is_attrs(member.parent) and field is not None and field[0]
