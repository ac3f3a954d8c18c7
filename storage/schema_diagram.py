"""The schema as a Mermaid ER diagram, generated from the models.

``python -m storage.schema_diagram`` prints it; ``docs/analysts.md`` embeds the output,
and a test fails when the two drift apart.
"""
from __future__ import annotations

from storage.models import Base


def mermaid() -> str:
    lines = ["erDiagram"]
    for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
        lines.append(f"    {table.name} {{")
        for column in table.columns:
            kind = type(column.type).__name__.lower().replace("utcdatetime", "timestamp")
            marks = "PK" if column.primary_key else ("FK" if column.foreign_keys else "")
            lines.append(f"        {kind} {column.name}{(' ' + marks) if marks else ''}")
        lines.append("    }")
    for table in sorted(Base.metadata.tables.values(), key=lambda t: t.name):
        for fk in sorted(table.foreign_keys, key=lambda f: f.parent.name):
            lines.append(f"    {fk.column.table.name} ||--o{{ {table.name} : {fk.parent.name}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(mermaid())
