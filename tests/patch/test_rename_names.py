"""`name_mapping` and `rename_names`: the names of a renamed resource changed in generated code
and in the hand-edited file alike."""

from __future__ import annotations

from fastgen.patch.rename_names import name_forms, name_mapping, rename_names

# Book's router as fastgen generates it before and after Author is renamed Writer: the relation
# keeps its name (`author`), so the name `author` stays while the module path changes.
BEFORE = """from app.models.author import ACCESS as AUTHOR_ACCESS
from app.models.author import Author


def parent(author: Author) -> bool:
    return bool(AUTHOR_ACCESS) and author is not None
"""
AFTER = """from app.models.writer import ACCESS as WRITER_ACCESS
from app.models.writer import Writer


def parent(author: Writer) -> bool:
    return bool(WRITER_ACCESS) and author is not None
"""
FORMS = name_forms("Author", "Writer", ("authors", "writers"))


def test_a_module_renamed_under_a_name_that_stays_is_renamed_in_imports() -> None:
    mapping = name_mapping(BEFORE, AFTER, FORMS)
    assert mapping == {
        "AUTHOR_ACCESS": "WRITER_ACCESS",
        "Author": "Writer",
        "app.models.author": "app.models.writer",
    }
    assert rename_names(BEFORE, mapping) == AFTER


def test_hand_written_code_keeps_its_own_names_and_strings() -> None:
    hand = (
        BEFORE
        + '''

def count_by_author(author: str) -> str:  # hand-written
    """from app.models.author import Author"""
    return f"Author {author}"
'''
    )
    renamed = rename_names(hand, name_mapping(BEFORE, AFTER, FORMS))
    assert renamed.startswith(AFTER)
    assert "def count_by_author(author: str) -> str:  # hand-written\n" in renamed
    assert '    """from app.models.author import Author"""\n' in renamed
    assert 'return f"Author {author}"' in renamed
