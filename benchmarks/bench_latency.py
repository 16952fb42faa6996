"""Forecast latency: the library's predict, Keras, the SavedModel and TFLite exports.

Two default models (every setting "auto", fewer epochs: latency does not depend on them):

- one series: ``RNNForecaster`` on ETTh1 (OT, horizon 24), the main command's model;
- many series: ``GlobalRNNForecaster`` on M4 hourly (horizon 48), forecasting 1,000 series
  at once (the 414 trained on, then copies under new ids: new series, scaled on their rows).

Each is timed for one series per call and for a batch of 1,000 series, in five ways:

=====================  ==================================================================
forecastrnn predict    ``model.predict(frame, level=0.9)``: a table in, a table out (pandas,
                       scaling, Keras ``predict``, intervals: Monte-Carlo dropout runs where
                       the model's intervals use them); for the one-series model's batch,
                       ``forecast_origins`` from 1,000 origins. Also without ``level``.
Keras predict          ``model_.predict(x)`` on a prepared (n, window, features) array
Keras direct call      ``model_(x, training=False)`` on the same array
SavedModel             the exported signature on raw rows (preprocessing inside)
TFLite                 the exported file on raw rows (preprocessing inside); one
                       interpreter call per series (the file is traced for one series)
=====================  ==================================================================

p50 and p99 over ``--calls`` calls (after 3 warm-up calls), and the export sizes. Results to
``results/latency.json``.

    python benchmarks/bench_latency.py [--data ../shared/data] [--calls 200] [--quick]

``--quick``: synthetic series, tiny networks (one each), few calls (a smoke run).
"""

import argparse
import json
import os
import tempfile
import time

import numpy as np
import pandas as pd

from _common import machine

HERE = os.path.dirname(os.path.abspath(__file__))


WARM_UP = 3


def timed(call, calls: int) -> dict:
    """p50 / p99 milliseconds of ``call()`` over ``calls`` calls, after ``WARM_UP`` calls."""
    for _ in range(WARM_UP):
        call()
    seconds = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return {"p50_ms": float(np.percentile(seconds, 50) * 1e3), "p99_ms": float(np.percentile(seconds, 99) * 1e3)}


def size_of(path) -> int:
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def data_sets(data, quick):
    """``(one series frame, target, long panel)``."""
    if quick:
        rng = np.random.default_rng(0)
        t = np.arange(600)
        one = pd.DataFrame({"OT": 10 + np.sin(2 * np.pi * t / 24) + rng.normal(0, 0.1, 600)},
                           index=pd.date_range("2024-01-01", periods=600, freq="h"))
        panel = pd.concat([pd.DataFrame({"unique_id": f"H{i}", "y": 50 + i + 5 * np.sin(2 * np.pi * t[:300] / 24)
                                         + rng.normal(0, 1, 300)}) for i in range(20)])
        return one, "OT", panel
    one = pd.read_csv(os.path.join(data, "ETTh1.csv"), parse_dates=["date"], index_col="date")[["OT"]]
    wide = pd.read_csv(os.path.join(data, "m4", "Hourly-train.csv"), index_col=0)
    panel = pd.concat([pd.DataFrame({"unique_id": k, "y": row.dropna().to_numpy()}) for k, row in wide.iterrows()])
    return one, "OT", panel


