"""Command line interface: thin click commands over the Python API.

Heavy modules (pandas, TensorFlow, statsmodels) are imported inside the commands, so
``forecastrnn --help`` and ``forecastrnn datasets`` never import TensorFlow. Every user
error becomes one ``Error: ...`` line and exit status 1 (click's usage errors: 2);
``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import warnings

import click

from forecastrnn import __version__

USER_ERRORS = (ValueError, TypeError, FileNotFoundError, FileExistsError, KeyError, ImportError)
MODELS = ("gru", "lstm", "simplernn")
BASELINES = ("naive", "seasonal-naive", "drift", "naive2", "arima", "ets", "theta")
PARALLEL_SERIES = 50  # panels of so many series or more backtest their baselines on every core by default


def _disk_error(exc: OSError) -> str:
    where = f": {exc.filename!r}" if exc.filename else ""
    return f"{exc.strerror or exc}{where}. Nothing was saved; existing runs and files are untouched"


class _Group(click.Group):
    """Turns user errors, a full disk or a read-only folder, and Ctrl-C or SIGTERM raised inside
    commands into one clean line (exit 1, or 130 / 143 for SIGINT / SIGTERM)."""

    def invoke(self, ctx):
        from forecastrnn import interrupts

        try:
            with interrupts.handled():
                return super().invoke(ctx)
        except USER_ERRORS as exc:
            if ctx.params.get("debug"):
                raise
            _fail(_message(exc), 1)
        except OSError as exc:  # ENOSPC, EROFS, EACCES ... while writing
            if ctx.params.get("debug"):
                raise
            _fail(_disk_error(exc), 1)
        except KeyboardInterrupt as exc:
            term = getattr(exc, "signal_name", "SIGINT") == "SIGTERM"
            _fail(f"Interrupted by {'SIGTERM' if term else 'Ctrl-C'}: nothing was saved (a run directory is "
                  "written whole or not at all); with --checkpoint-dir the same command resumes the training",
                  143 if term else 130)


def _message(exc: Exception) -> str:
    """The first line of an error's message; an OSError raised with an errno (``open`` of a
    missing file) gives its text and file name, not the errno."""
    if isinstance(exc, OSError) and exc.strerror:
        message = exc.strerror + (f": {exc.filename!r}" if exc.filename else "")
    else:
        message = str(exc.args[0]) if exc.args else ""
    return message.splitlines()[0] if message.strip() else type(exc).__name__


def _fail(message: str, status: int):
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)


def _comma_list(values):
    """Options given repeatedly or as comma lists -> flat list of strings."""
    return [v.strip() for value in values or () for v in str(value).split(",") if v.strip()]


def _positive_ints(ctx, param, values):
    try:
        items = [int(v) for v in _comma_list(values)]
    except ValueError:
        raise click.BadParameter(f"expected positive integers like 32 or 64,32. Received: {values}") from None
    if any(v <= 0 for v in items):
        raise click.BadParameter(f"expected positive integers. Received: {items}")
    return items


def _time_col(ctx, param, value):
    return None if value.strip().lower() == "none" else value


def _baseline_names(ctx, param, value):
    names = [v.replace("_", "-") for v in _comma_list([value])]
    if names == ["none"]:
        return []
    unknown = [n for n in names if n not in BASELINES]
    if unknown:
        raise click.BadParameter(f"expected a comma list of {', '.join(BASELINES)} or 'none'. "
                                 f"Received: {', '.join(unknown)}")
    return names


def data_options(func):
    """Options shared by fit and backtest."""
    options = [
        click.argument("data", type=click.Path(dir_okay=False)),
        click.option("--id-col", default=None,
                     help="Column naming the series of long-format data (one row per series and time), or "
                          "columns that together do (store_nbr,family): trains one global network on all series "
                          "and the baselines per series."),
        click.option("--wide", is_flag=True,
                     help="Every numeric column is one series (a wide file: a time column, then a column per "
                          "store or sensor): read as a panel, as --id-col reads long data."),
        click.option("--target", multiple=True, help="Column(s) to forecast [default: last numeric column]."),
        click.option("--time-col", default="auto", show_default=True, callback=_time_col,
                     help="Timestamp column; 'auto' also finds date parts (year, month, day, hour columns); "
                          "'none': the rows have no time."),
        click.option("--date-format", default=None, metavar="FORMAT",
                     help="strftime format of the time column, e.g. %d/%m/%Y or %y-%m, for dates written "
                          "as numbers whose order is ambiguous [default: settled by the values or refused]."),
        click.option("--features", multiple=True,
                     help="Input columns of the network, comma list, or 'all' for every numeric column "
                          "[default: the target(s) only]."),
        click.option("--known-future", multiple=True, metavar="COLS",
                     help="Columns known ahead, comma list (promotions, holidays, prices set in advance): the "
                          "network also reads their values at the steps it forecasts, ARIMA reads them as "
                          "regressors. A forecast after the end of the data needs their values there (--future)."),
        click.option("--horizon", type=click.IntRange(min=1), default=None,
                     help="Steps to forecast [default: one season, e.g. 24 for hourly data (weekly: 13), else 10; at most a third of the rows]."),
        click.option("--window", type=click.IntRange(min=1), default=None,
                     help="Past steps the network reads [default: from the data, see README]."),
        click.option("--model", "cell", type=click.Choice(MODELS), default="gru", show_default=True),
        click.option("--bidirectional", is_flag=True, help="Bidirectional recurrent layers."),
        click.option("--units", multiple=True, default=(), callback=_positive_ints,
                     help="Units per layer; repeat or comma list to stack, e.g. 64,32 [default: from the data]."),
        click.option("--n-models", type=click.IntRange(min=1), default=None,
                     help="Ensemble size (median of networks from different seeds) [default: from the data]."),
        click.option("--anchor", type=click.Choice(["auto", "last", "mean", "season", "season-mean", "none"]),
                     default="auto", show_default=True,
                     help="Simple forecast the network corrects: last value, window mean, seasonal naive, mean of the seasons, none."),
        click.option("--log", "log_target", is_flag=True,
                     help="Model log(y) of a positive target and map forecasts back with exp "
                          "(ES-RNN's multiplicative level and season; M4 hourly OWA 0.471 against 0.529)."),
        click.option("--dropout", type=click.FloatRange(0, 1, max_open=True), default=0.1, show_default=True),
        click.option("--recurrent-dropout", type=click.FloatRange(0, 1, max_open=True), default=0.0,
                     show_default=True),
        click.option("--epochs", type=click.IntRange(min=1), default=None,
                     help="Most epochs (early stopping usually ends sooner) [default: from the data]."),
        click.option("--batch-size", type=click.IntRange(min=1), default=None, help="[default: from the data]"),
        click.option("--patience", type=click.IntRange(min=1), default=5, show_default=True,
                     help="Early-stopping patience in epochs."),
        click.option("--loss", type=click.Choice(["auto", "mse", "mae", "huber"]), default="auto", show_default=True,
                     help="Training loss; auto: mae for several series (--id-col), mse for one."),
        click.option("--learning-rate", type=click.FloatRange(0, min_open=True), default=1e-3, show_default=True),
        click.option("--seed", type=int, default=0, show_default=True),
        click.option("--baselines", default="naive,seasonal-naive,arima,ets,theta", show_default=True,
                     callback=_baseline_names, help="Comma list of naive, seasonal-naive, drift, naive2, arima, ets, theta, or none."),
        click.option("--combination/--no-combination", default=True, show_default=True,
                     help="Also backtest the combination: the network and the baselines weighted per series "
                          "by their errors on a validation horizon held out before the test span."),
        click.option("--init", default=None, metavar="pretrained|DIR",
                     help="Start the network from the pretrained one ('pretrained', shipped; or a folder written "
                          "by benchmarks/pretrain.py) and fine-tune it: its architecture, at most 10 epochs "
                          "unless --epochs, its weights kept unless training beats them on validation."),
        click.option("--pretrained", "with_pretrained", is_flag=True,
                     help="Also backtest the pretrained network zero-shot (no training; horizons up to 48): "
                          "the row 'pretrained'."),
        click.option("--search-budget", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
                     help="Time the combination may spend trying other look-back windows of the network on its "
                          "validation horizon (the median of the best 3 becomes its network) [default: no search]."),
        click.option("--n-windows", type=click.IntRange(min=1), default=None,
                     help="Test origins [default: up to 10 within the last 25% of rows]."),
        click.option("--test-size", type=float, default=None,
                     help="Test span as a fraction (<1) or a number of rows; sets --n-windows."),
        click.option("--level", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.9,
                     show_default=True, help="Prediction interval level."),
        click.option("--season-length", type=click.IntRange(min=1), default=None,
                     help="Season of the baselines and of MASE [default: from the frequency, e.g. 24 for hourly; "
                          "1 without timestamps]."),
        click.option("--n-jobs", type=click.IntRange(min=1), default=None,
                     help="Processes for the baselines [default: every core for a panel of "
                          f"{PARALLEL_SERIES} series or more, else 1]."),
        click.option("--scheduler", default=None, metavar="ADDRESS",
                     help="Run the per-series baselines on this Dask scheduler, e.g. tcp://10.0.0.5:8786 "
                          "(needs forecastrnn[distributed]); replaces --n-jobs."),
        click.option("--checkpoint-dir", type=click.Path(file_okay=False), default=None,
                     help="Back up the network's training there after every epoch; the same command run again "
                          "after an interruption resumes from the last finished epoch."),
        click.option("--mlflow", "mlflow_uri", default=None, is_flag=False, flag_value="file:./mlruns",
                     metavar="[URI]", help="Log the run to MLflow: options, chosen settings, every model's metrics, "
                                          "the run directory and model (needs forecastrnn[mlflow]; put it after "
                                          "DATA) [URI without a value: file:./mlruns]."),
        click.option("--quiet", is_flag=True, help="Only print the results table."),
        click.option("--verbose", is_flag=True,
                     help="Also show Keras' own progress (per-batch bars, or one line per epoch in a log)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@contextlib.contextmanager
def _notes():
    """Warnings (short series, undefined MASE ...) as one "Note:" line each, no source lines."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        yield
    for message in dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)):
        click.echo(f"Note: {message}", err=True)


