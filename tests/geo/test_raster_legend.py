"""geo.raster_legend: legend files for categorical and continuous rasters are normalised, and
every mistake is one message naming the line (CSV) or class/stop (JSON) and the value."""
from __future__ import annotations

import json

import pytest

from geo.raster_legend import LegendProblem, check_legend, colour, legend_range, parse_legend, read_legend


def test_colours_are_hex_only_and_normalised():
    assert colour("#ABC", "x") == "#aabbcc" and colour(" #1A9641 ", "x") == "#1a9641"
    for bad in ("red", "#12345", "1a9641", "#ggg", "", None, "#1a96411"):
        with pytest.raises(LegendProblem, match="x: bad colour"):
            colour(bad, "x")


def test_categorical_csv_with_and_without_header():
    text = "value,colour,label_vi,label_en\n2,#fdae61,Lúa,Rice\n1,#1A9641,Rừng,\n\n"
    legend = parse_legend(text, "categorical")
    assert legend == {"classes": [
        {"value": 1, "colour": "#1a9641", "label_vi": "Rừng", "label_en": "Rừng"},
        {"value": 2, "colour": "#fdae61", "label_vi": "Lúa", "label_en": "Rice"}]}
    assert parse_legend("\ufeff1,#1a9641,Rừng,Forest\n2,#fdae61,Lúa,Rice", "categorical")["classes"][0]["label_en"] == "Forest"
    assert legend_range(legend) == (1, 2)


@pytest.mark.parametrize("text, message", [
    ("value,colour,label_vi\n1,#1a9641,Rừng\n2,reed,Lúa\n", "lc.csv line 3: bad colour 'reed'"),
    ("1,#1a9641,Rừng\n1,#fdae61,Lúa\n", "lc.csv line 2: class value 1 is already given at lc.csv line 1"),
    ("1.5,#1a9641,Rừng\n", "lc.csv line 1: class value '1.5' must be a whole number"),
    ("x1,#1a9641,Rừng\n", "lc.csv line 1: value 'x1' is not a number"),
    ("1,#1a9641,\n", "lc.csv line 1: label_vi is empty"),
    ("1,#1a9641\n", "lc.csv line 1: expected value,colour,label_vi,label_en"),
    ("value,colour,label_vi\n", "the legend has no classes"),
])
def test_categorical_csv_mistakes_name_the_line(text, message):
    with pytest.raises(LegendProblem, match=message.replace("(", r"\(").replace(".", r"\.")):
        parse_legend(text, "categorical", name="lc.csv")


def test_continuous_json_and_csv():
    legend = parse_legend(json.dumps({"stops": [[0, "#0f0"], [500.5, "#ffff00"], [2000, "#f00"]]}), "continuous")
    assert legend == {"stops": [[0, "#00ff00"], [500.5, "#ffff00"], [2000, "#ff0000"]]}
    assert parse_legend("value,colour\n0,#00ff00\n90,#ff0000\n", "continuous") == {
        "stops": [[0, "#00ff00"], [90, "#ff0000"]]}
    assert legend_range(legend) == (0, 2000)


@pytest.mark.parametrize("legend, message", [
    ({"stops": [[0, "#0f0"], [10, "green"]]}, "stop 2: bad colour 'green'"),
    ({"stops": [[10, "#0f0"], [0, "#f00"]]}, "stop 2: stop value 0 is not greater than the one before"),
    ({"stops": [[0, "#0f0"]]}, "at least two stops"),
    ({"stops": [[0, "#0f0"], ["nan", "#f00"]]}, "stop 2: value 'nan' is not a finite number"),
    ({"stops": "0 green"}, "a continuous legend is"),
])
def test_continuous_mistakes(legend, message):
    with pytest.raises(LegendProblem, match=message):
        check_legend(legend, "continuous")


def test_kinds_and_files(tmp_path):
    assert check_legend(None, "imagery") is None
    with pytest.raises(LegendProblem, match="imagery raster takes no legend"):
        check_legend({"stops": []}, "imagery")
    with pytest.raises(LegendProblem, match="needs a legend"):
        check_legend(None, "categorical")
    with pytest.raises(LegendProblem, match="not valid JSON"):
        parse_legend('{"classes": [', "categorical")
    bad = tmp_path / "l.csv"
    bad.write_bytes("1,#1a9641,R\xeang\n".encode("cp1258"))
    with pytest.raises(LegendProblem, match="not UTF-8"):
        read_legend(bad, "categorical")
    with pytest.raises(LegendProblem, match="cannot read the legend file"):
        read_legend(tmp_path / "missing.csv", "categorical")
    good = tmp_path / "g.json"
    good.write_text(json.dumps({"classes": [{"value": 3, "color": "#123", "label_vi": "Đất", "label_en": "Soil"}]}))
    assert read_legend(good, "categorical")["classes"] == [
        {"value": 3, "colour": "#112233", "label_vi": "Đất", "label_en": "Soil"}]
