"""How each spec field becomes a column: the SQLAlchemy type (for migrations) and the
SQLModel declaration (for models). Both sides are derived here so they cannot disagree,
which is what keeps `alembic check` clean in generated projects.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from fastgen.spec import names
from fastgen.spec.constraints import decimal_digits, effective_max_length
from fastgen.spec.links import association_table
from fastgen.spec.model import FieldSpec, FieldType, OnDelete, RelationSpec, ResourceSpec

if TYPE_CHECKING:  # imported where tables are built: naming needs no SQLAlchemy
    import sqlalchemy as sa

PASSWORD_HASH_LENGTH = 255

# Constraint and index names follow one convention, in the revisions fastgen writes and in the
# generated app's metadata alike (`fastgen new` renders it into app/__init__.py), so that a
# migrated database and one made by `create_all` agree, and a unique violation names its field.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


OWNER_COLUMN = "owner_id"
USERS_TABLE = "users"  # the project skeleton's accounts (app/models/user.py)
LINK_ON_DELETE = "CASCADE"  # a link row goes with either of the rows it links


def enum_class_name(resource: ResourceSpec, field: FieldSpec) -> str:
    return names.enum_class_name(resource.resource, field.name)


def column_name(field: FieldSpec) -> str:
    """Password fields are stored hashed, in `<name>_hash`."""
    return names.password_column(field.name) if field.type is FieldType.PASSWORD else field.name


def fk_column_name(relation: RelationSpec) -> str:
    return names.foreign_key_column(relation.name)


def on_delete_sql(relation: RelationSpec) -> str:
    on_delete = relation.on_delete or OnDelete.RESTRICT
    return on_delete.value.upper()


def sa_type(resource: ResourceSpec, field: FieldSpec) -> sa.types.TypeEngine[Any]:
    """The SQLAlchemy type a field's column has in the database."""
    import sqlalchemy as sa

    kind = field.type
    result: sa.types.TypeEngine[Any]
    if kind in (FieldType.STR, FieldType.EMAIL, FieldType.URL):
        result = sa.String(length=effective_max_length(field))
    elif kind is FieldType.PASSWORD:
        result = sa.String(length=PASSWORD_HASH_LENGTH)
    elif kind is FieldType.TEXT:
        result = sa.Text()
    elif kind is FieldType.INT:
        result = sa.Integer()
    elif kind is FieldType.FLOAT:
        result = sa.Float()
    elif kind is FieldType.DECIMAL:
        precision, scale = decimal_digits(field)
        result = sa.Numeric(precision=precision, scale=scale)
    elif kind is FieldType.BOOL:
        result = sa.Boolean()
    elif kind is FieldType.DATE:
        result = sa.Date()
    elif kind is FieldType.DATETIME:
        result = sa.DateTime(timezone=True)
    elif kind is FieldType.TIME:
        result = sa.Time()
    elif kind is FieldType.UUID:
        result = sa.Uuid()
    elif kind is FieldType.JSON:
        result = sa.JSON()
    else:  # enum
        assert field.values is not None
        result = sa.Enum(*field.values, name=names.enum_type_name(resource.resource, field.name))
    return result


def field_column(resource: ResourceSpec, field: FieldSpec) -> sa.Column[Any]:
    """The column of one field, as the generated SQLModel model declares it."""
    import sqlalchemy as sa

    return sa.Column(
        column_name(field),
        sa_type(resource, field),
        nullable=field.optional,
        unique=field.unique or None,
        index=field.index or None,
    )