def _say(quiet, message):
    if not quiet:
        click.echo(message)


def _note_unused(read: dict, options: str) -> None:
    """A wide file (one column per series) would lose all but its last column quietly: say so."""
    unused = [c for c in read["features"] if c not in read["target"]]
    if unused:
        shown = unused if len(unused) <= 8 else unused[:6]  # M4's file has 960
        said = "[" + ", ".join(map(repr, shown)) + (f" and {len(unused) - 6} more" if shown is not unused else "") + "]"
        click.echo(f"Note: only the last numeric column {read['target'][0]!r} is forecast; {said} are not used: "
                   f"{options}; --wide reads every numeric column as one series of a panel",
                   err=True)


def _known_future(opts) -> list:
    """The ``--known-future`` columns; none of them a ``--target``."""
    known, targets = _comma_list(opts["known_future"]), _comma_list(opts["target"])
    both = [c for c in known if c in targets]
    if both:
        raise ValueError(f"A column to forecast is not known ahead. Received: {both} in both --target and "
                         "--known-future")
    return known


def _plan(opts):
    """Read the data and settle the backtest plan; returns (frame, settings dict)."""
    from forecastrnn.data.io import describe, one_hot, read_series, times_column
    from forecastrnn.data.season import season_length_for
    from forecastrnn.defaults import backtest_plan

    target, features = _comma_list(opts["target"]) or None, _comma_list(opts["features"])
    known = _known_future(opts)
    # The network reads the target(s) only unless told: on ETTh1's validation windows the six
    # other columns made the GRU worse (MASE 0.506 against 0.446, BENCHMARKS.md).
    if not features and target:  # one read: the named target(s) are the inputs
        features = list(target)
    read_all = features in ([], ["all"]) or (known and not target)  # the target is found among all columns
    with _notes():
        frame = read_series(opts["data"], target=target, time_col=opts["time_col"], date_format=opts["date_format"],
                            features=None if read_all else list(dict.fromkeys(features + known)))
    read = frame.attrs
    found = target or [c for c in read["features"] if c not in known][-1:]  # not a column known ahead
    if not found:
        raise ValueError(f"No column is left to forecast: --known-future names every numeric column. "
                         f"Received: --known-future {','.join(known)}")
    lost = [c for c in known if c not in frame.columns and one_hot([c], frame.columns) == [c]]  # text: read again
    if read_all and (features != ["all"] or found != read["target"] or lost):  # the target and those known ahead
        inputs = read["features"] if features == ["all"] else features or found
        with _notes():
            frame = read_series(opts["data"] if lost else frame, target=found,
                                features=list(dict.fromkeys(inputs + known)),
                                **(dict(time_col=opts["time_col"], date_format=opts["date_format"]) if lost else {}))
        frame.attrs.update({k: read[k] for k in ("source", "time_col", "time_read", "n_gaps", "left_out") if k in read})
        if not target and not features:
            _note_unused({**read, "target": found, "features": [c for c in read["features"] if c not in known]},
                         "--target names the column(s) to forecast, --features all reads the others as inputs")
    season = opts["season_length"] or season_length_for(frame.attrs["freq"])
    opts["n_jobs"] = opts["n_jobs"] or 1
    horizon = opts["horizon"] or _default_horizon(season, len(frame), "rows")
    settings = dict(season=season, **backtest_plan(len(frame), horizon, opts["n_windows"], opts["test_size"]),
                    time_col=times_column(frame.attrs))  # forecast.csv names its times as the data does
    if settings["train_rows"] < horizon + 1:  # one window of horizon targets after one row (shorter: padded)
        raise ValueError(f"Too little data before the test span for horizon={horizon}: "
                         f"{max(settings['train_rows'], 0)} rows, at least {horizon + 1} needed. Received: {len(frame)} "
                         f"rows in all, while {settings['n_windows']} origin(s) of horizon {horizon} test the last "
                         f"{settings['test_rows']}; try a smaller --horizon or --n-windows")
    _say(opts["quiet"], describe(frame))
    _say(opts["quiet"], f"Plan: horizon={horizon}, {settings['n_windows']} test origin(s) every {settings['step']} "
                        f"steps over the last {settings['test_rows']} rows; models trained on the first "
                        f"{settings['train_rows']} rows.")
    return frame, settings


