"""Export a fitted network forecaster as one self-contained graph: a SavedModel or a TFLite file.

The graph holds the whole forecast, not just the network: it reads the raw last ``window``
rows in data units (NaN for a missing value; leading all-NaN rows are padding, as for a
series shorter than the window) and, in order, takes logs (``target_transform="log"``),
scales each series (its training scaler, chosen by the ``series`` input; a series never
trained on is scaled on the rows it is given), fills and flags missing values, computes the
calendar cycles from the timestamps, shifts the known-future inputs by the horizon, runs the
network (window normalisation and anchor are layers of it), takes the median of the
ensemble members and maps the forecast and its conformal bounds back to data units.

Inputs (``signature.json`` lists those of a given export, in order, with dtypes and shapes):

=========  ========================  =====================================================
history    float32 (b, window, k)    targets then past covariates, the last ``window`` rows
series     int32 (b,)                global models: row of the series in ``series`` (-1: new)
known      float32 (b, window + h,   known-future columns: the window's rows, then the
           n_known)                  ``horizon`` rows after it
time       int32 (b, window + h)     calendar models: the same rows' timestamps, minutes
                                     since 1970-01-01 (no time zone; int32 spans +-4,000 years)
=========  ========================  =====================================================

Outputs: ``point`` (b, horizon, n_targets) and ``lower`` / ``upper`` (b, n_levels, horizon,
n_targets) at the levels fixed at export. Intervals that ``predict`` scales by the spread of
Monte-Carlo dropout runs (``interval_scale="spread"``) are scaled in the export by the
median spread of the calibration forecasts instead (one deterministic pass; ``predict``'s
widths vary from forecast to forecast, the export's do not).
"""

from __future__ import annotations

import json
import os

import numpy as np

from forecastrnn.base import check_level
from forecastrnn.models.numpy_network import NumpyNetwork
from forecastrnn.persistence import atomic_write_dir

FORMATS = ("saved_model", "tflite")
SIGNATURE_FILE = "signature.json"
LAST_ROWS_FILE = "last_rows.csv"
TFLITE_FILE = "model.tflite"
SAVED_MODEL_DIR = "saved_model"
SIGNATURE_KEY = "serving_default"
EXPORT_FORMAT_VERSION = 1
NEW_SERIES_SCALERS = ("standard", "minmax", "none")  # scalers the graph can fit on a new series' rows


def _levels(level) -> list:
    levels = [] if level is None else [level] if np.ndim(level) == 0 else list(level)
    for value in levels:
        check_level(value)
    return sorted(float(v) for v in levels)


def _window_coefficients(tf, values, method: str):
    """``(scale, offset)`` of ``values`` (b, rows, k) over its non-NaN rows: ``Scaler(method)``
    fitted on each batch row, in graph ops (a constant or empty column: scale 1)."""
    seen = tf.logical_not(tf.math.is_nan(values))
    if method == "none":
        return tf.ones_like(values[:, 0]), tf.zeros_like(values[:, 0])
    count = tf.reduce_sum(tf.cast(seen, values.dtype), axis=1)
    empty = count < 0.5
    if method == "standard":
        low = tf.reduce_sum(tf.where(seen, values, 0.0), axis=1) / tf.maximum(count, 1.0)
        spread = tf.sqrt(tf.reduce_sum(tf.where(seen, tf.square(values - low[:, None]), 0.0), axis=1)
                         / tf.maximum(count, 1.0))
    else:  # minmax
        low = tf.reduce_min(tf.where(seen, values, np.inf), axis=1)
        spread = tf.reduce_max(tf.where(seen, values, -np.inf), axis=1) - low
    low = tf.where(empty, 0.0, low)
    spread = tf.where(empty | (spread <= 1e-6 * tf.abs(low)) | (spread < 1e-30), 1.0, spread)
    return 1.0 / spread, -low / spread


def _civil_date(tf, days):
    """Month (1-12) and day of the year (1-366) of ``days`` since 1970-01-01 (int32), by the
    proleptic Gregorian arithmetic of H. Hinnant's ``civil_from_days``."""
    z = days + 719468
    era = tf.math.floordiv(z, 146097)
    doe = z - era * 146097
    yoe = tf.math.floordiv(doe - tf.math.floordiv(doe, 1460) + tf.math.floordiv(doe, 36524)
                           - tf.math.floordiv(doe, 146096), 365)
    doy_march = doe - (365 * yoe + tf.math.floordiv(yoe, 4) - tf.math.floordiv(yoe, 100))
    mp = tf.math.floordiv(5 * doy_march + 2, 153)
    month = tf.where(mp < 10, mp + 3, mp - 9)
    year = yoe + era * 400 + tf.cast(month <= 2, tf.int32)
    y = year - 1  # days from 1970-01-01 to the 1st of January of `year`
    era0 = tf.math.floordiv(y, 400)
    yoe0 = y - era0 * 400
    january_first = era0 * 146097 + yoe0 * 365 + tf.math.floordiv(yoe0, 4) - tf.math.floordiv(yoe0, 100) + 306 - 719468
    return month, days - january_first + 1


