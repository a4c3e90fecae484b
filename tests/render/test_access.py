"""Access lists as the generated model and router carry them."""

from __future__ import annotations

from fastgen.render.environment import make_environment
from fastgen.render.resource import render_resource
from fastgen.spec.load import load_spec_text
from fastgen.state import ProjectState

SPEC = "version: 1\nresource: Note\nfields: {body: text}\n"


def rendered(text: str) -> dict[str, str]:
    spec = load_spec_text(text, "specs/note.yaml", roles=("admin", "editor"))
    state = ProjectState().with_resource(spec)
    return dict(render_resource(make_environment(), spec, state))


def test_no_access_block_means_authenticated_for_every_operation() -> None:
    model = rendered(SPEC)["app/models/note.py"]
    for operation in ("list", "read", "create", "update", "delete"):
        assert f'    "{operation}": ("authenticated", ),' in model
    assert "owner_id" not in model


def test_each_operation_checks_its_own_list_and_owner_adds_the_column() -> None:
    files = rendered(
        SPEC + "access: {list: [owner], read: [owner, admin], delete: [editor]}\n"
        "limits: {rate: 5/minute}\n"
    )
    model, router = files["app/models/note.py"], files["app/routers/note.py"]
    assert '    "list": ("owner", ),' in model
    assert '    "read": ("owner", "admin", ),' in model
    assert '    "create": ("authenticated", ),' in model
    assert "    owner_id: int | None = Field(" in model
    for operation in ("List", "Read", "Create", "Update", "Delete"):
        assert (
            f'Can{operation} = Annotated[Grant, Depends(allow(*ACCESS["{operation.lower()}"]))]'
            in router
        )
    assert 'Depends(rate_limit("notes", "delete", shared="5/minute"))' in router
    assert '"owner_id": grant.user_id,' in router
    assert "if not grant.all_rows:" in router
