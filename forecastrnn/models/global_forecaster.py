"""``GlobalRNNForecaster``: the network core (:mod:`forecastrnn.models.core`) on many series.

A collection of related series (the 414 hourly series of M4, the sales of many shops) often
has too little history per series for a network of its own, but plenty in total. A global
model learns one set of weights from the windows of all of them: the series are laid end to
end, windows never cross from one into the next, and a series shorter than the window is
padded and masked, so every series trains and gets a forecast. Input and output are long
format (``unique_id``, ``ds``, ``y`` and covariates) or a dict/list of series; a Parquet
panel bigger than memory streams in chunks of whole series (``ParquetPanel``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecastrnn.data.io import one_hot, times_column
from forecastrnn.data.panel import ID_COL, TARGET, ids_as, names_series, read_panel
from forecastrnn.data.stack import Stack, common_freq, named_series
from forecastrnn.data.stream import ParquetPanel
from forecastrnn.defaults import AUTO
from forecastrnn.models.core import NetworkCore
from forecastrnn.models.encoding import names_of as _names


class GlobalRNNForecaster(NetworkCore):
    """One recurrent network for many series (a *global* model), with covariates and intervals.

    Takes the parameters of :class:`~forecastrnn.RNNForecaster`, with the same defaults
    (``"auto"`` settles ``normalize="window"``, calendar inputs and ``interval_scale="series"``
    for several series: :func:`forecastrnn.defaults.shape_settings`).

    Attributes
    ----------
    model_ : keras.Model
    columns_ : list of str
        The id, time and target names of the output (from long data; default
        ``unique_id``, ``ds``, ``y``).
    target_, features_, known_future_ : target, past covariates and known-future columns
    calendar_ : list of str
        The calendar cycles used.
    indicator_columns_ : list of int
        Target/covariate columns with an observed-indicator channel.
    scalers_ : SeriesScalers
        Reads as ``{id: Scaler}``: one per training series, fitted on its training rows. The
        series' embedding code is its position in it plus 1 (0 for a series not trained on).
    tails_ : Stack
        The last ``window`` rows of every series, laid end to end: the default forecast origins.
    freq_ : str or None
    calibration_scores_ : numpy.ndarray (n_rows, horizon, 1)
        Conformal scores of every series' calibration rows (NaN where missing).
    history_ : dict of per-epoch losses
    n_windows_ : int
        Training windows per epoch over all series.

    Examples
    --------
    >>> model = GlobalRNNForecaster(horizon=48, epochs=10)  # doctest: +SKIP
    >>> model.fit("sales.csv", id_col="store", time_col="date", target="sales")  # doctest: +SKIP
    >>> model.predict(level=0.9).head()  # doctest: +SKIP
    """

    supports_panels = True

    # ------------------------------------------------------------------ reading
    def _read(self, data, target=None, features=None, known_future=None, time_col=AUTO, id_col=None,
              fitting=False) -> Stack:
        """The series of ``data`` in the model's columns (target, features, known future).

        When ``fitting``, settles ``columns_``, ``target_``, ``features_``, ``known_future_``
        and ``freq_``; otherwise reads with the training names and checks the frequency.
        """
        if isinstance(data, ParquetPanel):  # forecasting: the histories are read whole
            data = data.to_pandas()
        path = isinstance(data, (str, os.PathLike))
        if fitting:
            features, known_future = _names(features, "features"), _names(known_future, "known_future")
            long = id_col is not None or path or names_series(data)
        else:
            (id_col, time_name, _), target = self.columns_, self.target_[0]
            features, known_future = self.features_, self.known_future_
            long = path or names_series(data, id_col)
            time_col = time_name if long and not path and time_name in data.columns else AUTO
            if isinstance(data, pd.DataFrame) and data.attrs.get("target") and not long:
                data = data[list(data.attrs["target"])]  # a read_series frame (the backtest's form): its target
        if long:
            panel = read_panel(data, id_col=id_col, time_col=time_col, target=target,
                               features=(features + known_future) or None)
            if len(panel.attrs["target"]) != 1:
                raise ValueError("GlobalRNNForecaster forecasts one value column. Received: "
                                 f"target={panel.attrs['target']}")
            value = panel.attrs["target"][0]
            # A text covariate became one indicator column per value ("<column>=<value>").
            # Fitting keeps only the values seen in the training rows (not those of a later test span).
            seen = panel if fitting else None
            features, known_future = one_hot(features, panel.columns, seen), one_hot(known_future, panel.columns, seen)
            names = [panel.attrs["id_col"], times_column(panel.attrs) or "ds", value]
            freq, stack = panel.attrs["freq"], Stack.from_panel(panel, [value] + features + known_future)
            id_kind = panel[names[0]].dtype.kind
        else:
            frames, names = self._read_series(data, target, features, known_future, time_col, fitting)
            freq, stack = common_freq(frames), Stack.from_frames(frames, [names[2]])
            id_kind = None
        if fitting:
            self.columns_, self.freq_, self.id_kind_ = names, freq, id_kind
            self.target_, self.features_, self.known_future_ = [names[2]], features, known_future
        else:
            self._check_freq(freq)
        return self._in_model_units(stack)

    def _read_series(self, data, target, features, known_future, time_col, fitting):
        if time_col != AUTO:
            raise ValueError("`time_col` applies to long-format data (with an id column). "
                             f"Received: time_col={time_col!r} with {type(data).__name__} data")
        if features or known_future:
            raise ValueError("Covariates (`features`, `known_future`) need long-format data, one row per "
                             f"series and time. Received: {type(data).__name__} data")
        if target is not None and fitting:
            if not isinstance(data, pd.DataFrame):
                raise ValueError("`target` selects columns of a wide DataFrame. Received: target="
                                 f"{target!r} with {type(data).__name__} data")
            columns = [target] if isinstance(target, str) else list(target)
            absent = [c for c in columns if c not in data.columns]
            if absent:
                raise ValueError(f"`target` must name columns of the data. Received: {absent}")
            data = data[columns]
        value = self.target_[0] if not fitting else TARGET
        frames = {k: s.to_frame(value) for k, s in named_series(data).items()}
        return frames, [ID_COL, "ds", value]

    # ---------------------------------------------------------------------- fit
    def fit(self, data, target=None, features=None, time_col=AUTO, callbacks=None, id_col=None,
            known_future=None, checkpoint_dir=None, strategy=None, init=None) -> "GlobalRNNForecaster":
        """Train one network on the windows of all series in ``data``.

        Parameters
        ----------
        data : long-format DataFrame, CSV or Parquet path, ParquetPanel, dict or list of series, or a wide DataFrame
            Long format (one row per series and time; :func:`forecastrnn.read_panel`) when it
            is a path, has an ``id_col`` / ``unique_id`` column, or ``id_col`` is given; else
            the forms of :func:`named_series` (no covariates). A ``ParquetPanel`` is streamed
            in chunks of whole series (memory: one chunk and per-series statistics).
        target : str, optional
            Long format: the value column (default ``y``, else the last numeric column). Wide
            DataFrame: the columns (series) to train on (default: all).
        features : list of str, optional
            Past covariates: columns observed up to each forecast origin (long format).
        time_col, id_col : str, optional
            Long format: the time and series-id columns (default: ``"auto"``, detected as in
            ``read_series``, ``None`` for no time; ``unique_id``).
        known_future : list of str, optional
            Columns known in advance for the forecast steps (long format); ``predict`` then
            needs their future values (``future=``).
        callbacks, checkpoint_dir, strategy : as in ``RNNForecaster.fit`` (``strategy``:
            ``MultiWorkerMirroredStrategy()`` trains across machines, see ``TF_CONFIG``)
        init : "pretrained" or a folder written by ``pretrain()``, optional
            Start from the pretrained network (replaces the ``init`` parameter for this fit).

        Returns
        -------
        self
        """
        if isinstance(data, ParquetPanel):
            if time_col != AUTO or id_col is not None:
                raise ValueError("A ParquetPanel names its own columns: pass `id_col` and `time_col` to it. "
                                 f"Received: time_col={time_col!r}, id_col={id_col!r} in fit")
            chunks = self._stream(data, target, _names(features, "features"), _names(known_future, "known_future"))
        else:
            stack = self._read(data, target, features, known_future, time_col, id_col, fitting=True)
            chunks = lambda: [stack]  # noqa: E731
        self.fit_args_ = {"target": target, "features": features, "known_future": known_future,
                          **({"init": init} if init is not None else {})}
        from forecastrnn.models.warm_start import start_source

        self._fit_chunks(chunks, callbacks, checkpoint_dir, strategy, start_source(init, self.init, GlobalRNNForecaster))
        return self

    def _stream(self, source: ParquetPanel, target, features, known_future):
        """The chunks of a Parquet panel as stacks in model units (settles the columns)."""
        settled = source.settle(target, features + known_future)
        self.columns_ = [settled["id_col"], settled["time_col"] or "ds", settled["target"]]
        self.target_, self.features_, self.known_future_ = [settled["target"]], features, known_future
        self.id_kind_ = None  # ids stay text: their type is known chunk by chunk only
        self.freq_ = settled["freq"]

        def chunks():
            for panel in source.chunks(settled):
                self.freq_ = self.freq_ or panel.attrs["freq"]
                yield self._in_model_units(Stack.from_panel(panel, self._columns()))

        return chunks

    # ------------------------------------------------------------------ predict
    def predict(self, data=None, horizon=None, level=None, future=None) -> pd.DataFrame:
        """Forecast the ``horizon`` steps after the end of each series.

        Parameters
        ----------
        data : same forms as in :meth:`fit`, optional
            Histories to forecast from (their last ``window`` rows are read; a shorter one is
            padded), in the training data's columns. Default: where :meth:`update` or ``fit``
            left each series. A series trained on is scaled with its training scaler; a new
            one with a scaler fitted on its own history (and the zero id embedding).
        horizon : int, optional
            Steps to return, at most the trained ``horizon``.
        level : float, optional
            Interval level, e.g. 0.9: adds ``<target>_lower`` / ``<target>_upper``.
        future : long-format DataFrame or CSV path, optional
            The ``known_future`` columns for the ``horizon`` steps after each series' end
            (with the id and time columns; rows matched by time). Needed when the model has
            such columns. The network reads the trained horizon's; steps not given read the
            last given step's values (a warning).

        Returns
        -------
        pandas.DataFrame
            Long format, ``n_series * horizon`` rows; columns: the series id, the time
            (future timestamps, or positions after each series' end) and the forecast, named
            as in the training data (default ``unique_id``, ``ds``, ``y``), plus the bounds.
        """
        self._check_fitted()
        horizon = self._horizon(horizon)
        stack = self.tails_ if data is None else self._read(data)
        return self._output(stack, horizon, *self._forecast(stack, [[n] for n in stack.lengths],
                                                            self._future_values(future, stack, horizon), level))

    def _output(self, stack: Stack, horizon: int, point, lower=None, upper=None) -> pd.DataFrame:
        """The long forecast table of ``predict`` from arrays ``(n_series, >= horizon, 1)``."""
        id_name, time_name, value_name = self.columns_
        times = stack.future_index(self.freq_, self.horizon)[:, :horizon].ravel()
        ids = ids_as(np.repeat(np.asarray(stack.keys, dtype=object), horizon), getattr(self, "id_kind_", None))
        out = pd.DataFrame({id_name: ids,
                            time_name: times, value_name: point[:, :horizon, 0].ravel()})
        if lower is not None:
            out[f"{value_name}_lower"] = lower[:, :horizon, 0].ravel()
            out[f"{value_name}_upper"] = upper[:, :horizon, 0].ravel()
        return out

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Forecast ``horizon`` steps from several origins of each series in ``data``.

        Parameters
        ----------
        data : same forms as in :meth:`predict`
            One history per series (a one-column frame is one series: the backtest's form).
        origins : sequence of int, or dict of id -> sequence of int (as many for every series)
            Row positions within each series: the forecast from origin ``o`` reads rows
            ``[o - window, o)`` of that series (padded when ``o < window``) and its known-future
            inputs up to ``o + horizon``, never another series.
        horizon : int, optional
        level : float, optional

        Returns
        -------
        point : numpy.ndarray (n_origins, horizon, n_series)
        lower, upper : numpy.ndarray of the same shape, or None without ``level``
        """
        out = self._origins_forecast(data, dict(origins) if isinstance(origins, Mapping) else list(origins),
                                     horizon, level)
        return tuple(None if a is None else a[..., 0].transpose(1, 2, 0) for a in out)

    def update(self, data) -> "GlobalRNNForecaster":
        """Make the end of each series in ``data`` its default forecast origin (no retraining).

        ``data`` takes the forms of :meth:`predict`; series not in it keep their origin, new
        ones are added (scaled on their own history when forecast). Returns ``self``.
        """
        self._check_fitted()
        self._update_tails(self._read(data))
        return self