def _calendar(tf, minutes, cycles):
    """:func:`forecastrnn.data.calendar.calendar_features` of int32 ``minutes`` since 1970 (b, n)
    (TFLite's integer division is int32 only)."""
    days = tf.math.floordiv(minutes, 1440)
    minutes = tf.cast(minutes - days * 1440, tf.float32)
    month, day_of_year = _civil_date(tf, days)
    fractions = {"hour": lambda: minutes / 1440.0,
                 "dayofweek": lambda: tf.cast(tf.math.floormod(days + 3, 7), tf.float32) / 7.0,
                 "dayofyear": lambda: tf.cast(day_of_year - 1, tf.float32) / 365.25,
                 "month": lambda: tf.cast(month - 1, tf.float32) / 12.0,
                 "quarter": lambda: tf.cast(tf.math.floordiv(month - 1, 3), tf.float32) / 4.0}
    columns = []
    for name in cycles:
        angle = 2 * np.pi * fractions[name]()
        columns += [tf.sin(angle), tf.cos(angle)]
    return tf.stack(columns, axis=-1)


def _median(tf, members):
    """Median over axis 1 (the ensemble members), as ``numpy.median``."""
    n = members.shape[1]
    if n == 1:
        return members[:, 0]
    ordered = tf.sort(members, axis=1)
    middle = n // 2
    return ordered[:, middle] if n % 2 else (ordered[:, middle - 1] + ordered[:, middle]) / 2.0


def input_specs(model) -> list:
    """``(name, dtype, shape, description)`` of every input of the export of ``model``."""
    w, h = model.window_, model.horizon
    columns = model.target_ + model.features_
    specs = [("history", "float32", [None, w, len(columns)],
              f"the last {w} rows of {columns} in data units; NaN = missing, leading all-NaN rows = padding")]
    if model.supports_panels:
        specs.append(("series", "int32", [None], "row of the series in `series` (-1: a series never trained on)"))
    if model.known_future_:
        specs.append(("known", "float32", [None, w + h, len(model.known_future_)],
                      f"{model.known_future_} on the {w} history rows, then on the {h} forecast steps"))
    if model.calendar_:
        specs.append(("time", "int32", [None, w + h],
                      f"timestamps of the {w} history rows and the {h} forecast steps, minutes since 1970-01-01"))
    return specs


