"""What every forecaster shares, below both the networks and the baselines.

Imports run one way: ``data`` -> this module and ``persistence`` -> ``models`` and
``baselines`` -> ``evaluation`` -> ``cli``.

Every forecaster (:class:`~forecastrnn.RNNForecaster`, :class:`~forecastrnn.GlobalRNNForecaster`
and the baselines) has the same shape:

* ``fit(data, target=None, features=None, time_col="auto", callbacks=None)`` returns ``self``;
* ``predict(data=None, horizon=None, level=None)`` returns a frame indexed by the future
  timestamps, one column per target and ``<target>_lower`` / ``<target>_upper`` with
  ``level`` (long format with ``unique_id`` and ``ds`` for panels);
  ``predict_interval(data, horizon, level=0.9)`` is ``predict`` with a level;
* ``save(path)`` / ``load(path)`` (:class:`~forecastrnn.persistence.Persistent`);
* capability attributes, read by :func:`forecastrnn.evaluation.backtest`:
  ``supports_intervals``, ``supports_panels``, ``supports_covariates``,
  ``supports_checkpoints`` (``fit(..., checkpoint_dir=)`` resumes an interrupted training)
  and ``min_history`` (the fewest training rows ``fit`` can use).
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from forecastrnn.persistence import Persistent


def check_level(level):
    """``level`` must be None or a float in (0, 1) (Python or NumPy; not a bool or an int)."""
    if level is not None and (isinstance(level, (bool, numbers.Integral)) or not isinstance(level, numbers.Real)
                              or not 0 < level < 1):
        raise ValueError(f"`level` must be a float in (0, 1), e.g. 0.9. Received: level={level!r}")


def future_index(last, freq, periods: int) -> pd.Index:
    """The ``periods`` timestamps (or integer positions) after ``last``."""
    if freq is None:
        return pd.RangeIndex(int(last) + 1, int(last) + 1 + periods)
    return pd.date_range(pd.Timestamp(last), periods=periods + 1, freq=freq)[1:]


def forecast_frame(targets, index, point, lower=None, upper=None) -> pd.DataFrame:
    """Forecast table: one column per target, plus ``_lower``/``_upper`` when given."""
    frame = pd.DataFrame(np.asarray(point), index=index, columns=list(targets))
    if lower is not None:
        for j, name in enumerate(targets):
            frame[f"{name}_lower"] = lower[:, j]
            frame[f"{name}_upper"] = upper[:, j]
    return frame


class Forecaster(Persistent):
    """Mixin of every forecaster: capabilities, ``predict_interval``, persistence.

    Subclasses override the capability attributes that differ from these defaults.
    """

    supports_intervals = True
    supports_panels = False
    supports_covariates = False
    supports_checkpoints = False

    @property
    def min_history(self) -> int:
        """The fewest training rows ``fit`` can use (more usually give a better model)."""
        return 1

    def predict_interval(self, data=None, horizon=None, level=0.9) -> pd.DataFrame:
        """Same as ``predict(data, horizon=horizon, level=level)``."""
        return self.predict(data, horizon=horizon, level=level)

    def _check_features(self, features, target):
        """Models that read only their target refuse other input columns, clearly."""
        if self.supports_covariates or features is None:
            return
        extra = [f for f in ([features] if isinstance(features, str) else list(features))
                 if f not in ([target] if isinstance(target, str) else list(target or []))]
        if extra:
            raise ValueError(f"{type(self).__name__} reads only its target (supports_covariates=False). "
                             f"Received: features={extra}")