def _forecaster(opts, settings, panel=False):
    from forecastrnn._tf import tensorflow
    from forecastrnn.models.forecaster import RNNForecaster
    from forecastrnn.models.global_forecaster import GlobalRNNForecaster

    tensorflow()  # first, so that its start-up is silenced (bare `import keras` elsewhere would not be)

    def given(key):
        return "auto" if opts[key] in (None, (), []) else opts[key]

    if opts["init"] is not None:  # a wrong folder is told before any training
        from forecastrnn.models.warm_start import source_path

        source_path(opts["init"])
    kind = GlobalRNNForecaster if panel else RNNForecaster
    return kind(cell=opts["cell"], units=given("units"), bidirectional=opts["bidirectional"],
                         dropout=opts["dropout"], recurrent_dropout=opts["recurrent_dropout"],
                         window=given("window"), horizon=settings["horizon"], epochs=given("epochs"),
                         batch_size=given("batch_size"), n_models=given("n_models"),
                         anchor=None if opts["anchor"] == "none" else opts["anchor"].replace("-", "_"),
                         patience=opts["patience"], loss=opts["loss"], learning_rate=opts["learning_rate"],
                         random_state=opts["seed"], verbose=_verbosity(opts),
                         season_length=settings["season"], target_transform="log" if opts["log_target"] else None,
                         init=opts["init"])


def _baselines(opts, settings) -> dict:
    """The baselines of ``--baselines``; ARIMA reads the ``--known-future`` columns as
    regressors (ARIMAX): the network's rival gets the information the network gets."""
    from forecastrnn.evaluation import default_baselines

    names = list(dict.fromkeys([*opts["baselines"], "naive2"])) if opts["id_col"] else opts["baselines"]
    baselines = default_baselines(names, settings["horizon"], settings["season"])  # naive2: the reference of OWA
    known = _comma_list(opts["known_future"])
    if known and "arima" in baselines:
        baselines["arima"].set_params(exog=known)
    return baselines


def _fitting(baselines: dict, rows: int, what: str = "the series") -> dict:
    """The baselines that can fit ``rows`` training rows (of ``what``); the others are left
    out, said in a note (a short series: seasonal naive needs a season and a step)."""
    short = {n: b.min_history for n, b in baselines.items() if b.min_history > rows}
    for name, need in short.items():
        click.echo(f"Note: {name} left out: it needs {need} training rows, {what} has {rows} before the test",
                   err=True)
    return {n: b for n, b in baselines.items() if n not in short}


def _with_combination(opts, rnn, baselines: dict, settings) -> dict:
    """The models of a backtest: the network, the baselines, (``--pretrained``) the pretrained
    network zero-shot and (``--combination``) the combination of the network and the
    baselines, named ``combination``. It shares the network row's training
    (weighed on the rows that network set apart for calibration) unless ``--search-budget``
    has it try other networks; a network of its own is not retrained after the weighing
    (``refit_network=False``); the saved model is retrained on all rows anyway (``--refit``)."""
    models = {rnn.name: rnn, **baselines}
    if opts["with_pretrained"]:
        from forecastrnn.models.pretrained import MAX_HORIZON, PretrainedForecaster

        if settings["horizon"] > MAX_HORIZON:
            raise ValueError(f"--pretrained forecasts at most {MAX_HORIZON} steps. Received: horizon "
                             f"{settings['horizon']}; pass --horizon {MAX_HORIZON} or less")
        models["pretrained"] = PretrainedForecaster(season_length=settings["season"])
    if opts["combination"]:
        from forecastrnn.models.combination import CombinationForecaster

        members = [n for n in baselines if n != "naive2"]
        network = rnn if opts["search_budget"] else rnn.name
        models["combination"] = CombinationForecaster(network=network, baselines=members, horizon=settings["horizon"],
                                                      season_length=settings["season"], n_jobs=opts["n_jobs"],
                                                      time_budget=opts["search_budget"], refit_network=False)
    return models


def _verbosity(opts) -> int:
    """Keras' own progress: none (the stage lines say how far training is), with --verbose a
    progress bar in a terminal, else one line per epoch."""
    return 0 if opts["quiet"] or not opts["verbose"] else 1 if sys.stdout.isatty() else 2


def _stages(opts, after: int):
    """The numbered stage lines of a run: the baselines, the network, the pretrained network
    (``--pretrained``), the combination, then ``after`` more (fit: retraining, writing the run)."""
    from forecastrnn.progress import Stages

    return Stages(bool(opts["baselines"]) + 1 + bool(opts["with_pretrained"]) + bool(opts["combination"]) + after,
                  quiet=opts["quiet"])


def _backtest_progress(stages):
    """The backtest's ``progress(message)``: a model's start begins a stage; an indented line
    ("  3/10 series") advances it."""
    def progress(message):
        (stages.advance if message[:1].isspace() else stages.start)(message.strip())
    return progress


