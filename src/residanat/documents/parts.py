"""Long listings rendered in parts, side by side (issue 22: a merit list of 3,000 rows in seconds).

WeasyPrint lays out one document on one CPU, about 8 ms per row of a listing. `render_listing_pdf`
splits `facts["rows"]` into consecutive parts, renders each in its own process (forked from the
worker: the rendering reads no model, only the facts) and joins their pages with pypdf. Each part
starts on a new page; the first carries the heading, the last the closing paragraphs and the
signature (the template leaves out the heading where `part.follows`, the closing lines where
`part.followed`; without `part`, it renders the whole document). The footer's "page n / N" counts
over the whole document: once paginated, each part tells its page count and waits for its offset
and the total before drawing its margin boxes.
"""

from __future__ import annotations

import io
import math
import multiprocessing
import os
import traceback

from pypdf import PdfReader, PdfWriter

from .pdf import render_pdf_bytes

# Below this many rows per part, forking costs more than it saves.
PART_ROWS = 300


def part_count(rows: int, processes: int | None = None) -> int:
    return max(1, min(processes or os.cpu_count() or 1, rows // PART_ROWS))


def render_listing_pdf(*, template: str, facts: dict, kind: str, title: str, language: str,
                       extra_context: dict | None = None, processes: int | None = None) -> bytes:
    """`render_pdf_bytes` for a listing of `facts["rows"]`, in parts when it is long."""
    rows = facts["rows"]
    parts = part_count(len(rows), processes)
    if parts == 1:
        return render_pdf_bytes(template=template, facts=facts, kind=kind, title=title, language=language,
                                extra_context=extra_context)
    size = math.ceil(len(rows) / parts)
    forking = multiprocessing.get_context("fork")
    pipes, processes_ = [], []
    try:
        for index in range(parts):
            ours, theirs = forking.Pipe()
            context = {**(extra_context or {}), "part": {"follows": index > 0, "followed": index < parts - 1}}
            process = forking.Process(target=_render_part, daemon=True, args=(
                theirs, dict(template=template, facts={**facts, "rows": rows[index * size:(index + 1) * size]},
                             kind=kind, title=title, language=language, extra_context=context)))
            process.start()
            theirs.close()
            pipes.append(ours)
            processes_.append(process)
        counts = [_receive(pipe) for pipe in pipes]
        offset = 0
        for pipe, count in zip(pipes, counts):
            pipe.send((offset, sum(counts)))
            offset += count
        pdfs = [_receive(pipe) for pipe in pipes]
    finally:
        for process in processes_:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
    return _join(pdfs)


def _receive(pipe):
    try:
        message = pipe.recv()
    except EOFError:
        raise RuntimeError("a part of the listing stopped without an answer") from None
    if isinstance(message, dict) and "error" in message:
        raise RuntimeError(f"a part of the listing failed:\n{message['error']}")
    return message


def _render_part(pipe, arguments: dict) -> None:
    """In the forked process: render, telling the page count and numbering from the offset received."""
    import weasyprint.layout

    original = weasyprint.layout.make_margin_boxes
    numbering = {}

    def numbered_margin_boxes(context, page, state):
        counters = state[1]
        if not numbering:  # paginated: the part's page count is known, the others' not yet
            pipe.send(counters["pages"][0])
            numbering["offset"], numbering["total"] = pipe.recv()
        counters["page"] = [context.current_page + numbering["offset"]]
        counters["pages"] = [numbering["total"]]
        return original(context, page, state)

    weasyprint.layout.make_margin_boxes = numbered_margin_boxes
    try:
        pipe.send(render_pdf_bytes(**arguments))
    except BaseException:
        pipe.send({"error": traceback.format_exc()})
    finally:
        pipe.close()


def _join(pdfs: list[bytes]) -> bytes:
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    first = PdfReader(io.BytesIO(pdfs[0]))
    if first.metadata:
        writer.add_metadata(dict(first.metadata))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