def build_table(
    resource: ResourceSpec, metadata: sa.MetaData, tables: Mapping[str, str]
) -> sa.Table:
    """The table a resource maps to, exactly as the generated SQLModel model declares it."""
    import sqlalchemy as sa

    columns: list[sa.Column[Any]] = [sa.Column("id", sa.Integer(), primary_key=True)]
    for field in resource.fields:
        columns.append(field_column(resource, field))
    for relation in resource.relations:
        if relation.kind != "belongs_to":
            continue
        columns.append(
            sa.Column(
                fk_column_name(relation),
                sa.Integer(),
                sa.ForeignKey(f"{tables[relation.target]}.id", ondelete=on_delete_sql(relation)),
                nullable=relation.optional,
                index=True,
            )
        )
    if resource.has_owner:
        columns.append(
            sa.Column(
                OWNER_COLUMN,
                sa.Integer(),
                sa.ForeignKey(f"{USERS_TABLE}.id", ondelete="SET NULL"),
                nullable=True,
                index=True,
            )
        )
    columns.append(sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
    columns.append(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False))
    return sa.Table(resource.table, metadata, *columns)


# -- many_to_many: one association ("link") table per relation ------------------------------


def build_tables(
    resources: Iterable[ResourceSpec], metadata: sa.MetaData, tables: Mapping[str, str]
) -> list[sa.Table]:
    """The tables of several resources: theirs first, then their link tables (which reference
    both sides), in the order given."""
    specs = list(resources)
    result = [build_table(spec, metadata, tables) for spec in specs]
    for spec in specs:
        for relation in link_relations(spec):
            result.append(build_link_table(spec, relation, metadata, tables))
    return result


def link_relations(resource: ResourceSpec) -> tuple[RelationSpec, ...]:
    """The relations of a resource that have a link table of their own (many_to_many)."""
    return tuple(relation for relation in resource.relations if relation.kind == "many_to_many")


def link_table_name(owner: ResourceSpec, relation: RelationSpec) -> str:
    """`books_tags` for `tags: {many_to_many: Tag}` on Book (table books)."""
    return link_table(owner.table, relation)


def link_table(owner_table: str, relation: RelationSpec) -> str:
    """`link_table_name` from the owner's table name alone (the loader's rule, which checks
    the name clashes with nothing)."""
    return association_table(owner_table, relation.name)


def link_columns(owner: ResourceSpec, relation: RelationSpec) -> tuple[str, str]:
    """(owner column, target column): `("book_id", "tag_id")` for Book.tags -> Tag.

    A relation from a resource to itself (Person.friends -> Person) would name both columns
    `person_id`: the target column is then named after the relation (`friends_id`), or
    `related_person_id` when even that is taken.
    """
    owner_column = names.id_parameter(owner.resource)
    target_column = names.id_parameter(relation.target)
    if target_column == owner_column:
        target_column = f"{relation.name}_id"
    if target_column == owner_column:
        target_column = f"related_{owner_column}"
    return owner_column, target_column


def link_class_name(owner: ResourceSpec, relation: RelationSpec) -> str:
    """`BookTagsLink`: the owner class, the relation name in PascalCase, `Link`."""
    return names.link_class_name(owner.resource, relation.name)


def build_link_table(
    owner: ResourceSpec, relation: RelationSpec, metadata: sa.MetaData, tables: Mapping[str, str]
) -> sa.Table:
    """The link table of a many_to_many relation, exactly as the generated SQLModel link model
    declares it: both columns form the primary key (which also serves lookups by owner), each
    references its side's `id` ON DELETE CASCADE, and the target column has an index of its own
    (lookups from the target side)."""
    import sqlalchemy as sa

    assert relation.kind == "many_to_many", relation
    owner_column, target_column = link_columns(owner, relation)
    return sa.Table(
        link_table_name(owner, relation),
        metadata,
        sa.Column(
            owner_column,
            sa.Integer(),
            sa.ForeignKey(f"{owner.table}.id", ondelete=LINK_ON_DELETE),
            primary_key=True,
            nullable=False,
        ),
        sa.Column(
            target_column,
            sa.Integer(),
            sa.ForeignKey(f"{tables[relation.target]}.id", ondelete=LINK_ON_DELETE),
            primary_key=True,
            nullable=False,
            index=True,
        ),
    )