def _chosen(rnn) -> str:
    """One line: the settings the fitted network used."""
    s = rnn.settings_
    trend = {"theta": " plus half its trend", "damped": " plus its damped trend"}.get(s["anchor"], "")
    anchor = {"season": f"seasonal naive (m={s['season_length']})", "last": "last value", None: "none",
              "mean": "mean of the window",
              "season_mean": f"mean of the seasons in the window (m={s['season_length']})"}.get(s["anchor"], "")
    if s.get("normalize") == "window":
        anchor = (f"the window's level and seasonal indices (m={s['season_length']}){trend}; normalize=window: "
                  "every window deseasonalised, centred and scaled on its own")
    line = (f"{rnn.name}: window={s['window']}, units={s['units']}, layers={rnn.layers}, "
            f"n_models={s['n_models']}, batch_size={s['batch_size']}, epochs={len(rnn.history_['loss'])} "
            f"of at most {s['epochs']}, anchor={anchor}")
    if s.get("init"):
        line += (f", started from the pretrained network ({s['init']})"
                 + (" -- fine-tuning never beat its weights on validation, so they were kept"
                    if s.get("kept_pretrained") else ""))
    return line + (" -- training never beat the anchor on validation, so the model is the anchor"
                   if s.get("fell_back") else "")


def _default_horizon(season: int, rows: int, what: str) -> int:
    """The default horizon for data of ``rows`` rows, with a note when short data shortens it."""
    from forecastrnn.defaults import default_horizon

    horizon, usual = default_horizon(season, rows), default_horizon(season)
    if horizon < usual:
        click.echo(f"Note: horizon={horizon}, not {usual}: {rows} {what} leave two horizons before the test "
                   "(--horizon sets it)", err=True)
    return horizon


def _positions(attrs) -> str:
    """What a frequency-less table's rows are, for the Read line."""
    from forecastrnn.data.io import numbered_by

    numbered = numbered_by(attrs)
    return f"none (positions, numbered by {numbered!r})" if numbered else "none (positions)"


def _panel_plan(opts):
    """Read a long-format panel and settle the backtest plan; returns (panel, settings, fit kwargs)."""
    from forecastrnn.data.io import times_column
    from forecastrnn.data.panel import columns_to_long, read_panel
    from forecastrnn.data.season import positions_season, season_length_for

    targets = _comma_list(opts["target"])
    if len(targets) > 1:
        raise ValueError(f"A panel forecasts one target column. Received: --target {','.join(targets)}")
    if opts["test_size"] is not None:
        raise ValueError("--test-size does not apply to panels (series differ in length): every series is "
                         f"tested on its last --n-windows x --horizon rows. Received: --test-size {opts['test_size']}")
    known = _known_future(opts)
    features = [f for f in _comma_list(opts["features"]) if f not in targets + known]
    if features == ["all"]:
        raise ValueError("--features all does not apply to panels: name the covariate columns")
    if opts["wide"] and (features or known):
        raise ValueError("--wide reads every numeric column as one series: it has no covariates. Received: "
                         + " ".join(f"--{o} {','.join(v)}" for o, v in (("features", features),
                                                                         ("known-future", known)) if v))
    with _notes():
        source = columns_to_long(opts["data"], opts["time_col"], opts["date_format"]) if opts["wide"] else opts["data"]
        panel = read_panel(source, id_col=opts["id_col"], time_col=opts["time_col"],
                           date_format=opts["date_format"], target=targets[0] if targets else None,
                           features=features + known or None)
    a = panel.attrs
    if not targets and a["target"][0] in known:
        raise ValueError(f"--known-future names the column that would be forecast (the last numeric one). Received: "
                         f"--known-future {','.join(known)} and no --target; name the column to forecast with --target")
    panel = _without_empty_series(panel)
    a = panel.attrs
    season = opts["season_length"] or season_length_for(a["freq"])
    if not opts["season_length"] and a["freq"] is None:  # positions: a panel tells its season (M4's files)
        values = panel.groupby(a["id_col"], sort=False)[a["target"][0]]
        with _notes():
            season = positions_season(g.to_numpy(dtype="float64") for _, g in values)
    lengths = panel.groupby(a["id_col"], sort=False).size()
    if opts["n_jobs"] is None:  # the baselines go series by series: a process per core pays off for many
        opts["n_jobs"] = (os.cpu_count() or 1) if a["n_series"] >= PARALLEL_SERIES else 1
    horizon = opts["horizon"] or _default_horizon(season, int(lengths.median()), "rows in the median series")
    n_windows = opts["n_windows"] or 1
    settings = dict(season=season, horizon=horizon, n_windows=n_windows, step=horizon,
                    test_rows=horizon * n_windows, n_series=int(a["n_series"]),
                    longest_train_rows=int(lengths.max()) - horizon * n_windows)
    fit_kwargs = dict(id_col=a["id_col"], time_col=times_column(a), target=a["target"][0],
                      features=features or None, known_future=known or None)
    _say(opts["quiet"], f"Read {len(panel)} rows of {a['n_series']} series from {a['source']}: target "
                        f"{a['target'][0]!r}, frequency {a['freq'] or _positions(a)}, "
                        f"{lengths.min()}..{lengths.max()} rows per series, {a['n_gaps']} gap row(s) inserted"
                        + (f", covariates {features}" if features else "")
                        + (f", known ahead {known}" if known else ""))
    _say(opts["quiet"], f"Plan: horizon={horizon}, {n_windows} test origin(s) every {horizon} steps over the last "
                        f"{horizon * n_windows} rows of every series; one {opts['cell']} network for all series, "
                        "the baselines series by series.")
    return panel, settings, fit_kwargs


