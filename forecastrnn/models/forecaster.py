"""``RNNForecaster``: a scikit-learn style recurrent forecaster with calibrated intervals.

Prediction intervals
--------------------
Split-conformal calibration on rows that neither trained the network nor chose its epoch.
``fit`` splits the rows in time order into training | validation | calibration
(``validation_size``, ``calibration_size``): the training windows fit the weights, the
validation windows (targets inside the validation rows) drive early stopping and the
learning-rate schedule, and every calibration row ``r`` gives, for each step ``j``, the score
of the forecast of ``r`` made ``j + 1`` steps earlier. So each step has one score per
calibration row, none of them seen by training or early stopping.

* The local spread ``s`` of a forecast is the spread of the ensemble members
  (``n_models > 1``) and of Monte-Carlo dropout runs (``dropout`` or ``recurrent_dropout``
  > 0), combined as ``sqrt(var_members + var_dropout)``. With ``b`` the median of ``s`` over
  the calibration forecasts (a floor that keeps the ratio stable where the runs happen to
  agree), the score is ``|y - yhat| / (s + b)`` and the interval ``yhat +/- q * (s + b)``;
* with neither, the score is ``|y - yhat|`` and the interval ``yhat +/- q``.

``q`` is the ``ceil((n + 1) * level)``-th smallest of the ``n`` scores, separately for every
forecast step and target, so intervals widen with the horizon. When ``n`` is too small for
the level (``n < level / (1 - level)``, e.g. 9 for 90 %), no finite bound keeps the promise:
the interval is infinite and a warning says so. ``yhat`` is the median of the members'
deterministic (dropout-off) forecasts.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from forecastrnn.base import check_level, forecast_frame, future_index
from forecastrnn.data.io import as_series, read_series
from forecastrnn.data.masking import add_missing_indicators, missing_columns
from forecastrnn.data.scaling import Scaler
from forecastrnn.data.season import best_anchor, season_length_for
from forecastrnn.data.split import _n_rows, split_series
from forecastrnn.data.windows import check_positive_int, make_dataset
from forecastrnn.models.base import RecurrentEstimator
from forecastrnn.persistence import array_from_json, array_to_json, frame_from_json, frame_to_json


def conformal_quantile(scores, level: float) -> np.ndarray:
    """Split-conformal quantile over axis 0: the ``ceil((n + 1) * level)``-th smallest score.

    ``n`` counts the non-NaN scores of each column. Where that rank exceeds ``n`` (fewer than
    ``level / (1 - level)`` scores) the quantile is ``inf`` and a ``RuntimeWarning`` says how
    many scores the level needs: a finite bound would not keep the promised coverage.
    """
    scores = np.sort(np.asarray(scores, dtype="float64"), axis=0)  # NaN sort last
    n = (~np.isnan(scores)).sum(axis=0)
    rank = np.ceil((n + 1) * level - 1e-9).astype("int64")
    short = rank > n
    picked = np.take_along_axis(scores, np.clip(rank - 1, 0, scores.shape[0] - 1)[None], axis=0)[0]
    if short.any():
        needed = math.ceil(level / (1 - level) - 1e-9)
        warnings.warn(f"Only {int(n[short].min())} calibration score(s) for a {level:.0%} interval, which "
                      f"needs at least {needed}: its bound is infinite. Use more calibration rows "
                      "(`calibration_size`) or a lower level.", RuntimeWarning, stacklevel=4)
    return np.where(short, np.inf, picked)


def held_out_rows(n_rows: int, validation, calibration, horizon: int, warn: bool = True) -> tuple[int, int]:
    """Rows for early stopping and for calibration (each a fraction of ``n_rows`` or a count).

    A piece that is asked for gets at least ``horizon`` rows (a validation window needs a
    full horizon of targets), as long as that leaves half of the rows for training; else the
    calibration piece is dropped first, then the validation piece, with a warning (when
    ``warn``; the global model applies this to every series and stays quiet).
    """
    sizes = [_n_rows(size, n_rows, name) for size, name in ((validation, "validation_size"),
                                                             (calibration, "calibration_size"))]
    sizes = [max(k, horizon) if k else 0 for k in sizes]
    for i, name in ((1, "calibration"), (0, "validation")):
        if sizes[i] and n_rows - sum(sizes) < n_rows / 2:
            if warn:
                warnings.warn(f"{n_rows} rows are too few to set {sizes[i]} apart for {name}; none are "
                          f"(intervals are then calibrated on the "
                              f"{'validation windows' if i else 'training residuals'}).", stacklevel=4)
            sizes[i] = 0
    return sizes[0], sizes[1]


def by_target_row(by_origin, first_row: int, end_row: int, first_origin: int) -> np.ndarray:
    """Forecasts per origin rearranged per forecast row, for conformal scores.

    ``by_origin[i, j]`` is the step-``j`` forecast from origin ``first_origin + i`` (shape
    ``(n_origins, horizon, ...)``). Row ``r`` of the result holds, for each step ``j``, the
    forecast *of* row ``r`` made ``j + 1`` steps earlier (from origin ``r - j``), for the rows
    ``[first_row, end_row)``; NaN where that origin comes before ``first_origin``.
    """
    rows = np.arange(first_row, end_row)
    steps = np.arange(by_origin.shape[1])
    which = rows[:, None] - steps[None, :] - first_origin
    out = np.asarray(by_origin, dtype="float64")[np.clip(which, 0, None), steps[None, :]]
    out[which < 0] = np.nan
    return out


class RNNForecaster(RecurrentEstimator):
    """Recurrent multi-step forecaster (GRU, LSTM or SimpleRNN) on lazily windowed data.

    The network reads ``window`` past steps of every input column and forecasts the next
    ``horizon`` steps of the target(s) at once. It is built inside ``fit`` through
    :func:`forecastrnn.models.builders.build_recurrent_model`.

    Parameters
    ----------
    Every ``"auto"`` setting is chosen in ``fit`` from the training rows, the season and the
    horizon (:func:`forecastrnn.defaults.network_settings`; the values used are in
    ``settings_``).

    cell : {"gru", "lstm", "simplernn"}
    units : "auto", int or list of int
        Units per recurrent layer; a list gives a stack (and overrides ``layers``).
    layers : int
        Number of stacked layers of ``units`` units when ``units`` is an int.
    bidirectional : bool
    dropout, recurrent_dropout : float in [0, 1)
        Input and recurrent dropout of each recurrent layer; with either, intervals use
        Monte-Carlo dropout. ``recurrent_dropout`` turns off cuDNN on GPU.
    window : "auto" or int
        Input length.
    horizon, stride : int
        Forecast length and step between training windows.
    scaler : {"standard", "minmax", "robust", "none"}
        Fitted on the training rows only.
    epochs, batch_size : "auto" or int
    learning_rate, patience : training settings (Adam, halved after ``patience // 2`` epochs
        without improvement; EarlyStopping on the validation loss, best weights restored).
    loss : {"mse", "mae", "huber"}
    validation_size : float or int
        Fraction or number of rows, after the training rows, whose windows drive early
        stopping and the learning-rate schedule.
    calibration_size : float or int
        Fraction or number of final rows that calibrate the intervals (see above); 0 falls
        back to the validation windows, with a warning that the guarantee is lost.
    anchor : "auto", "last", "mean", "season", "season_mean" or None
        The simple forecast the network corrects. ``"last"``: each window is read relative to
        its last step and the network forecasts changes from the last observed value (an
        untrained network equals naive; a level never seen in training does not throw it
        off). ``"season"``: the same, but the network forecasts corrections to the
        seasonal-naive forecast, so on seasonal data it starts from the strongest simple
        forecast and learns only what improves on it. ``"mean"``: the window's mean (a noisy
        level without trend). ``"season_mean"``: the mean of each
        season position over the seasons in the window, shifted by the level change (less
        noisy where the seasonal shape is stable). None: a plain network. ``"auto"``: of
        these four, the one with the lowest error on the training rows
        (:func:`forecastrnn.data.season.best_anchor`). If training never beats the anchor on the
        validation windows, the fitted model is the anchor itself (``settings_["fell_back"]``).
    n_models : "auto" or int
        Ensemble size: networks from different seeds trained side by side, combined by their
        median; their spread widens the intervals.
    mc_samples : int
        Dropout runs per forecast for intervals.
    jit_compile : bool or "auto"
        XLA compilation for training (it replaces the cuDNN kernel); "auto" uses it on CPU,
        where it measured faster, and cuDNN on GPU.
    random_state : int or None
        Seeds weights, shuffling and dropout through ``keras.utils.set_random_seed``, which
        also reseeds Python's ``random`` and NumPy's global generator (a side effect on the
        calling program). With an int, forecasts on CPU are identical across runs. On a GPU,
        ``fit`` also calls ``tf.config.experimental.enable_op_determinism()``: process-wide,
        it cannot be undone and it slows some GPU kernels; on CPU it is not called.
    verbose : "auto", 0, 1 or 2
        Keras progress output during ``fit``.

    Attributes
    ----------
    model_ : keras.Model
        The ``n_models`` networks side by side: output ``(batch, n_models, horizon, n_targets)``.
    settings_ : dict
        The settings used (window, units, epochs, batch_size, n_models, anchor, ...).
    scaler_ : Scaler
    target_, features_ : list of str
    freq_ : str or None
    history_ : dict of per-epoch losses
    n_train_rows_ : int

    Examples
    --------
    >>> from forecastrnn import RNNForecaster, load_dataset  # doctest: +SKIP
    >>> model = RNNForecaster(window=168, horizon=24, epochs=5, random_state=0)  # doctest: +SKIP
    >>> model.fit(load_dataset("etth1"), target="OT").predict(level=0.9).head()  # doctest: +SKIP
    """

    def _reset_dropout_seeds(self):
        """Restart every dropout random stream so Monte-Carlo runs repeat exactly (also after load)."""
        seed = 0 if self.random_state is None else int(self.random_state)
        generators = [v for v in self.model_.variables if "seed_generator_state" in v.path]
        for i, state in enumerate(generators):
            state.assign(np.array([seed + i, 0], dtype=state.dtype))

    def _model_inputs(self, frame: pd.DataFrame):
        """Scaled inputs with indicator channels, and scaled targets: (n, F'), (n, T)."""
        scaled = self.scaler_.transform(frame[self.features_])
        inputs = add_missing_indicators(scaled, self.indicator_columns_)
        idx = [self.features_.index(t) for t in self.target_]
        return inputs, scaled[:, idx]

    # ---------------------------------------------------------------------- fit
    def fit(self, data, target=None, features=None, time_col="auto", callbacks=None, checkpoint_dir=None,
            strategy=None):
        """Train on ``data``; its final rows validate the training and calibrate the intervals.

        Parameters
        ----------
        data : CSV path, DataFrame, Series or array
            Read through :func:`forecastrnn.read_series`.
        target, features, time_col : see :func:`forecastrnn.read_series`
            ``features``: the input columns of the network (default: every numeric column).
        callbacks : list of keras.callbacks.Callback, optional
            Extra callbacks for Keras ``fit`` (early stopping is always added).
        checkpoint_dir : str or path, optional
            Back up the training there after every epoch. If the process dies, ``fit`` with
            the same data, settings and folder goes on from the last finished epoch and ends
            with the model an uninterrupted run gives. The folder is removed when training ends.
        strategy : tf.distribute.Strategy, optional
            Train under it, e.g. ``tf.distribute.MirroredStrategy()`` for several GPUs or
            ``MultiWorkerMirroredStrategy()`` across machines; ``batch_size`` is then the global
            batch. Default: one device.

        Returns
        -------
        self
        """
        return self._fit(as_series(data, target, time_col, features), callbacks, checkpoint_dir=checkpoint_dir,
                         strategy=strategy)

    def refit(self, data, callbacks=None, checkpoint_dir=None) -> "RNNForecaster":
        """A copy retrained on *all* rows of ``data``, keeping this fit's intervals.

        For the model to deploy after a backtest: the same settings (``settings_``), trained
        for the number of epochs early stopping chose here, with no rows held back. Its
        intervals reuse this fit's calibration scores (from rows that model never trained
        on); a network trained on more rows is usually at least as accurate, so they are, if
        anything, conservative.

        Returns
        -------
        RNNForecaster
            A new fitted forecaster (``self`` is unchanged).
        """
        new = self._refit_clone()
        new._fit(as_series(data, self.target_, features=self.features_), callbacks, calibrate=False,
                 checkpoint_dir=checkpoint_dir)
        if self.settings_.get("fell_back"):  # the backtested model was its anchor: so is the retrained one
            new._fall_back_to_anchor()
        new.calibration_scores_, new.spread_floor_ = self.calibration_scores_, self.spread_floor_
        return new

    def _fit(self, frame, callbacks=None, calibrate=True, checkpoint_dir=None, strategy=None):
        self.target_ = list(frame.attrs["target"])
        self.features_ = list(frame.attrs["features"])
        self.freq_ = frame.attrs.get("freq")
        season = season_length_for(self.freq_)
        horizon = check_positive_int(self.horizon, "horizon")
        n_val, n_cal = held_out_rows(len(frame), self.validation_size, self.calibration_size, horizon)
        n_train = len(frame) - n_val - n_cal
        def pick_anchor(window):  # the simple forecast that does best on the training rows
            kinds = {best_anchor(frame[t].to_numpy()[:n_train], season, horizon, window) for t in self.target_}
            return kinds.pop() if len(kinds) == 1 else "last"

        spec = self._resolve(n_train, season, pick_anchor)
        train, val, cal = split_series(frame, validation_size=n_val, test_size=n_cal,
                                       window=spec.window, horizon=spec.horizon)
        self.scaler_ = Scaler(self.scaler).fit(train[self.features_])
        self.indicator_columns_ = missing_columns(train[self.features_]).tolist()
        self.n_train_rows_ = len(train)
        inputs, targets = self._model_inputs(frame)
        n_train, n_fit = len(train), len(train) + len(val)
        train_starts = spec.starts(len(frame), targets, end=n_train)
        val_starts = spec.starts(len(frame), targets, first_target=n_train, end=n_fit)
        if train_starts.size == 0:
            raise ValueError("No training window has complete targets. Received: "
                             f"{n_train} training rows with window={spec.window}, horizon={spec.horizon}")

        self._train(inputs, targets, train_starts, val_starts, callbacks,
                    anchor_targets=[self.features_.index(t) for t in self.target_], checkpoint_dir=checkpoint_dir,
                    strategy=strategy)

        self.tail_ = frame.iloc[-spec.window:][self.features_].copy()
        if not calibrate:
            return self
        if len(cal):
            first_row, end_row = n_fit, len(frame)
        elif val_starts.size:
            warnings.warn("calibration_size=0: intervals are calibrated on the early-stopping windows, "
                          "so their coverage is not guaranteed.", stacklevel=3)
            first_row, end_row = n_train, n_fit
        else:
            warnings.warn("No validation or calibration rows: intervals are calibrated on training "
                          "residuals and will be too narrow.", stacklevel=3)
            first_row, end_row = spec.window, n_train
        self._calibrate(frame, inputs, first_row, end_row)
        return self

    def _calibrate(self, frame, inputs, first_row: int, end_row: int):
        """Conformal scores from the target rows ``[first_row, end_row)``: for each step ``j``,
        the forecast of row ``r`` from origin ``r - j`` (``calibration_scores_`` of shape
        ``(n_rows, horizon, n_targets)``, NaN where that origin has too little history)."""
        spec = self._spec()
        first_origin = max(first_row - spec.horizon + 1, spec.window)
        origins = np.arange(first_origin, end_row)
        point, spread = self._forecast(inputs, origins, with_spread=True)
        actual = frame[self.target_].to_numpy(dtype="float64")[first_row:end_row][:, None, :]
        scores = np.abs(actual - by_target_row(point, first_row, end_row, first_origin))
        if spread is not None:
            spread = by_target_row(spread, first_row, end_row, first_origin)
            # The median spread, added to every spread, keeps the score ratio stable where the
            # runs happen to agree (a tiny spread would make the interval explode).
            self.spread_floor_ = np.nanmedian(spread, axis=0)
            scores = scores / (spread + self.spread_floor_)
        else:
            self.spread_floor_ = None
        self.calibration_scores_ = scores

    # ------------------------------------------------------------------ predict
    def _forecast(self, inputs, ends, with_spread=False):
        """Forecasts from the windows ending before each of ``ends`` (original units).

        Returns ``point`` of shape (n, horizon, n_targets) and, when ``with_spread`` and the
        model has dropout, the Monte-Carlo standard deviation of the same shape (else None).
        """
        spec = self._spec()
        starts = np.asarray(ends, dtype="int64") - spec.window
        ds = make_dataset(inputs, None, spec, starts, batch_size=max(256, self.settings_["batch_size"]))
        members = self.model_.predict(ds, verbose=0)  # (n, n_models, horizon, n_targets), scaled
        n, k = members.shape[:2]
        members = self.scaler_.inverse_transform(members.reshape(n * k, *members.shape[2:]),
                                                 columns=self.target_).reshape(members.shape)
        point = np.median(members, axis=1)
        if not with_spread or (k == 1 and not self._uses_dropout()):
            return point, None
        variance = members.var(axis=1)
        if self._uses_dropout():
            self._reset_dropout_seeds()
            from forecastrnn._tf import tensorflow

            # A traced call with dropout on; eager calls would run the recurrence step by step.
            def with_dropout(x):
                return self.model_(x, training=True)

            sample = tensorflow().function(with_dropout, reduce_retracing=True)
            draws = []
            for x in ds:
                runs = np.stack([sample(x).numpy() for _ in range(self.mc_samples)])
                draws.append(runs.var(axis=0).mean(axis=1))  # dropout variance, averaged over members
            scale = self.scaler_.coefficients(self.target_)[0]
            variance = variance + np.concatenate(draws) / scale ** 2
        spread = np.sqrt(variance)
        return point, np.maximum(spread, 1e-6 * np.abs(point).mean() + 1e-12)

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from several origins of one history.

        Parameters
        ----------
        data : DataFrame, CSV path, Series or array
            History with the training columns (read through ``read_series``).
        origins : sequence of int
            Row positions: the forecast from origin ``o`` uses rows ``[o - window, o)`` only
            and covers rows ``o .. o + horizon - 1``.
        horizon : int, optional
            Steps to return, at most the trained ``horizon`` (default: all).
        level : float, optional
            Interval level, e.g. 0.9.

        Returns
        -------
        point : numpy.ndarray (n_origins, horizon, n_targets)
        lower, upper : numpy.ndarray of the same shape, or None without ``level``
        """
        self._check_fitted()
        return self._forecast_origins(self._align(data), origins, self._horizon(horizon), level)

    def _forecast_origins(self, frame, origins, horizon, level):
        check_level(level)
        origins = np.asarray(origins, dtype="int64")
        window = self.window_
        if origins.size and (origins.min() < window or origins.max() > len(frame)):
            raise ValueError(f"`origins` must lie in [{window}, {len(frame)}] (window={window} "
                             f"rows of history are needed). Received: {origins.min()}..{origins.max()}")
        inputs, _ = self._model_inputs(frame)
        point, spread = self._forecast(inputs, origins, with_spread=level is not None)
        point = point[:, :horizon]
        if level is None:
            return point, None, None
        width = conformal_quantile(self.calibration_scores_, level)[:horizon]
        if spread is not None:
            width = width * (spread + self.spread_floor_)[:, :horizon]
        return point, point - width, point + width

    def _align(self, data) -> pd.DataFrame:
        """Read prediction history with the training columns, checking it fits the model."""
        frame = read_series(data, target=self.target_, features=self.features_, expected_freq=self.freq_)
        if len(frame) < self.window_:
            raise ValueError(f"The history must have at least window={self.window_} rows. "
                             f"Received: {len(frame)} rows")
        return frame

    def predict(self, data=None, horizon=None, level=None) -> pd.DataFrame:
        """Forecast the steps after the end of ``data`` (default: the training data).

        Parameters
        ----------
        data : DataFrame, CSV path, Series or array, optional
            History with the training columns; its last ``window`` rows are used.
        horizon : int, optional
            Steps to return, at most the trained ``horizon`` (default: all of them).
        level : float, optional
            Add ``<target>_lower`` and ``<target>_upper`` interval columns at this level.

        Returns
        -------
        pandas.DataFrame
            Shape ``(horizon, n_targets)`` (plus 2 interval columns per target), indexed by
            the future timestamps.
        """
        self._check_fitted()
        horizon = self._horizon(horizon)
        frame = self._align(self.tail_ if data is None else data)
        point, lower, upper = self._forecast_origins(frame, [len(frame)], horizon, level)
        return forecast_frame(self.target_, future_index(frame.index[-1], self.freq_, horizon),
                              point[0], None if lower is None else lower[0],
                              None if upper is None else upper[0])

    def update(self, data) -> "RNNForecaster":
        """Make the end of ``data`` the default forecast origin, without retraining.

        ``predict()`` with no data then forecasts the steps after ``data`` (saved along with
        the model). Returns ``self``.
        """
        self._check_fitted()
        frame = self._align(data)
        self.tail_ = frame.iloc[-self.window_:][self.features_].copy()
        return self

    # -------------------------------------------------------------- save / load
    _format_version = 3

    def _get_state(self) -> dict:
        return {"settings": self.settings_, "target": self.target_, "features": self.features_,
                "freq": self.freq_, "indicator_columns": self.indicator_columns_,
                "n_train_rows": self.n_train_rows_, "scaler": self.scaler_.to_dict(), "history": self.history_,
                "calibration_scores": array_to_json(self.calibration_scores_),
                "spread_floor": None if self.spread_floor_ is None else array_to_json(self.spread_floor_),
                "tail": frame_to_json(self.tail_)}

    def _set_state(self, state: dict) -> None:
        self.settings_ = dict(state["settings"])
        self.target_, self.features_ = list(state["target"]), list(state["features"])
        self.freq_ = state["freq"]
        self.indicator_columns_ = list(state["indicator_columns"])
        self.n_train_rows_ = int(state["n_train_rows"])
        self.scaler_ = Scaler.from_dict(state["scaler"])
        self.history_ = state["history"]
        self.calibration_scores_ = array_from_json(state["calibration_scores"])
        floor = state["spread_floor"]
        self.spread_floor_ = None if floor is None else array_from_json(floor)
        self.tail_ = frame_from_json(state["tail"], self.freq_)
