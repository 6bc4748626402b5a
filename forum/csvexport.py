"""CSV files that open cleanly in a spreadsheet and cannot run as formulas there."""
import csv
import io

# A cell starting with one of these is read as a formula by spreadsheets.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text  # a number stays a number (even a negative one)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_csv(rows) -> str:
    """Rows (the first is the header) as CSV text with a UTF-8 byte-order mark."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