def _run_panel(opts, after=0):
    """Backtest one global network and the per-series baselines on every series of a panel."""
    from forecastrnn.evaluation import backtest_panel, summarize_panel
    from forecastrnn.progress import reporting

    panel, settings, fit_kwargs = _panel_plan(opts)
    rnn = _forecaster(opts, settings, panel=True)
    baselines = _fitting(_baselines(opts, settings), settings["longest_train_rows"],
                         "the longest series")  # 60 weeks: no seasonal naive
    models = _with_combination(opts, rnn, baselines, settings)

    stages = _stages(opts, after)
    with _notes(), reporting(stages.advance):
        table, fitted = backtest_panel(models, panel, settings["horizon"], settings["n_windows"], level=opts["level"],
                                       season_length=settings["season"], n_jobs=opts["n_jobs"],
                                       progress=_backtest_progress(stages), return_models=True,
                                       checkpoint_dir=opts["checkpoint_dir"], client=opts["scheduler"], **fit_kwargs)
        stages.finish()
    _say(opts["quiet"], f"  global {_chosen(fitted[rnn.name])}; {fitted[rnn.name].n_windows_} training windows")
    with _notes():
        summary, by_series = summarize_panel(table)
    shown = summary.dropna(axis=1, how="all")  # no seasonal naive (too short for it): no share beating it
    beats = "; beats_seasonal_naive_%: share of series with a lower MASE than seasonal naive" \
        if "beats_seasonal_naive_%" in shown else ""
    click.echo(f"\nBacktest of {settings['n_series']} series, {settings['n_windows']} origin(s) each, horizon "
               f"{settings['horizon']}, level {opts['level']:.0%} (means over series, sorted by MASE; OWA against "
               f"naive2{beats}):")
    click.echo(shown.to_string(float_format=lambda v: f"{v:.4f}"))
    return panel, settings, fit_kwargs, table, summary, by_series, fitted[rnn.name], fitted.get("combination"), stages


def _run_comparison(opts, after=0):
    """Fit + backtest every model on the same origins; returns what fit/backtest print and save
    (and the stage lines, ``after`` more to come)."""
    from forecastrnn.evaluation import backtest, summarize
    from forecastrnn.progress import reporting

    frame, settings = _plan(opts)
    rnn = _forecaster(opts, settings)
    models = _with_combination(opts, rnn, _fitting(_baselines(opts, settings), settings["train_rows"]), settings)
    stages = _stages(opts, after)
    with _notes(), reporting(stages.advance):
        table, fitted = backtest(models, frame, settings["horizon"], settings["n_windows"], settings["step"],
                                 level=opts["level"], progress=_backtest_progress(stages), return_models=True,
                                 checkpoint_dir=opts["checkpoint_dir"], n_jobs=opts["n_jobs"],
                                 client=opts["scheduler"], season_length=settings["season"],
                                 known_future=_comma_list(opts["known_future"]) or None)
        stages.finish()  # before the notes, which print when the block ends
    _say(opts["quiet"], f"  {_chosen(fitted[rnn.name])}")
    for model in fitted.values():
        if hasattr(model, "describe"):
            _say(opts["quiet"], f"  {model.describe()}")
    train = frame.iloc[: table.attrs["first_origin"]][frame.attrs["target"]]
    with _notes():
        summary = summarize(table, train, settings["season"])
    click.echo(f"\nBacktest over {settings['n_windows']} origin(s), horizon {settings['horizon']}, "
               f"level {opts['level']:.0%} (sorted by MASE; skill = MAE improvement over naive):")
    click.echo(summary.to_string(float_format=lambda v: f"{v:.4f}"))
    return frame, settings, table, summary, fitted[rnn.name], fitted.get("combination"), stages


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"],
                                           "max_content_width": 100})
@click.version_option(__version__, prog_name="forecastrnn")
@click.option("--debug", is_flag=True, help="Show full tracebacks on errors.")
def cli(debug):
    """Forecast time series with recurrent networks and compare them with baselines.

    Example: forecastrnn fit datasets/ETTh1.csv --target OT
    """
    from forecastrnn._tf import QUIET_ENV

    # TensorFlow's C++ start-up lines read as failures to a newcomer: silent unless --debug.
    os.environ[QUIET_ENV] = "0" if debug else "1"


@cli.command()
@data_options
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Run directory [default: runs/<data-name>-<timestamp>].")
@click.option("--overwrite", is_flag=True, help="Replace an existing run directory.")
@click.option("--refit/--no-refit", default=True, show_default=True,
              help="Retrain the saved model on all rows after the backtest (else it never saw the test span).")
@click.option("--forecast", "forecast_model", type=click.Choice(["combination", "network"]), default="combination",
              show_default=True,
              help="The model saved and written to forecast.csv: the combination (with --combination) or the network.")
@click.option("--future", type=click.Path(dir_okay=False), default=None,
              help="CSV of the --known-future columns for the steps after the data (with the time column, and the "
                   "id column of a panel), for forecast.csv [default: no forecast.csv; 'predict RUN --future' writes one].")
def fit(out, overwrite, refit, forecast_model, future, **opts):
    """Train a recurrent forecaster, backtest it against baselines and save a run directory.

    Example: forecastrnn fit datasets/ETTh1.csv --target OT --model lstm --epochs 10
    """
    from forecastrnn.persistence import atomic_write_dir

    _check_file(opts["data"], "Data")
    _check_file(future, "Future")
    if future is not None and not opts["known_future"]:
        raise ValueError(f"--future gives the values of --known-future columns, and none is named. Received: {future!r}")
    opts["future"] = future
    opts["id_col"] = _panel_id(opts["data"], opts["id_col"], opts["wide"], opts["target"])
    name = os.path.splitext(os.path.basename(opts["data"]))[0]
    out = out or os.path.join("runs", f"{name}-{time.strftime('%Y%m%d-%H%M%S')}")
    if os.path.exists(out) and not overwrite:
        raise FileExistsError(f"Run directory {out!r} already exists. Pass --overwrite to replace it, "
                              "or choose another --out")
    _require_tracking(opts)
    if opts["id_col"]:
        return _fit_panel(out, overwrite, refit, forecast_model, opts)
    frame, settings, table, summary, rnn, combination, stages = _run_comparison(opts, after=1 + refit)
    model, rnn = _deployed(opts, stages, rnn, combination if forecast_model == "combination" else None, refit, frame,
                           {}, f"on all {len(frame)} rows")
    if refit:
        trained_on = (f"all {len(frame)} rows ({rnn.settings_['epochs']} more epoch(s) from the backtested weights); "
                      "its intervals keep the calibration of the backtested model")
    else:
        trained_on = (f"the first {settings['train_rows']} rows only (--no-refit): "
                      f"it never saw the last {settings['test_rows']}")
    stages.start("forecasting and writing the run directory (model, metrics, plots)")
    forecast = _final_forecast(model, opts)
    metrics = _metrics(summary, ("mae", "rmse", "smape", "mase", "coverage"))

    def write(tmp):
        from forecastrnn.plotting import plot_forecast, plot_training

        model.save(os.path.join(tmp, "model"))
        with open(os.path.join(tmp, "metrics.json"), "w", encoding="utf-8") as fh:
            json.dump(metrics, fh, indent=2)
        table.to_csv(os.path.join(tmp, "backtest.csv"), index=False)
        if forecast is not None:
            forecast.to_csv(os.path.join(tmp, "forecast.csv"), index_label=settings["time_col"] or "time")
        with open(os.path.join(tmp, "run.json"), "w", encoding="utf-8") as fh:
            json.dump({"data": os.path.abspath(opts["data"]), "settings": settings,
                       "options": {k: v for k, v in opts.items() if k != "quiet"},
                       "network": rnn.settings_, **_forecast_info(model), "saved_model_trained_on": trained_on,
                       "version": __version__}, fh, indent=2, default=str)
        target = rnn.target_[0]
        plot_forecast(frame[target], table[table.target == target], forecast,
                      tail=max(4 * settings["test_rows"], 3 * rnn.window_),
                      path=os.path.join(tmp, "forecast.png"))
        plot_training(rnn.history_, path=os.path.join(tmp, "training.png"))

    path = atomic_write_dir(out, overwrite, write)
    stages.finish()
    click.echo(f"\nRun saved to {path}: model/, metrics.json, backtest.csv, "
               f"{'forecast.csv, ' * (forecast is not None)}forecast.png, training.png")
    _say(opts["quiet"], f"The saved model ({model.name}) was trained on {trained_on}.")
    if forecast is not None:
        _say(opts["quiet"], f"Next {settings['horizon']} steps:\n{forecast.head(5).to_string()}\n...")
    _track(opts, "fit", rnn, metrics, artifacts=path)


