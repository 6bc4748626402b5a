"""CSV files people open in a spreadsheet: UTF-8 with a byte-order mark (so Excel
reads it as such), and safe against formula injection: a text cell in which a
formula could start gets a leading apostrophe, so it stays text."""
import csv
import io
import re
from collections.abc import Iterable

from flask import Response

# = + - @ at the cell's first non-space character, or after any separator that a
# spreadsheet may split the cell on (pasted, or imported with ; or | as delimiter);
# or a cell that opens with a tab or a carriage return.
FORMULA = re.compile(r"(?:^|[,;|\t\r\n])\s*[=+\-@]|^[\t\r]")


def safe_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text  # a number stays a number (even a negative one)
    return "'" + text if FORMULA.search(text) else text


def write_csv(rows: Iterable[Iterable]) -> str:
    """Rows (the first is the header) as CSV text with a UTF-8 byte-order mark."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def csv_response(filename: str, header: list[str], rows: Iterable[Iterable]) -> Response:
    body = write_csv([header, *rows])
    return Response(body.encode("utf-8"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Content-Type": "text/csv; charset=utf-8"})
