"""Every state change audits and publishes, in one transaction: a walk over every service module proves it.

A *service module* is an app's `services.py` (or a module of a `services/` package), or any module that
holds a function decorated with `transaction.atomic` (the house's mark of a state change, e.g.
`directory/changes.py`). Every public function of those modules must, itself or through the functions
it calls (in its own module, or another service module's), call `audit.record(...)` and
`publish(...)`, and run inside `transaction.atomic`, so the change, its audit entry and its event land
together or not at all. The exceptions are listed below, each with its reason; an entry that is no
longer needed fails the test too, so the list cannot rot.
"""

from __future__ import annotations

import ast
import importlib
from dataclasses import dataclass, field
from pathlib import Path

CIVICHUB = Path(__file__).resolve().parent.parent / "civichub"

# "module:function" -> why it need not audit or publish (or both).
NOT_A_STATE_CHANGE = {
    "civichub.core.services:use_council_register": "wires the places register into the kernel at start-up",
    "civichub.core.services:user_for_api_token": "a read: finds the token's user (its last use is a "
    "bookkeeping stamp, not a change anyone is told of)",
    "civichub.integration.services:signing_secrets": "a read: the secrets to sign a delivery with",
    "civichub.places.services:council_facts": "a read of the register, for the kernel's add_council",
    "civichub.core.importing.runner:import_type": "a read: the registered import type of that name",
    "civichub.core.importing.runner:row_errors": "a read: a refused run's problems",
    "civichub.directory.reports:route": "a read: who deals with a category at a postcode",
    "civichub.core.throttle:address_of": "a read: the request's source address",
    "civichub.core.throttle:check": "a read: whether an attempt must wait",
    "civichub.core.throttle:locked_accounts": "a read: the accounts locked now",
    "civichub.core.throttle:record_success": "clears a failure count; the sign-in itself is audited "
    "(core.user.signed_in) by the signal that calls it",
    "civichub.core.rotation:sealed_fields": "a read: the sealed columns of the installed models",
    "civichub.core.rotation:survey": "a read: which key seals each stored secret",
    "civichub.directory.services:search_words": "pure: the words of some text, for a search entry",
    "civichub.directory.services:reindex": "rebuilds derived search entries from what is published; "
    "no fact changes, so nothing is audited or told",
    "civichub.directory.services:store_missing_documents": "stores the derived ORUK document of services "
    "that have none; no fact changes",
    "civichub.commissioning.services.notices:set_release_builder": "wires the OCDS release builder into "
    "publish_notice at start-up",
}
AUDITED_NOT_PUBLISHED = {
    "civichub.core.throttle:record_failure": "sign-in security: the failure is audited by its signal and "
    "a lock here; events go to councils' webhooks and carry no one's sign-ins",
    "civichub.core.throttle:unlock": "sign-in security: audited, not an event",
    "civichub.core.importing.runner:start_import": "accepting a file is audited; its event "
    "(core.import.completed) is published when the import is applied",
    "civichub.core.services:register_user": "a person's account: audited; events carry no personal "
    "data, and the role they are then given is published (core.membership.granted)",
    "civichub.core.services:create_api_token": "a person's own credential: audited; an event would tell "
    "a council's webhooks about someone's keys",
    "civichub.core.services:revoke_api_token": "a person's own credential: audited, not an event",
    "civichub.core.rotation:rotate": "platform upkeep of keys: audited; no council's business, and an "
    "event would tell webhooks when keys change",
    "civichub.core.second_factor:begin": "a person's own credential: audited, not an event",
    "civichub.core.second_factor:confirm": "a person's own credential: audited, not an event",
    "civichub.core.second_factor:renew_recovery_codes": "a person's own credential: audited, not an event",
    "civichub.core.second_factor:remove": "a person's own credential: audited, not an event",
    "civichub.core.second_factor:reset": "a person's own credential (reset by an administrator): audited, "
    "not an event",
    "civichub.core.second_factor:verify": "sign-in security: each use of a factor is audited; events carry "
    "no one's sign-ins",
    "civichub.core.accounts:change_password": "a person's own credential: audited, not an event",
    "civichub.core.accounts:sign_out_everywhere": "a person's own sessions: audited, not an event",
    "civichub.integration.services:register_endpoint": "webhook configuration is the delivery channel "
    "itself: audited; publishing it would send endpoints news of themselves",
    "civichub.integration.services:rotate_secret": "webhook configuration: audited, not an event",
    "civichub.integration.services:set_active": "webhook configuration: audited, not an event",
    "civichub.integration.services:redeliver": "asks for a delivery again: audited; the event itself "
    "was published when it happened",
    "civichub.core.backup.services:take_backup": "an operation on the whole platform, not news of any "
    "council's: audited with the manifest's hash; events go to councils' webhooks",
    "civichub.core.backup.services:restore_backup": "audited in the restored copy; its outbox comes back "
    "as it was, and no council's facts changed, so there is no news for webhooks",
}


