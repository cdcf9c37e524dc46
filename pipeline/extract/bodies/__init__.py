"""Named bodies (kind `body`): a spaCy pipeline driven by the rule files of rules/bodies/.

See extractor.py for the flow; `extract` is the entry point registered in
pipeline/extract/__init__.py.
"""

from pipeline.extract.bodies.extractor import extract

__all__ = ["extract"]