def forecast_function(model, levels, batch=None):
    """A ``tf.function`` of the inputs of :func:`input_specs` giving the forecast dict."""
    from forecastrnn._tf import tensorflow

    tf = tensorflow()
    from forecastrnn.models.builders import window_statistics
    from forecastrnn.models.base import WEIGHT_FLOOR

    s = model.settings_
    w, h = model.window_, model.horizon
    n_t, n_obs = len(model.target_), len(model.target_) + len(model.features_)
    log = model.target_transform == "log"
    table_scale = tf.constant(model.scalers_.scale, tf.float32)
    table_offset = tf.constant(model.scalers_.offset, tf.float32)
    widths = (tf.constant(np.stack([model._conformal_quantile(lv) for lv in levels]),
                          tf.float32) if levels else None)
    if levels and s["interval_scale"] == "spread":
        spread_unit = tf.constant(2.0 * np.asarray(model.spread_floor_), tf.float32)  # spread = its median
    names = [spec[0] for spec in input_specs(model)]

    def coefficients(x, rows):
        if not model.supports_panels:
            return (tf.repeat(table_scale[:1], tf.shape(rows)[0], axis=0),
                    tf.repeat(table_offset[:1], tf.shape(rows)[0], axis=0))
        series = x["series"]
        row = tf.maximum(series, 0)
        scale, offset = tf.gather(table_scale, row), tf.gather(table_offset, row)
        if model.scaler in NEW_SERIES_SCALERS:  # a new series: fitted on the rows it is given
            new_scale, new_offset = _window_coefficients(tf, rows, model.scaler)
            mask, static_scale, static_offset = model._static()  # static covariates: the training panel's scaler
            new_scale = tf.where(mask, tf.constant(static_scale, tf.float32), new_scale)
            new_offset = tf.where(mask, tf.constant(static_offset, tf.float32), new_offset)
            trained = (series >= 0)[:, None]
            scale, offset = tf.where(trained, scale, new_scale), tf.where(trained, offset, new_offset)
        return scale, offset

    def forecast(*tensors):
        x = dict(zip(names, tensors))
        history = x["history"]
        if log:
            history = tf.concat([tf.math.log(history[..., :n_t]), history[..., n_t:]], axis=-1)
        seen = tf.logical_not(tf.math.is_nan(history))
        pad = tf.cumsum(tf.cast(tf.reduce_any(seen, axis=-1), tf.float32), axis=1) < 0.5  # (b, w)
        rows = tf.concat([history, x["known"][:, :w]], axis=-1) if "known" in x else history
        scale, offset = coefficients(x, rows)
        scaled = history * scale[:, None, :n_obs] + offset[:, None, :n_obs]
        filled = tf.where(tf.math.is_nan(scaled), 0.0, scaled)
        first = tf.gather(filled, tf.reduce_sum(tf.cast(pad, tf.int32), axis=1), batch_dims=1)
        filled = tf.where(pad[..., None], first[:, None], filled)  # padding reads as the first real row
        indicators = tf.gather(tf.cast(seen, tf.float32), model.indicator_columns_, axis=-1)
        parts = [filled, indicators]
        known = []
        if "known" in x:
            known.append(x["known"] * scale[:, None, n_obs:] + offset[:, None, n_obs:])
        if "time" in x:
            known.append(_calendar(tf, x["time"], model.calendar_))
        if known:
            known = tf.concat(known, axis=-1)
            padded = tf.concat([pad, tf.zeros_like(pad[:, :h])], axis=1)
            known = tf.where(tf.math.is_nan(known) | padded[..., None], 0.0, known)
            parts.append(known[:, h:h + w])  # row t carries row t + horizon's values
        if model.settings_.get("init"):  # started from the pretrained network: its phase columns, zeros
            parts.append(tf.zeros(tf.stack([tf.shape(filled)[0], w, 2])))
        if model.id_embedding:
            code = tf.cast(tf.where(x["series"] >= 0, x["series"] + 1, 0), tf.float32)
            parts.append(tf.tile(code[:, None, None], [1, w, 1]))
        inputs = tf.concat(parts, axis=-1)
        point = _median(tf, model.model_(inputs, training=False))  # (b, h, n_t), model units
        target_scale, target_offset = scale[:, None, :n_t], offset[:, None, :n_t]
        back = tf.exp if log else tf.identity
        out = {"point": back((point - target_offset) / target_scale)}
        if levels:
            if s["interval_scale"] == "window":
                unit = window_statistics(inputs[..., :1], s["season_length"], inputs[..., n_obs:n_obs + 1])[2]
                unit = tf.maximum(unit, WEIGHT_FLOOR)[:, None]  # (b, 1, 1, 1)
            else:
                unit = spread_unit if s["interval_scale"] == "spread" else 1.0
            width = widths[None] * unit / target_scale[:, None]
            model_point = point[:, None] - target_offset[:, None]
            model_point = model_point / target_scale[:, None]
            out["lower"], out["upper"] = back(model_point - width), back(model_point + width)
        return out

    specs = [tf.TensorSpec([batch, *shape[1:]], getattr(tf, dtype), name=name)
             for name, dtype, shape, _ in input_specs(model)]
    return tf.function(forecast, input_signature=specs, autograph=False)


def _check_exportable(model, fmt, levels):
    model._check_fitted()
    if isinstance(model.model_, NumpyNetwork):  # loaded with numpy=True: it forecasts only
        raise ValueError("Exporting needs the Keras model. Received: a network loaded with numpy=True; load it "
                         "without")
    if fmt not in FORMATS:
        raise ValueError(f"`format` must be one of {list(FORMATS)}. Received: format={fmt!r}")
    if levels and not len(model.calibration_scores_):
        raise ValueError("No intervals to export: the model was fitted without calibration rows. "
                         "Export with level=None, or fit with calibration_size > 0")
    if levels and model.settings_["interval_scale"] == "spread" and model.spread_floor_ is None:
        raise ValueError("Cannot export intervals: the model holds no calibration spread. Export with level=None")


