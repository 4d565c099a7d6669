"""One API edge (docs/decisions/0088-one-api-edge-permissions-in-services.md): the session and its
CSRF check, the permission check and the rate limits each live once, in common, and no app
grows its own copy again.

Every production module of src/metropoli is parsed with `ast` (nothing is imported), as in
tests/test_import_graph.py; test packages and conftest files are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "metropoli"

EDGE = "metropoli.common.api"
RATE_LIMITS = "metropoli.common.ratelimit"

# ninja's cookie/session authentication and its CSRF check: only common/api.py wraps them.
SESSION_NAMES = {
    "SessionAuth",
    "SessionAuthSuperUser",
    "SessionAuthIsStaff",
    "django_auth",
    "django_auth_superuser",
    "django_auth_is_staff",
    "APIKeyCookie",
}
AUTH_BASES = SESSION_NAMES | {"APIKeyHeader", "APIKeyQuery", "AuthBase"}
# Counting in the cache is what a rate limit does.
CACHE_COUNTING = {"incr", "decr", "add", "incr_version"}


def production_modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if "tests" in rel.parts or path.name == "conftest.py" or "static" in rel.parts:
            continue
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = ast.parse(path.read_text(), filename=str(path))
    return found


MODULES = production_modules()


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _calls_has_perm(node: ast.AST) -> bool:
    return any(
        isinstance(sub, ast.Call)
        and isinstance(sub.func, ast.Attribute)
        and sub.func.attr == "has_perm"
        for sub in ast.walk(node)
    )


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        return body[1:]
    return body


def _is_permission_helper(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A `require` of one's own: named like one and checking `has_perm`, or (any name) nothing
    but ``if not ….has_perm(…): raise …``."""
    if function.name.lstrip("_").startswith("require") and _calls_has_perm(function):
        return True
    body = _without_docstring(function.body)
    return (
        len(body) == 1
        and isinstance(body[0], ast.If)
        and _calls_has_perm(body[0].test)
        and len(body[0].body) == 1
        and isinstance(body[0].body[0], ast.Raise)
        and not body[0].orelse
    )


def _literal_args(call: ast.Call) -> list[object]:
    return [arg.value for arg in call.args if isinstance(arg, ast.Constant)]


def violations(modules: dict[str, ast.Module]) -> list[str]:
    found = []
    for module, tree in modules.items():
        for node in ast.walk(tree):
            where = f"{module}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.ImportFrom) and node.module:
                names = {alias.name for alias in node.names}
                if module != EDGE and node.module.startswith("ninja.security"):
                    for name in sorted(names & SESSION_NAMES):
                        found.append(f"{where} imports ninja's {name}: use common.api.session")
                if module != EDGE and node.module == "ninja.utils" and "check_csrf" in names:
                    found.append(f"{where} checks CSRF itself: use common.api")
                if node.module.startswith("ninja.throttling"):
                    found.append(f"{where} uses ninja's throttling: use common.ratelimit")
            elif isinstance(node, ast.ClassDef) and module != EDGE:
                for base in node.bases:
                    if _name(base) in AUTH_BASES:
                        found.append(
                            f"{where} class {node.name}({_name(base)}): its own session/key "
                            "authentication (common.api.SessionAuth is the one)"
                        )
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and module != EDGE:
                if _is_permission_helper(node):
                    found.append(
                        f"{where} {node.name}(): its own permission check (common.api.require)"
                    )
            elif isinstance(node, ast.Call):
                func = node.func
                if (
                    module != RATE_LIMITS
                    and isinstance(func, ast.Attribute)
                    and func.attr in CACHE_COUNTING
                    and _name(func.value) == "cache"
                ):
                    found.append(
                        f"{where} counts in the cache itself: use common.ratelimit.enforce"
                    )
                if _name(func) == "ApiError":
                    literals = _literal_args(node)
                    if 429 in literals:
                        found.append(f"{where} answers 429 itself: use common.ratelimit.enforce")
                    if "csrf_failed" in literals or "permission_denied" in literals:
                        found.append(f"{where} refuses in its own words: use common.api")
    return found


ROLE_WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "update", "delete"}
ROLES_SERVICE = "metropoli.territory.services"


def _on_role_assignments(node: ast.expr) -> bool:
    """Whether a call chain starts at ``RoleAssignment.objects`` (or the model itself)."""
    while True:
        if isinstance(node, ast.Name):
            return node.id == "RoleAssignment"
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return False


def role_writes(modules: dict[str, ast.Module]) -> list[str]:
    """Roles are written by territory's services only (decision 0089)."""
    found = []
    for module, tree in modules.items():
        if module == ROLES_SERVICE:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id == "RoleAssignment":
                found.append(f"{module}:{node.lineno} makes a RoleAssignment")
            elif (
                isinstance(func, ast.Attribute)
                and func.attr in ROLE_WRITES
                and _on_role_assignments(func.value)
            ):
                found.append(f"{module}:{node.lineno} RoleAssignment ….{func.attr}()")
    return found


def test_roles_are_written_only_by_territory_services():
    assert role_writes(MODULES) == []
    for copy in (
        "RoleAssignment.objects.create(user=u, role=r)",
        "RoleAssignment.objects.filter(user=u).delete()",
        "RoleAssignment(user=u).save()",
    ):
        assert role_writes({"metropoli.accounts.services": ast.parse(copy)})


def test_no_app_has_its_own_session_auth_require_or_rate_limit():
    assert violations(MODULES) == []


def test_the_one_edge_exists():
    edge = MODULES[EDGE]
    defined = {node.name for node in edge.body if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    assert {"SessionAuth", "require", "session_user"} <= defined
    assert "enforce" in {
        node.name for node in MODULES[RATE_LIMITS].body if isinstance(node, ast.FunctionDef)
    }


COPIES = {
    "session": """
from ninja.security import SessionAuth
class MySession(SessionAuth):
    pass
""",
    "django_auth": "from ninja.security import django_auth\n",
    "csrf": "from ninja.utils import check_csrf\n",
    "require": """
def _require(user, perm, obj):
    if not user.has_perm(perm, obj):
        raise PermissionDenied
""",
    "any-named helper": """
def only_staff(request, obj):
    '''Staff only.'''
    if not request.user.has_perm("x.y", obj):
        raise ApiError(403, "nope", "No.")
""",
    "counting": """
def limited(key):
    return cache.incr(key) > 5
""",
    "429": """
def refuse():
    raise ApiError(429, "slow_down", "Slow down.")
""",
    "throttling": "from ninja.throttling import AnonRateThrottle\n",
}


@pytest.mark.parametrize("kind", sorted(COPIES))
def test_each_kind_of_copy_is_found(kind):
    assert violations({"metropoli.someapp.api": ast.parse(COPIES[kind])})
