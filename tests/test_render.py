"""Rendering chart specs to real PNG/SVG files with vl-convert, Chinese text included."""

from __future__ import annotations

import builtins
import io
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tablepilot import render
from tablepilot.charts import recommend_chart
from tablepilot.errors import ConfigError, InputError
from tablepilot.render import find_cjk_font, render_chart

vl_convert = pytest.importorskip(
    "vl_convert", reason="the 'charts' extra (vl-convert-python) is not installed"
)
Image = pytest.importorskip("PIL.Image", reason="Pillow (dev extra) is not installed")

needs_cjk_font = pytest.mark.skipif(
    find_cjk_font() is None, reason="no CJK font installed (Debian: apt install fonts-noto-cjk)"
)

REGIONS = [["华东", 1200.5], ["华北", 800], ["华南", 950], ["西南", 400], ["东北", 300]]


def _image(path: Path) -> Any:
    return Image.open(io.BytesIO(path.read_bytes())).convert("RGB")


def _title_only(title: str) -> dict[str, Any]:
    """A tiny chart whose only text is a big title, so the title strip holds nothing but glyphs."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": title, "fontSize": 40, "anchor": "start"},
        "data": {"values": [{"a": 1}]},
        "mark": "point",
        "width": 400,
        "height": 40,
        "config": {"axis": {"disable": True}, "view": {"stroke": None}},
    }


def _ink(img: Any) -> Any:
    """The title strip cropped to its non-white pixels."""
    strip = img.crop((0, 0, img.width, 120))
    mask = strip.convert("L").point(lambda v: 255 if v < 200 else 0)
    box = mask.getbbox()
    assert box is not None, "the title strip is blank"
    return mask.crop(box)


@needs_cjk_font
def test_chinese_bar_chart_png_is_a_real_picture(tmp_path: Path) -> None:
    spec = recommend_chart("各地区销售额对比", ["地区", "销售额"], REGIONS)
    assert spec is not None
    out = render_chart(spec, tmp_path / "charts" / "bar.png")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    img = _image(out)
    assert img.width >= 800 and img.height >= 500  # scale 2 of a 480×300 plot plus axes
    colours = img.getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) >= 20  # white, bars, grid, anti-aliased text
    bar_blue = sum(n for n, (r, g, b) in colours if b > r + 40 and b > g + 20)
    assert bar_blue > img.width * img.height * 0.1  # the bars cover a good part of the plot


def _strip_ink(img: Any) -> bytes:
    strip = img.crop((0, 0, img.width, 120)).convert("L").point(lambda v: 255 if v < 200 else 0)
    box = strip.getbbox()
    return b"" if box is None else bytes(strip.crop(box).tobytes())


@needs_cjk_font
def test_chinese_glyphs_are_not_tofu(tmp_path: Path) -> None:
    # tofu boxes all look alike: two different Chinese titles of the same length would draw the same ink
    a = _ink(_image(render_chart(_title_only("销售额趋势分析"), tmp_path / "a.png")))
    b = _ink(_image(render_chart(_title_only("各地区占比统计"), tmp_path / "b.png")))
    c = _ink(_image(render_chart(_title_only("各地区占比统计"), tmp_path / "c.png")))
    assert a.tobytes() != b.tobytes()
    assert b.tobytes() == c.tobytes()  # rendering is deterministic, so the difference above is the glyphs
    # the control: characters no font has (private-use code points) draw identical boxes, or nothing,
    # whichever they are, so the comparison above does tell glyphs from tofu
    pua_1 = _strip_ink(
        _image(render_chart(_title_only("中" + "\ue000\ue001\ue002\ue003\ue004\ue005"), tmp_path / "p1.png"))
    )
    pua_2 = _strip_ink(
        _image(render_chart(_title_only("中" + "\ue010\ue011\ue012\ue013\ue014\ue015"), tmp_path / "p2.png"))
    )
    assert pua_1 == pua_2
    assert pua_1 != a.tobytes() and pua_1 != b.tobytes()
    # a real glyph has strokes: the first character's middle row crosses ink more than once
    row = [a.getpixel((x, a.height // 2)) for x in range(min(a.width, a.height))]
    assert sum(1 for i in range(1, len(row)) if row[i] and not row[i - 1]) >= 2


@needs_cjk_font
def test_svg_names_the_cjk_font_and_keeps_the_text(tmp_path: Path) -> None:
    spec = recommend_chart("各产品类别销售额占比", ["类别", "销售额"], REGIONS)
    assert spec is not None
    out = render_chart(spec, tmp_path / "pie.svg")
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<svg")
    assert "各产品类别销售额占比" in svg and "华东" in svg
    found = find_cjk_font()
    assert found is not None and found[1] in svg
    assert re.search(r"\d+\.\d%", svg)  # the share labels on the slices


def test_every_recommended_spec_renders(tmp_path: Path) -> None:
    from test_charts import CASES  # the recommender table (tests/ is on sys.path)

    rendered = 0
    for question, columns, rows, expected in CASES:
        spec = recommend_chart(question, columns, rows)
        if spec is None:
            continue
        if find_cjk_font() is None and re.search(r"[\u4e00-\u9fff]", question):
            continue
        svg = render_chart(spec, tmp_path / f"{rendered}.svg").read_text(encoding="utf-8")
        assert "NaN" not in svg, question  # a wrong field name draws NaN coordinates
        assert "<path" in svg, question
        rendered += 1
    assert rendered >= 10


def test_english_chart_renders_without_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(render.FONT_DIR_ENV, raising=False)
    monkeypatch.setattr(render, "FONT_DIRS", (str(tmp_path / "no-fonts"),))
    spec = recommend_chart("price vs rating", ["price", "rating"], [[i, i % 5] for i in range(10)])
    assert spec is not None
    out = render_chart(spec, tmp_path / "scatter.png", scale=1)
    assert _image(out).width >= 400


def test_chinese_chart_without_cjk_font_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(render.FONT_DIR_ENV, raising=False)
    monkeypatch.setattr(render, "FONT_DIRS", (str(tmp_path / "no-fonts"),))
    spec = recommend_chart("各地区销售额对比", ["地区", "销售额"], REGIONS)
    assert spec is not None
    with pytest.raises(ConfigError) as err:
        render_chart(spec, tmp_path / "bar.png")
    assert "fonts-noto-cjk" in (err.value.hint or "")
    assert not (tmp_path / "bar.png").exists()


def test_font_dir_setting_is_searched_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "MyHei-Regular.ttf").write_bytes(b"")
    monkeypatch.setenv(render.FONT_DIR_ENV, str(tmp_path))
    assert find_cjk_font() == (tmp_path, "MyHei")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "wqy-zenhei.ttc").write_bytes(b"")
    render._font_files_cached.cache_clear()
    assert find_cjk_font() == (tmp_path / "sub", "WenQuanYi Zen Hei")
    render._font_files_cached.cache_clear()


def test_unknown_format_and_bad_spec_are_input_errors(tmp_path: Path) -> None:
    spec = recommend_chart("price vs rating", ["price", "rating"], [[1, 2], [2, 3], [3, 1]])
    assert spec is not None
    with pytest.raises(InputError, match="gif"):
        render_chart(spec, tmp_path / "chart.gif")
    with pytest.raises(InputError, match="not allowed"):  # nothing is fetched at render time
        render_chart({"data": {"url": "https://example.com/x.csv"}, "mark": "bar"}, tmp_path / "x.svg")
    assert not (tmp_path / "x.svg").exists()
    out = render_chart(spec, tmp_path / "chart", format="svg")
    assert out.read_text(encoding="utf-8").startswith("<svg")


def test_missing_extra_names_the_install_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_vl_convert(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "vl_convert":
            raise ImportError("No module named 'vl_convert'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "vl_convert")
    monkeypatch.setattr(builtins, "__import__", no_vl_convert)
    with pytest.raises(ConfigError) as err:
        render_chart({"mark": "bar"}, tmp_path / "x.png")
    assert "pip install" in (err.value.hint or "") and "charts" in (err.value.hint or "")