@dataclass
class Function:
    module: str
    name: str
    node: ast.FunctionDef
    calls: set[tuple[str, str]] = field(default_factory=set)  # (module, function) it calls
    audits: bool = False
    publishes: bool = False
    atomic: bool = False


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(CIVICHUB.parent).with_suffix("").parts)


def _imports(tree: ast.Module, module: str) -> dict[str, str]:
    """Local name -> the dotted module or module:function it stands for."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("civichub"):
            for alias in node.names:
                target = f"{node.module}.{alias.name}"
                try:
                    importlib.import_module(target)
                    names[alias.asname or alias.name] = target
                except ImportError:
                    names[alias.asname or alias.name] = f"{node.module}:{alias.name}"
    return names


def _is_atomic(node: ast.FunctionDef) -> bool:
    if any(ast.unparse(d) in ("transaction.atomic", "atomic") for d in node.decorator_list):
        return True
    return any(
        isinstance(n, ast.With) and any("atomic" in ast.unparse(item.context_expr) for item in n.items)
        for n in ast.walk(node)
    )


def _functions(path: Path) -> dict[str, Function]:
    module = _module_name(path)
    tree = ast.parse(path.read_text())
    imported = _imports(tree, module)
    found: dict[str, Function] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        function = Function(module, node.name, node, atomic=_is_atomic(node))
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            text = ast.unparse(call.func)
            if text in ("audit.record", "record") and imported.get(text.split(".")[0], "").startswith(
                "civichub.core.audit"
            ):
                function.audits = True
            elif text in ("publish", "outbox.publish"):
                function.publishes = True
            elif isinstance(call.func, ast.Name):
                target = imported.get(call.func.id, "")
                function.calls.add(tuple(target.split(":")) if ":" in target else (module, call.func.id))  # type: ignore[arg-type]
            elif isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name):
                target = imported.get(call.func.value.id, "")
                if target and ":" not in target:
                    function.calls.add((target, call.func.attr))
        found[node.name] = function
    return found


def _service_modules() -> list[Path]:
    modules = []
    for path in sorted(CIVICHUB.rglob("*.py")):
        parts = path.relative_to(CIVICHUB).parts
        # The demo is not a context: it seeds data through the contexts' own services.
        if {"migrations", "tests", "management", "demo"} & set(parts):
            continue
        text = path.read_text()
        if path.name == "services.py" or "services" in parts[:-1] or "@transaction.atomic" in text:
            modules.append(path)
    return modules


def _walk() -> tuple[dict[tuple[str, str], Function], list[Function]]:
    every: dict[tuple[str, str], Function] = {}
    public: list[Function] = []
    for path in _service_modules():
        for name, function in _functions(path).items():
            every[(function.module, name)] = function
            if not name.startswith("_"):
                public.append(function)
    return every, public


def _closure(every: dict[tuple[str, str], Function], start: Function) -> tuple[bool, bool, bool]:
    """(audits, publishes, atomic) of a function and everything it calls, as far as the walk can see."""
    seen: set[tuple[str, str]] = set()
    todo = [(start.module, start.name)]
    audits = publishes = False
    while todo:
        key = todo.pop()
        if key in seen or key not in every:
            continue
        seen.add(key)
        function = every[key]
        audits |= function.audits
        publishes |= function.publishes
        todo.extend(function.calls)
    # One transaction: the function itself, or what it hands the work to (a task that runs an import).
    atomic = start.atomic or any(every[key].atomic for key in seen if every[key].audits)
    return audits, publishes, atomic


def test_every_public_service_function_audits_and_publishes_in_one_transaction() -> None:
    every, public = _walk()
    assert len(public) > 20, "the walk found too few service functions to be looking in the right place"
    problems = []
    for function in public:
        key = f"{function.module}:{function.name}"
        if key in NOT_A_STATE_CHANGE:
            continue
        audits, publishes, atomic = _closure(every, function)
        if not audits:
            problems.append(f"{key} changes state but writes no audit entry")
        if not publishes and key not in AUDITED_NOT_PUBLISHED:
            problems.append(f"{key} changes state but publishes no event")
        if not atomic:
            problems.append(f"{key} is not one transaction (@transaction.atomic)")
    assert not problems, "\n".join(problems)


def test_the_exceptions_are_all_still_needed() -> None:
    every, public = _walk()
    names = {f"{f.module}:{f.name}": f for f in public}
    for key in (*NOT_A_STATE_CHANGE, *AUDITED_NOT_PUBLISHED):
        assert key in names, f"{key} is on an allow-list but is no longer a public service function"
    for key in AUDITED_NOT_PUBLISHED:
        audits, publishes, _ = _closure(every, names[key])
        assert audits and not publishes, f"{key} now publishes (or no longer audits): update the list"