def _fit_panel(out, overwrite, refit, forecast_model, opts):
    """``fit --id-col``: the panel backtest, the saved global model and the run directory."""
    from forecastrnn.data.panel import panel_series
    from forecastrnn.persistence import atomic_write_dir

    panel, settings, fit_kwargs, table, summary, by_series, rnn, combination, stages = _run_panel(opts, after=1 + refit)
    model, fitted = _deployed(opts, stages, rnn, combination if forecast_model == "combination" else None, refit,
                              panel, fit_kwargs, "on all rows of every series", label=f"the global {rnn.name}")
    if refit:
        trained_on = "all rows of every series; its intervals keep the calibration of the backtested model"
    else:
        trained_on = (f"every series without its last {settings['test_rows']} rows (--no-refit); "
                      "it forecasts from the end of the data")
    stages.start("forecasting and writing the run directory (model, metrics, plots)")
    forecast = _final_forecast(model, opts)
    value = fit_kwargs["target"]
    metrics = _metrics(summary)

    def write(tmp):
        from forecastrnn.plotting import plot_mase_distribution, plot_panel, plot_training

        model.save(os.path.join(tmp, "model"))
        with open(os.path.join(tmp, "metrics.json"), "w", encoding="utf-8") as fh:
            json.dump(metrics, fh, indent=2)
        by_series.to_csv(os.path.join(tmp, "metrics_by_series.csv"), index=False)
        table.to_csv(os.path.join(tmp, "backtest.csv"), index=False)
        if forecast is not None:
            forecast.to_csv(os.path.join(tmp, "forecast.csv"), index=False)
        with open(os.path.join(tmp, "run.json"), "w", encoding="utf-8") as fh:
            json.dump({"data": os.path.abspath(opts["data"]), "panel": True, "settings": settings,
                       "fit": fit_kwargs, "options": {k: v for k, v in opts.items() if k != "quiet"},
                       "network": fitted.settings_, **_forecast_info(model), "saved_model_trained_on": trained_on,
                       "version": __version__}, fh, indent=2, default=str)
        plot_panel(panel_series(panel, value), table, by_series, rnn.name, tail=4 * settings["test_rows"],
                   path=os.path.join(tmp, "series.png"))
        plot_mase_distribution(by_series, path=os.path.join(tmp, "mase_by_series.png"))
        plot_training(fitted.history_, path=os.path.join(tmp, "training.png"))

    path = atomic_write_dir(out, overwrite, write)
    stages.finish()
    click.echo(f"\nRun saved to {path}: model/, metrics.json, metrics_by_series.csv, backtest.csv, "
               f"{'forecast.csv, ' * (forecast is not None)}series.png, mase_by_series.png, training.png")
    _say(opts["quiet"], f"The saved model was trained on {trained_on}.")
    if forecast is not None:
        _say(opts["quiet"], f"Next {settings['horizon']} steps of each series (long format):\n"
                            f"{forecast.head(5).to_string(index=False)}\n...")
    _track(opts, "fit", fitted, metrics, artifacts=path)


def _deployed(opts, stages, rnn, combination, refit, data, fit_kwargs, rows: str, label=None):
    """The saved model, the combination when given or else the network, retrained on all rows
    (``--refit``: a combination keeps its weights and retrains its network, from its backtested
    weights) or moved to the end of the data; returns it and its network."""
    from forecastrnn.progress import reporting

    model = rnn if combination is None else combination
    if refit:
        of = " (of the combination)" if combination is not None else ""
        stages.start(f"retraining {label or rnn.name}{of} {rows}, from the backtested weights (the saved model)")
        with _notes(), reporting(stages.advance):
            model = model.refit(data, checkpoint_dir=_refit_checkpoint(opts), **fit_kwargs)
            stages.finish()
    else:
        model = model.update(data)
    return model, getattr(model, "network_", model)


def _final_forecast(model, opts):
    """The forecast after the end of the data for forecast.csv; None, said in a note, when the
    model reads columns known ahead and ``--future`` does not give their values (the run is
    kept: ``predict RUN --future FILE`` forecasts from it)."""
    known = _comma_list(opts["known_future"])
    try:
        with _notes():
            return model.predict(level=opts["level"], **({"future": opts["future"]} if known else {}))
    except ValueError as exc:
        if not known:
            raise
        reason = f"--future: {_message(exc)}" if opts["future"] else f"no --future gives the values of {known} there"
        click.echo(f"Note: no forecast.csv ({reason}); 'forecastrnn predict RUN --future FILE' writes one", err=True)
        return None


def _forecast_info(model) -> dict:
    """What run.json says about the model behind forecast.csv."""
    if not hasattr(model, "weights_"):
        return {"forecast_model": model.name}
    return {"forecast_model": "combination", "combination": model.describe()}


def _refit_checkpoint(opts):
    """The retraining's own checkpoint folder, beside the backtest's."""
    return None if opts["checkpoint_dir"] is None else os.path.join(opts["checkpoint_dir"], "refit")


def _finite(value):
    value = float(value)
    return value if value == value else None  # NaN -> null in JSON


