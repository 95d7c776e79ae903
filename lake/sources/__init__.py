"""The sources the pipeline knows, and where each one's stages live.

Data flow: SOURCES -> stage_mains(source) -> extract/{s}_bronze.py, load/load_{s}_stg.py,
           normalize/normalize_{s}.py main(argv) -> scripts/daily_pipeline.py runs them in order.
Run standalone: python -c "from lake.sources import SOURCES, configured; print(SOURCES)"

A source is its entity table (lake/sources/{s}.py) plus three thin stage modules named after it; adding
one is adding its name here. A source counts as configured when any {S}_* variable is set, so a team
that uses only one of them gets a green daily run, not a daily configuration error for the other.
"""
from __future__ import annotations

import importlib
from typing import Callable

from lake.settings import Settings

SOURCES = ("pipedrive", "zendesk")
STAGES = ("extract", "load", "normalize")


def stage_mains(source: str) -> list[tuple[str, Callable]]:
    """[(stage, main)] in run order for one source."""
    modules = (f"extract.{source}_bronze", f"load.load_{source}_stg", f"normalize.normalize_{source}")
    return [(stage, importlib.import_module(name).main) for stage, name in zip(STAGES, modules)]


def source_entities(source: str) -> tuple:
    """The source's entity table (lake/sources/{s}.py ENTITIES); () for a name that is not a source."""
    return importlib.import_module(f"lake.sources.{source}").ENTITIES if source in SOURCES else ()


def extractor(source: str):
    """The source's extract.engine.Source (extract/{s}_bronze.py EXTRACTOR): its entities, session, window."""
    return importlib.import_module(f"extract.{source}_bronze").EXTRACTOR


def configured(settings: Settings) -> list[str]:
    """The sources with at least one of their settings present (in the environment or .env)."""
    return [s for s in SOURCES if any(k.startswith(f"{s.upper()}_") and v.strip()
                                      for k, v in settings.environ.items())]
