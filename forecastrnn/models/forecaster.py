"""``RNNForecaster``: the network core (:mod:`forecastrnn.models.core`) on one series.

The series may have several targets (forecast together) and covariates (read as past
inputs); its output is a table indexed by the future timestamps. Intervals are split-conformal
(:mod:`forecastrnn.models.calibration`): on one series with dropout or an ensemble, scaled by
the spread of the members and of Monte-Carlo dropout runs (``interval_scale="auto"``).
"""

from __future__ import annotations

import pandas as pd

from forecastrnn.base import forecast_frame, future_index
from forecastrnn.data.io import as_series, one_hot, read_series
from forecastrnn.data.panel import ID_COL
from forecastrnn.data.stack import Stack
from forecastrnn.defaults import AUTO
from forecastrnn.models.core import NetworkCore
from forecastrnn.models.encoding import names_of as _names

KEY = "series"  # the one series' id inside the core


class RNNForecaster(NetworkCore):
    """Recurrent multi-step forecaster (GRU, LSTM or SimpleRNN) of one series, on lazily windowed data.

    The network reads ``window`` past steps of every input column and forecasts the next
    ``horizon`` steps of the target(s) at once. It is built inside ``fit`` through
    :func:`forecastrnn.models.builders.build_recurrent_model`. Every ``"auto"`` setting is
    chosen in ``fit`` from the data (:func:`forecastrnn.defaults.network_settings` and
    :func:`forecastrnn.defaults.shape_settings`; the values used are in ``settings_``).
    ``GlobalRNNForecaster`` takes the same parameters with the same defaults.

    Parameters
    ----------
    cell : {"gru", "lstm", "simplernn"}
    units : "auto", int or list of int
        Units per recurrent layer; a list gives a stack (and overrides ``layers``).
    layers, bidirectional : int, bool
    dropout, recurrent_dropout : float in [0, 1)
        Input and recurrent dropout of each recurrent layer (``recurrent_dropout`` turns off cuDNN).
    window : "auto" or int
        Input length; a series or origin with fewer rows is padded on the left and masked.
    horizon, stride : int
        Forecast length and step between training windows.
    scaler : {"standard", "minmax", "robust", "none"}
        Fitted on each series' training rows only.
    epochs, batch_size, learning_rate, patience, loss ("mse", "mae", "huber")
        Adam at a constant rate (halving it on plateaus cost on validation windows); early
        stopping on the validation loss, best weights restored.
    validation_size, calibration_size : float or int
        Fractions or numbers of rows after the training rows: early stopping, then intervals.
    anchor : "auto", "last", "mean", "season", "season_mean" or None
        With ``normalize="last"``: the simple forecast the network corrects (last value, window
        mean, seasonal naive, mean of the seasons in the window shifted by the level change;
        None: a plain network). ``"auto"``: the lowest error on the training rows (most
        series' choice; :func:`forecastrnn.data.season.best_anchor`). If training never beats
        the anchor on the validation windows, the model is the anchor (``settings_["fell_back"]``).
    n_models : "auto" or int
        Ensemble size: networks from different seeds side by side, combined by their median.
    mc_samples : int
        Monte-Carlo dropout runs per forecast for ``interval_scale="spread"``.
    jit_compile : bool or "auto"
        XLA for training; "auto": on CPU, where it measured faster, once the training is big
        enough (windows x epochs >= 50,000) to pay for the compilation.
    random_state : int or None
        Seeds weights, shuffling and dropout (``keras.utils.set_random_seed``, which also
        reseeds ``random`` and NumPy's global generator); with an int, CPU forecasts repeat.
        On a GPU ``fit`` also enables op determinism (process-wide).
    verbose : "auto", 0, 1 or 2
    calendar : "auto" or None
        Calendar cycles of the frequency as known-future inputs (``"auto"``: several series with time).
    id_embedding : int
        Size of a learned embedding of the series id (0: none; a new series gets zeros).
    season_length : "auto" or int
        Season of the anchors and of ``normalize="window"`` (``"auto"``: from the frequency).
    normalize : "auto", "window" or "last"
        ``"window"``: each window's target deseasonalised, centred and scaled by its own
        statistics, put back on the output; ``"last"``: the window minus its last value, the
        network corrects ``anchor``. ``"auto"``: ``"window"`` for several series, else ``"last"``.
    loss_scale : "series" or "window"
        Errors in each series' scaled units, or divided by each window's own scale.
    target_transform : None or "log"
        Model the logarithm of the (positive) targets; forecasts and bounds mapped back with ``exp``.
    interval_scale : "auto", "series", "window" or "spread"
        Unit of the conformal scores (:mod:`forecastrnn.models.calibration`); ``"auto"``:
        ``"spread"`` on one series with dropout or an ensemble, else ``"series"``.
    init : None, "pretrained" or a folder written by ``pretrain()``
        Start from the pretrained network (``forecastrnn.pretrained()``) instead of random
        weights, and train on from there (:mod:`forecastrnn.models.warm_start`): its
        architecture (GRU 64, window 96, window normalisation, two phase columns of zeros),
        at most 10 epochs unless ``epochs`` says otherwise, the same early stopping, and the
        pretrained weights kept if no epoch beats them on the validation windows. The target
        only (no covariates); ``fit(..., init=...)`` sets it for one fit.

    Attributes
    ----------
    model_ : keras.Model
        The ``n_models`` networks side by side: output ``(batch, n_models, horizon, n_targets)``.
    settings_ : dict
        The settings used (window, units, epochs, batch_size, n_models, anchor, normalize, ...).
    scalers_ : SeriesScalers
    target_, features_, known_future_ : list of str
    freq_ : str or None
    history_ : dict of per-epoch losses
    n_train_rows_ : int

    Examples
    --------
    >>> from forecastrnn import RNNForecaster, load_dataset  # doctest: +SKIP
    >>> model = RNNForecaster(window=168, horizon=24, epochs=5, random_state=0)  # doctest: +SKIP
    >>> model.fit(load_dataset("etth1"), target="OT").predict(level=0.9).head()  # doctest: +SKIP
    """

    supports_panels = False

    def _read(self, data, fitting=False, target=None, features=None, time_col=AUTO, known_future=None) -> Stack:
        """The one series of ``data`` in the model's columns and units; when ``fitting``,
        settles the columns and the frequency."""
        if fitting:
            features, known_future = _names(features, "features"), _names(known_future, "known_future")
            every = features == ["all"]
            frame = as_series(data, target, time_col, None if every else
                              list(dict.fromkeys(_names(target, "target") + features + known_future)) or None)
            self.target_ = list(frame.attrs["target"])
            features, known_future = one_hot(features, frame.columns), one_hot(known_future, frame.columns)
            self.features_ = [c for c in frame.attrs["features"] if c not in self.target_ + known_future] \
                if every else [c for c in features if c not in self.target_]
            self.known_future_ = known_future
            self.freq_ = frame.attrs.get("freq")
            self.time_unit_ = frame.index.unit if isinstance(frame.index, pd.DatetimeIndex) else None
            self.columns_ = [ID_COL, frame.attrs.get("time_col") or "ds", *self.target_]
            self.fit_args_ = {"target": self.target_, "features": self.features_ or None,
                              "known_future": self.known_future_ or None}
        else:
            frame = read_series(data, target=self.target_, features=self._columns(), expected_freq=self.freq_)
        return self._in_model_units(Stack.from_frames({KEY: frame}, self._columns()))

    def fit(self, data, target=None, features=None, time_col="auto", callbacks=None, checkpoint_dir=None,
            strategy=None, known_future=None, init=None):
        """Train on ``data``; its final rows validate the training and calibrate the intervals.

        Parameters
        ----------
        data : CSV path, DataFrame, Series or array
            Read through :func:`forecastrnn.read_series`.
        target, time_col : see :func:`forecastrnn.read_series`
        features : list of str or "all", optional
            Past covariates: other columns the network reads (observed up to each origin).
            Default: none, the target(s) only, as in the CLI (on ETTh1 the six other columns
            made the GRU worse: BENCHMARKS.md). ``"all"``: every numeric column.
        known_future : list of str, optional
            Columns known in advance for the forecast steps; ``predict`` then needs ``future=``.
        callbacks : list of keras.callbacks.Callback, optional
            Extra callbacks for Keras ``fit`` (early stopping is always added).
        checkpoint_dir : str or path, optional
            Back up the training there after every epoch; ``fit`` again with the same data,
            settings and folder resumes after the last finished epoch, to the same model.
        strategy : tf.distribute.Strategy, optional
            Train under it (e.g. ``MirroredStrategy()``); ``batch_size`` is the global batch.
        init : "pretrained" or a folder written by ``pretrain()``, optional
            Start from the pretrained network (replaces the ``init`` parameter for this fit).

        Returns
        -------
        self
        """
        stack = self._read(data, True, target, features, time_col, known_future)
        if init is not None:
            self.fit_args_["init"] = init
        from forecastrnn.models.global_forecaster import GlobalRNNForecaster  # the pretrained network is a global one
        from forecastrnn.models.warm_start import start_source

        self._fit_chunks(lambda: [stack], callbacks, checkpoint_dir, strategy,
                         start_source(init, self.init, GlobalRNNForecaster))
        self.n_train_rows_ = int(self._held_out(stack.lengths)[0][0])
        return self

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from several origins of one history.

        Parameters
        ----------
        data : DataFrame, CSV path, Series or array
            History with the training columns (read through ``read_series``).
        origins : sequence of int
            Row positions: the forecast from origin ``o`` reads rows ``[o - window, o)`` only
            (padded when ``o < window``) and covers rows ``o .. o + horizon - 1``.
        horizon : int, optional
            Steps to return, at most the trained ``horizon`` (default: all).
        level : float, optional
            Interval level, e.g. 0.9.

        Returns
        -------
        point : numpy.ndarray (n_origins, horizon, n_targets)
        lower, upper : numpy.ndarray of the same shape, or None without ``level``
        """
        return tuple(None if a is None else a[0] for a in self._origins_forecast(data, list(origins), horizon, level))

    def predict(self, data=None, horizon=None, level=None, future=None) -> pd.DataFrame:
        """Forecast the steps after the end of ``data`` (default: the training data).

        Parameters
        ----------
        data : DataFrame, CSV path, Series or array, optional
            History with the training columns; its last ``window`` rows are read.
        horizon : int, optional
            Steps to return, at most the trained ``horizon`` (default: all of them).
        level : float, optional
            Add ``<target>_lower`` and ``<target>_upper`` interval columns at this level.
        future : DataFrame, optional
            The ``known_future`` columns of the forecast steps, indexed (or with a time
            column) by their timestamps: at least ``horizon`` of them. The network reads the
            trained horizon's; steps not given read the last given step's values (a warning).

        Returns
        -------
        pandas.DataFrame
            Shape ``(horizon, n_targets)`` (plus 2 interval columns per target), indexed by
            the future timestamps.
        """
        self._check_fitted()
        horizon = self._horizon(horizon)
        stack = self.tails_ if data is None else self._read(data)
        future = self._future_values(future, stack, horizon)
        return self._output(stack, horizon, *self._forecast(stack, [[stack.lengths[0]]], future, level))

    def _output(self, stack: Stack, horizon: int, point, lower=None, upper=None) -> pd.DataFrame:
        """The forecast table of ``predict`` from arrays ``(1, >= horizon, n_targets)``."""
        index = future_index(stack.index[-1], self.freq_, horizon)
        index = index.as_unit(self.time_unit_) if self.time_unit_ else index
        return forecast_frame(self.target_, index, point[0, :horizon], None if lower is None else lower[0, :horizon],
                              None if upper is None else upper[0, :horizon])

    def update(self, data) -> "RNNForecaster":
        """Make the end of ``data`` the default forecast origin, without retraining.

        ``predict()`` with no data then forecasts the steps after ``data`` (saved along with
        the model). Returns ``self``.
        """
        self._check_fitted()
        self._update_tails(self._read(data))
        return self

    def _get_state(self) -> dict:
        return {**super()._get_state(), "n_train_rows": self.n_train_rows_, "time_unit": self.time_unit_}

    def _set_state(self, state: dict) -> None:
        super()._set_state(state)
        self.n_train_rows_, self.time_unit_ = int(state["n_train_rows"]), state["time_unit"]