def measure(model, library, inputs_of, n_batch, calls, batch_calls, tmp) -> dict:
    """Every way of forecasting with ``model``, for one series and for ``n_batch``:
    ``library`` = (one, batch) calls of the library; ``inputs_of(exported)`` = the export's
    input arrays (one, batch)."""
    from forecastrnn.models.exported import ExportedForecaster

    x_one = np.random.default_rng(0).normal(size=(1, *model.model_.input_shape[1:])).astype("float32")
    x_batch = np.repeat(x_one, n_batch, axis=0)
    ways = {"forecastrnn predict": library[:2], "forecastrnn predict, no intervals": library[2:],
            "Keras predict": (lambda: model.model_.predict(x_one, verbose=0),
                              lambda: model.model_.predict(x_batch, verbose=0)),
            "Keras direct call": (lambda: model.model_(x_one, training=False),
                                  lambda: model.model_(x_batch, training=False))}
    for fmt, label in (("saved_model", "SavedModel"), ("tflite", "TFLite")):
        exported = ExportedForecaster(model.export(os.path.join(tmp, fmt), format=fmt))
        one, batch = inputs_of(exported)
        ways[label] = (lambda e=exported, i=one: e.run(**i), lambda e=exported, i=batch: e.run(**i))
    out = {}
    for name, (one, batch) in ways.items():
        out[name] = {"one": timed(one, calls), "batch": timed(batch, batch_calls)}
        print(f"  {name:<33} one series p50 {out[name]['one']['p50_ms']:8.2f} ms, p99 {out[name]['one']['p99_ms']:8.2f}"
              f" | {n_batch} series p50 {out[name]['batch']['p50_ms']:9.1f} ms,"
              f" p99 {out[name]['batch']['p99_ms']:9.1f}", flush=True)
    sizes = {"tflite_bytes": size_of(os.path.join(tmp, "tflite", "model.tflite")),
             "saved_model_bytes": size_of(os.path.join(tmp, "saved_model", "saved_model"))}
    print(f"  sizes: TFLite {sizes['tflite_bytes'] / 1e6:.3f} MB, SavedModel {sizes['saved_model_bytes'] / 1e6:.3f} MB")
    return {"latency": out, **sizes, "settings": model.settings_, "batch_series": n_batch}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(HERE, "..", "..", "shared", "data"),
                        help="folder with ETTh1.csv and m4/Hourly-train.csv")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    calls, batch_calls = (2, 1) if args.quick else (args.calls, max(10, args.calls // 10))
    if args.quick:
        global WARM_UP
        WARM_UP = 1
    from forecastrnn import GlobalRNNForecaster, RNNForecaster

    one, target, panel = data_sets(args.data, args.quick)
    small = dict(units=8, window=48, epochs=1, n_models=1) if args.quick else dict(epochs=2)
    print(machine(), flush=True)
    report = {"machine": machine(), "calls": calls, "batch_calls": batch_calls}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        model = RNNForecaster(horizon=24, random_state=0, verbose=0, **small,
                              **(dict(mc_samples=3) if args.quick else {})).fit(one, target=target)
        print(f"one series: {type(model).__name__} fitted in {time.perf_counter() - start:.0f} s, "
              f"settings {model.settings_}", flush=True)
        w, n_batch = model.window_, 20 if args.quick else 1000
        # the batch: 1,000 origins of the series (forecast_origins), 1,000 histories for the exports
        ends = np.linspace(w, len(one), n_batch).astype(int)
        values = one[[target]].to_numpy("float32")

        def one_series_inputs(exported):
            return {"history": values[-w:][None]}, {"history": np.stack([values[e - w:e] for e in ends])}

        library = (lambda: model.predict(one.iloc[-w:], level=0.9), lambda: model.forecast_origins(one, ends, level=0.9),
                   lambda: model.predict(one.iloc[-w:]), lambda: model.forecast_origins(one, ends))
        report["one_series_model"] = measure(model, library, one_series_inputs, n_batch, calls, batch_calls,
                                             os.path.join(tmp, "one"))

        start = time.perf_counter()
        glob = GlobalRNNForecaster(horizon=48, random_state=0, verbose=0, **small).fit(panel)
        print(f"many series: global model fitted in {time.perf_counter() - start:.0f} s, "
              f"settings {glob.settings_}", flush=True)
        ids = list(dict.fromkeys(panel.unique_id))
        tails = panel.groupby("unique_id", sort=False).tail(glob.window_)
        copies = [tails.assign(unique_id=lambda f, k=k: f.unique_id + f"-copy{k}") for k in range(1, 1000 // len(ids) + 2)]
        batch = pd.concat([tails, *copies])
        batch = batch[batch.unique_id.isin(list(dict.fromkeys(batch.unique_id))[:n_batch])]
        one_id = tails[tails.unique_id == ids[0]]

        def panel_inputs(exported):
            return exported.inputs(one_id), exported.inputs(batch)

        library = (lambda: glob.predict(one_id, level=0.9), lambda: glob.predict(batch, level=0.9),
                   lambda: glob.predict(one_id), lambda: glob.predict(batch))
        report["global_model"] = measure(glob, library, panel_inputs, batch.unique_id.nunique(), calls, batch_calls,
                                         os.path.join(tmp, "global"))
    if not args.quick:
        with open(os.path.join(HERE, "results", "latency.json"), "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=2, default=str)


if __name__ == "__main__":
    main()