def _require_tracking(opts):
    """Refuse ``--mlflow`` without MLflow before any training."""
    if opts["mlflow_uri"] is not None:
        from forecastrnn.tracking import require_mlflow

        require_mlflow()


def _metrics(summary, columns=None) -> dict:
    """``{model: {metric: value}}`` of a summary table: what metrics.json and MLflow hold."""
    return {name: {k: _finite(row[k]) for k in (columns or row.index)} for name, row in summary.iterrows()}


def _track(opts, command: str, rnn, metrics: dict, artifacts=None, tables=None):
    """``--mlflow``: log the run and print its id."""
    if opts["mlflow_uri"] is None:
        return
    from forecastrnn.tracking import log_run

    options = {k: v for k, v in opts.items() if k not in ("quiet", "verbose", "mlflow_uri")}
    run_id = log_run(opts["mlflow_uri"], command, options, rnn.settings_, metrics, artifacts, tables)
    click.echo(f"MLflow run {run_id} logged to {opts['mlflow_uri']} (experiment 'forecastrnn')")


@cli.command(name="backtest")
@data_options
def backtest_cmd(**opts):
    """Compare a recurrent forecaster with baselines on the same test origins (nothing saved).

    Example: forecastrnn backtest datasets/airline_passengers.csv --model lstm --baselines naive,arima
    """
    _require_tracking(opts)
    _check_file(opts["data"], "Data")
    opts["id_col"] = _panel_id(opts["data"], opts["id_col"], opts["wide"], opts["target"])
    if opts["id_col"]:
        _, _, _, table, summary, _, rnn, _, _ = _run_panel(opts)
    else:
        _, _, table, summary, rnn, _, _ = _run_comparison(opts)
    _track(opts, "backtest", rnn, _metrics(summary), tables={"backtest": table, "summary": summary.reset_index()})


def _load_run_model(run_dir):
    """The model saved in ``run_dir/model`` (a forecaster or a combination)."""
    from forecastrnn._tf import tensorflow
    from forecastrnn.models.combination import CombinationForecaster
    from forecastrnn.models.forecaster import RNNForecaster
    from forecastrnn.models.global_forecaster import GlobalRNNForecaster

    if not os.path.isdir(run_dir):
        raise FileNotFoundError(f"Run directory not found. Expected a folder written by 'forecastrnn fit'. "
                                f"Received: {run_dir!r}")
    try:
        with open(os.path.join(run_dir, "model", "state.json"), encoding="utf-8") as fh:
            state = json.load(fh)
        kind = state.get("format", "").rpartition(".")[2]
    except (OSError, ValueError, AttributeError):
        state, kind = {}, "RNNForecaster"  # load() below says what is wrong
    classes = {"RNNForecaster": RNNForecaster, "GlobalRNNForecaster": GlobalRNNForecaster,
               "CombinationForecaster": CombinationForecaster}
    tensorflow()  # silenced start-up, before load() imports Keras
    return classes.get(kind, RNNForecaster).load(os.path.join(run_dir, "model"))


def _run_settings(run_dir) -> dict:
    """The plan a run directory was fitted with (``settings`` of its run.json; empty if unreadable)."""
    try:
        with open(os.path.join(run_dir, "run.json"), encoding="utf-8") as fh:
            return dict(json.load(fh).get("settings") or {})
    except (OSError, ValueError, AttributeError, TypeError):
        return {}


def _check_file(path, what: str) -> None:
    if path is not None and not os.path.isfile(path):
        raise FileNotFoundError(f"{what} file not found. Expected an existing CSV file. Received: {path!r}")


def _without_empty_series(panel):
    """``panel`` without its series that have only missing values in the target (nothing to
    learn from or forecast: left out, said); an error when every series is such."""
    a = panel.attrs
    empty = panel[a["target"][0]].notna().groupby(panel[a["id_col"]], sort=False).sum() == 0
    if empty.all():
        raise ValueError(f"Every series has only missing values in {a['target'][0]!r}. Received: "
                         f"{int(a['n_series'])} series")
    if not empty.any():
        return panel
    click.echo(f"Note: {int(empty.sum())} series with only missing values in {a['target'][0]!r} left out "
               f"(e.g. {str(empty.index[empty][0])!r}): no forecast for them", err=True)
    attrs = dict(a)
    panel = panel[~panel[a["id_col"]].isin(empty.index[empty])].reset_index(drop=True)
    panel.attrs.update(attrs, n_series=int((~empty).sum()))
    return panel


def _panel_id(path, id_col, wide=False, target=None):
    """``id_col``, or the column that names the series of long data by its name
    (``unique_id``, ``item_id`` ...: ``read_panel``'s default) or of one series per row (the
    M3 and M4 files), said in a note; with ``wide``, ``unique_id``: the columns' names."""
    from forecastrnn.data.panel import ID_COL, panel_id_of

    if wide:
        if id_col is not None or target:
            raise ValueError("--wide reads every numeric column as one series: --id-col and --target do not apply. "
                             f"Received: --wide with {'--id-col ' + id_col if id_col else '--target'}")
        return ID_COL
    found = panel_id_of(path) if id_col is None else None
    if found is not None:
        which = f"columns {' and '.join(map(repr, found.split(',')))} together name" if "," in found else \
            f"column {found!r} names"
        click.echo(f"Note: {which} the series: read as a panel (--id-col {found})", err=True)
        return found
    return id_col


def _write_csv(frame, output, **kwargs):
    """``frame`` to ``output`` atomically (a temporary file renamed at the end)."""
    tmp = f"{output}.tmp-{os.getpid()}"
    try:
        frame.to_csv(tmp, **kwargs)
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


@cli.command()
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--data", type=click.Path(dir_okay=False), default=None,
              help="History to forecast from [default: the end of the data the run was fitted on; "
                   "required with 'pretrained'].")
@click.option("--id-col", default=None, help="With 'pretrained': the column naming the series of long data "
              "(or columns that together do: store_nbr,family).")
@click.option("--wide", is_flag=True, help="Every numeric column of --data is one series (a wide file), as in fit.")
@click.option("--target", default=None,
              help="With 'pretrained': the column to forecast [default: the last numeric column].")
@click.option("--time-col", default="auto", show_default=True, callback=_time_col,
              help="With 'pretrained': the timestamp column; 'none': the rows are consecutive steps.")
@click.option("--season-length", type=click.IntRange(min=1), default=None,
              help="With 'pretrained': steps in a season [default: from the frequency; 1 for positions].")
@click.option("--future", type=click.Path(dir_okay=False), default=None,
              help="CSV of the known-future columns for the forecast steps (models fitted with them; the trained "
                   "horizon's steps that it leaves out read its last step's values, with a note).")