def signature(model, fmt: str, levels: list) -> dict:
    """What ``signature.json`` says: the inputs in order, the outputs, and what is needed to
    prepare the inputs from a table (columns, frequency, series)."""
    from forecastrnn import __version__

    s = model.settings_
    spread = s["interval_scale"] == "spread"
    return {
        "format": fmt, "export_format_version": EXPORT_FORMAT_VERSION, "forecastrnn_version": __version__,
        "estimator": type(model).__name__, "model": model.name, "signature_key": SIGNATURE_KEY,
        "file": TFLITE_FILE if fmt == "tflite" else SAVED_MODEL_DIR,
        "inputs": [{"name": n, "dtype": d, "shape": sh, "description": desc} for n, d, sh, desc in input_specs(model)],
        "outputs": [{"name": "point", "dtype": "float32", "shape": [None, model.horizon, len(model.target_)]}]
        + [{"name": n, "dtype": "float32", "shape": [None, len(levels), model.horizon, len(model.target_)]}
           for n in ("lower", "upper") if levels],
        "window": model.window_, "horizon": model.horizon, "levels": levels,
        "intervals": None if not levels else
        ("conformal, scaled by the median Monte-Carlo dropout / ensemble spread of the calibration forecasts "
         "(predict scales each forecast by its own spread)" if spread else
         f"conformal in {s['interval_scale']!r} units, as predict"),
        "target": model.target_, "features": model.features_, "known_future": model.known_future_,
        "calendar": model.calendar_, "freq": model.freq_, "time_unit": getattr(model, "time_unit_", None),
        "columns": model.columns_, "id_kind": getattr(model, "id_kind_", None), "scaler": model.scaler,
        "target_transform": model.target_transform,
        "series": list(model.scalers_.index) if model.supports_panels else None,
        "new_series": (None if not model.supports_panels else
                       f"scaled with a {model.scaler!r} scaler fitted on the rows given (static covariates: "
                       "the training panel's, settings_['static'])"
                       if model.scaler in NEW_SERIES_SCALERS else
                       "not supported: the 'robust' scaler cannot be fitted inside the graph"),
    }


def export_model(model, path, format="saved_model", level=0.9, overwrite=False) -> str:
    """Write ``path/`` with the graph (``saved_model/`` or ``model.tflite``), ``signature.json``
    and ``last_rows.csv`` (the last ``window`` rows of every series, the default history of
    :class:`forecastrnn.models.exported.ExportedForecaster`). Returns the absolute path."""
    levels = _levels(level)
    _check_exportable(model, format, levels)
    from forecastrnn._tf import tensorflow

    tf = tensorflow()
    function = forecast_function(model, levels)
    concrete = function.get_concrete_function()
    module = tf.Module()
    module.forecast = function
    module.captured = list(concrete.variables)  # the network's weights and dropout seed states

    def write(tmp):
        if format == "saved_model":
            tf.saved_model.save(module, os.path.join(tmp, SAVED_MODEL_DIR), signatures={SIGNATURE_KEY: concrete})
        else:
            try:
                # TFLite lowers the recurrent loop only with a static batch: trace it for one
                # series; the interpreter resizes the inputs to any batch (ExportedForecaster does)
                one = forecast_function(model, levels, batch=1).get_concrete_function()
                converter = tf.lite.TFLiteConverter.from_concrete_functions([one], module)
                flat = converter.convert()
            except Exception as exc:  # the converter raises many types
                raise ValueError(f"This model cannot be converted to TFLite. Received error: {type(exc).__name__}: "
                                 f"{str(exc).splitlines()[0] if str(exc) else ''}") from None
            with open(os.path.join(tmp, TFLITE_FILE), "wb") as fh:
                fh.write(flat)
        with open(os.path.join(tmp, SIGNATURE_FILE), "w", encoding="utf-8") as fh:
            json.dump(signature(model, format, levels), fh, indent=2)
        frames = model.tails_.frames(model._columns())
        if model.target_transform == "log":  # the tails are kept in model units
            for frame in frames.values():
                frame[model.target_] = np.exp(frame[model.target_])
        id_name, time_name = model.columns_[0], model.columns_[1]
        import pandas as pd

        table = pd.concat({k: f.rename_axis(time_name) for k, f in frames.items()}, names=[id_name]).reset_index()
        table.to_csv(os.path.join(tmp, LAST_ROWS_FILE), index=False)

    return atomic_write_dir(path, overwrite, write)


__all__ = ["export_model", "forecast_function", "input_specs", "signature", "FORMATS"]
