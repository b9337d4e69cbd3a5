"""outputs — what a person or a program reads: labels (zh/en), views and JSON documents, the
registry of formats, the one problem printer, exports, charts, the page, many counties.

Rule: imports reports and what lies below; rich only inside the renderers, typer never.
"""