@click.option("--horizon", type=click.IntRange(min=1), default=None,
              help="Steps [default: a run's trained horizon; 'pretrained': one season (weekly: 13), 10 without one, at most 48].")
@click.option("--level", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.9,
              show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), default=None,
              help="CSV file to write [default: standard output].")
@click.option("--overwrite", is_flag=True, help="Replace an existing --output file.")
def predict(run_dir, data, id_col, wide, target, time_col, season_length, future, horizon, level, output, overwrite):
    """Forecast with the model of a run directory, of an export directory (written by
    'forecastrnn export': only the exported SavedModel or TFLite file is run), or with the
    pretrained model ('pretrained': no training, any series or panel).

    Example: forecastrnn predict runs/ETTh1-20260101-120000 --horizon 12 --output next.csv
    """
    from forecastrnn.models.exported import ExportedForecaster, is_export_dir

    _check_file(data, "Data")
    _check_file(future, "Future")
    if output and os.path.exists(output) and not overwrite:
        raise FileExistsError(f"Output file {output!r} already exists. Pass --overwrite to replace it")
    if (id_col is not None or target is not None or season_length is not None or time_col != "auto") \
            and run_dir != "pretrained":
        raise ValueError("--id-col, --target, --time-col and --season-length apply to 'pretrained' (a run knows its "
                         f"columns and season). Received: {run_dir!r}")
    with _notes():  # warnings of the reading and the forecast, one note each
        if wide:  # the columns become a long panel, for the pretrained model or a run fitted --wide
            if data is None:
                raise ValueError("--wide reads the series of --data. Received: no --data")
            from forecastrnn.data.panel import columns_to_long

            id_col, data = _panel_id(data, id_col, wide, target), columns_to_long(data, time_col)
        if run_dir == "pretrained" and not os.path.isdir(run_dir):
            if data is None:
                raise ValueError("'predict pretrained' forecasts the series of --data. Received: no --data")
            from forecastrnn.data.io import read_series, times_column
            from forecastrnn.data.panel import read_panel

            id_col = id_col if wide else _panel_id(data, id_col)
            # read once: the model forecasts this frame, and the columns it leaves are said
            data = read_series(data, target=target, time_col=time_col) if id_col is None else \
                _without_empty_series(read_panel(data, id_col=id_col, target=target, time_col=time_col))
            if target is None:
                _note_unused(data.attrs, "--target names the column to forecast")
            from forecastrnn.models.pretrained import PretrainedForecaster

            model = PretrainedForecaster(season_length=season_length or "auto").fit(
                id_col=id_col, target=data.attrs["target"][0])
            panel, known, times = id_col is not None, [], times_column(data.attrs)
        elif is_export_dir(run_dir):
            model = ExportedForecaster(run_dir)
            sig = model.signature
            panel, known = sig["series"] is not None, sig["known_future"]
            times = (sig.get("columns") or [None, None])[1] if sig.get("freq") else None  # (positions: none)
        else:
            model = _load_run_model(run_dir)
            network = getattr(model, "network_", model)
            panel, known = getattr(network, "supports_panels", False), getattr(network, "known_future_", [])
            times = _run_settings(run_dir).get("time_col")
        if future is not None and not known:
            raise ValueError(f"--future gives known-future columns, but this model has none. Received: {future!r}")
        if known and future is None:
            raise ValueError(f"This model reads {known}, known ahead: --future FILE gives their values for the steps "
                             f"to forecast (with the time column{' and the id column' if panel else ''}). "
                             "Received: no --future")
        forecast = model.predict(data, horizon=horizon, level=level, **({"future": future} if known else {}))
    if hasattr(model, "network_weight_"):  # the pretrained forecast: what it blended (stderr: the CSV stays clean)
        click.echo(f"Forecast: the pretrained network's times {model.network_weight_:g} plus damped-trend "
                   f"smoothing's times {1 - model.network_weight_:g}", err=True)
    # panels: long format, the time a column; one series: its times named as in the data (else "time")
    csv = dict(index=False) if panel else dict(index_label=times or "time")
    if output is None:
        click.echo(forecast.to_csv(**csv), nl=False)
        return
    _write_csv(forecast, output, **csv)
    click.echo(f"Forecast of {len(forecast)} rows written to {output}")


@cli.command()
@click.argument("run_dir", type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["saved_model", "tflite"]), default="saved_model",
              show_default=True, help="SavedModel (TF Serving, any batch) or TFLite (mobile and edge).")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Export directory [default: RUN_DIR/export-<format>].")
@click.option("--level", "levels", type=click.FloatRange(0, 1, min_open=True, max_open=True), multiple=True,
              help="Interval level fixed in the graph; repeat for several [default: 0.9].")
@click.option("--overwrite", is_flag=True, help="Replace an existing export directory.")
def export(run_dir, fmt, out, levels, overwrite):
    """Export the network of a run directory with its whole forecast inside (scaling, window
    normalisation, log transform, anchor, intervals), plus signature.json naming its inputs.

    Example: forecastrnn export runs/ETTh1-20260101-120000 --format tflite --out etth1-tflite
    """
    model = _load_run_model(run_dir)
    network = getattr(model, "network_", model)
    out = out or os.path.join(run_dir, f"export-{fmt}")
    path = network.export(out, format=fmt, level=list(levels) or 0.9, overwrite=overwrite)
    if network is not model:
        click.echo("Note: the run's saved model is a combination; the export holds its network "
                   f"({network.name}), since the baselines it combines (statsmodels) do not run in a graph.")
    with open(os.path.join(path, "signature.json"), encoding="utf-8") as fh:
        signature = json.load(fh)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)
    inputs = ", ".join(f"{i['name']} {i['dtype']}{i['shape']}" for i in signature["inputs"])
    click.echo(f"Exported {signature['model']} ({fmt}, {size / 1e6:.2f} MB) to {path}\n"
               f"Inputs: {inputs}; horizon {signature['horizon']}, levels {signature['levels']}\n"
               f"Forecast with: forecastrnn predict {path}")


@cli.command()
def datasets():
    """List the bundled datasets with path, rows and frequency.

    Example: forecastrnn datasets
    """
    from forecastrnn.datasets import list_datasets

    table = list_datasets()[["name", "path", "rows", "frequency", "target", "description"]]
    click.echo(table.to_string(index=False))


def main():
    cli(prog_name="forecastrnn")


if __name__ == "__main__":
    main()
