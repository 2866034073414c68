"""Render a Vega-Lite spec to PNG or SVG without a browser, with a font that has Chinese glyphs.

vl-convert (the ``charts`` extra) bundles Vega-Lite and a Deno runtime in one wheel and draws with
resvg, so nothing is fetched at run time. Its text is only as good as the fonts it can find: a
chart whose text contains CJK characters is drawn with a registered CJK font, and when none can be
found we refuse (a chart of tofu boxes is worse than no chart).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from tablepilot.errors import ConfigError, InputError

INSTALL_HINT = "pip install 'tablepilot[charts]'  (or: pip install vl-convert-python)"
FONT_DIR_ENV = "TABLEPILOT_FONT_DIR"

#: (file-name fragment, family name) of common CJK fonts, best first
CJK_FONTS: tuple[tuple[str, str], ...] = (
    ("notosanscjk", "Noto Sans CJK SC"),
    ("sourcehansans", "Source Han Sans SC"),
    ("notoserifcjk", "Noto Serif CJK SC"),
    ("wqy-microhei", "WenQuanYi Micro Hei"),
    ("wqy-zenhei", "WenQuanYi Zen Hei"),
    ("pingfang", "PingFang SC"),
    ("hiragino sans gb", "Hiragino Sans GB"),
    ("msyh", "Microsoft YaHei"),
    ("simhei", "SimHei"),
    ("droidsansfallback", "Droid Sans Fallback"),
    ("arphic", "AR PL UMing CN"),
)
FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "~/Library/Fonts",
    "C:/Windows/Fonts",
)
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def _vl_convert() -> ModuleType:
    try:
        import vl_convert
    except ImportError as exc:
        raise ConfigError(
            "chart rendering needs the optional 'charts' extra (vl-convert-python), which is not installed",
            hint=INSTALL_HINT,
        ) from exc
    return vl_convert


def find_cjk_font(dirs: Iterable[str | Path] | None = None) -> tuple[Path, str] | None:
    """The directory and family name of an installed CJK font, or ``None``.

    ``$TABLEPILOT_FONT_DIR`` wins: a known CJK font there, else its first font file, named by the
    part of the file name before ``-`` (so any CJK font can be supplied). Then the system font
    folders (or ``dirs``) are searched for the best font of :data:`CJK_FONTS`.
    """
    env = os.environ.get(FONT_DIR_ENV)
    if env:
        fonts = _font_files(Path(env).expanduser())
        if fonts:
            return _best_known(fonts) or (fonts[0].parent, re.split(r"[-_.]", fonts[0].stem)[0])
    roots = [Path(d).expanduser() for d in (FONT_DIRS if dirs is None else dirs)]
    return _best_known([f for root in roots for f in _font_files(root)])


@lru_cache(maxsize=16)
def _font_files_cached(root: Path) -> tuple[Path, ...]:
    if not root.is_dir():
        return ()
    return tuple(sorted(p for p in root.rglob("*") if p.suffix.lower() in _FONT_SUFFIXES))


def _font_files(root: Path) -> list[Path]:
    return list(_font_files_cached(root))


def _best_known(fonts: list[Path]) -> tuple[Path, str] | None:
    best: tuple[int, Path, str] | None = None
    for path in fonts:
        low = path.name.lower()
        for rank, (fragment, family) in enumerate(CJK_FONTS):
            if fragment in low and (best is None or rank < best[0]):
                best = (rank, path.parent, family)
    return None if best is None else (best[1], best[2])


@lru_cache(maxsize=16)
def _register(directory: str) -> None:
    _vl_convert().register_font_directory(directory)


def _vl_version(vl: ModuleType) -> str | None:
    """The newest bundled Vega-Lite 5, matching the ``$schema`` the recommender writes."""
    fives = [v for v in vl.get_vegalite_versions() if v.startswith("5.")]
    return max(fives, key=lambda v: tuple(int(p) for p in v.split("."))) if fives else None


def _has_cjk(spec: Any) -> bool:
    return bool(_CJK.search(json.dumps(spec, ensure_ascii=False)))


def render_chart(
    spec: dict[str, Any], path: str | Path, *, format: str | None = None, scale: float = 2.0
) -> Path:
    """Write ``spec`` to ``path`` as PNG or SVG (chosen by ``format`` or the file suffix).

    Raises :class:`~tablepilot.errors.ConfigError` when the ``charts`` extra or, for a chart with
    Chinese text, a CJK font is missing, and :class:`~tablepilot.errors.InputError` for an
    unknown format or an invalid spec.
    """
    path = Path(path)
    fmt = (format or path.suffix.lstrip(".") or "png").lower()
    if fmt not in ("png", "svg"):
        raise InputError(
            f"cannot render a chart as {fmt!r}", hint="use a file name ending in .png or .svg", path=str(path)
        )
    vl = _vl_convert()
    config: dict[str, Any] = {}
    if _has_cjk(spec):
        found = find_cjk_font()
        if found is None:
            raise ConfigError(
                "the chart has Chinese text but no font with Chinese glyphs was found",
                hint=f"install one (Debian/Ubuntu: apt install fonts-noto-cjk) or set {FONT_DIR_ENV} "
                "to a folder holding a CJK .ttf/.otf/.ttc font",
            )
        directory, family = found
        _register(str(directory))
        config["font"] = family
    # allowed_base_urls=[]: a spec may not make the renderer fetch data from anywhere
    options: dict[str, Any] = {"config": config, "allowed_base_urls": [], "vl_version": _vl_version(vl)}
    try:
        if fmt == "png":
            data: bytes = vl.vegalite_to_png(spec, scale=scale, **options)
        else:
            data = vl.vegalite_to_svg(spec, **options).encode("utf-8")
    except ValueError as exc:
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        reason = lines[1] if len(lines) > 1 else (lines[0] if lines else type(exc).__name__)
        raise InputError(
            f"the chart spec could not be rendered: {reason}",
            hint="check that it is a valid Vega-Lite v5 spec with inline data",
        ) from exc
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
