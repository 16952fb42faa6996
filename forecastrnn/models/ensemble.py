"""``MedianEnsemble``: the median of several forecasters, e.g. networks with other seeds or look-backs.

ES-RNN and N-BEATS both won with ensembles combined by the median, which one wild member
cannot drag away. ``n_models`` of the recurrent forecasters already trains several seeds of
one look-back side by side in one graph; this class combines *any* forecasters with the same
``fit`` / ``predict`` / ``forecast_origins`` (different windows, cells, losses ...).
"""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from forecastrnn.base import Forecaster
from forecastrnn.persistence import STATE_FILE, atomic_write_dir, read_state, versions, write_json


class MedianEnsemble(Forecaster, BaseEstimator):
    """Fit every member on the same data; forecast the median of their forecasts.

    Intervals are the medians of the members' bounds (each member's own intervals, e.g.
    conformal): check their coverage in a backtest.

    Parameters
    ----------
    models : list of forecasters
        Unfitted members (cloned by ``fit``). All must take the same ``fit`` arguments and
        have the same horizon; an ensemble of one forecasts exactly as its member.

    Attributes
    ----------
    models_ : list of fitted forecasters
    """

    _fitted_attr = "models_"

    def __init__(self, models=None):
        self.models = models

    def _members(self) -> list:
        members = self.models
        if not isinstance(members, (list, tuple)) or not members or \
                not all(callable(getattr(m, "fit", None)) for m in members):
            raise ValueError(f"`models` must be a non-empty list of forecasters. Received: models={members!r}")
        return list(members)

    @property
    def supports_intervals(self):
        return all(getattr(m, "supports_intervals", True) for m in self._members())

    @property
    def supports_panels(self):
        return all(getattr(m, "supports_panels", False) for m in self._members())

    @property
    def supports_checkpoints(self):
        return all(getattr(m, "supports_checkpoints", False) for m in self._members())

    @property
    def supports_covariates(self):
        return all(getattr(m, "supports_covariates", False) for m in self._members())

    @property
    def min_history(self) -> int:
        return max(getattr(m, "min_history", 1) for m in self._members())

    @property
    def name(self) -> str:
        names = dict.fromkeys(getattr(m, "name", type(m).__name__.lower()) for m in self._members())
        return "median_" + "_".join(names)

    def fit(self, data, *args, **kwargs) -> "MedianEnsemble":
        """Fit a clone of every member with the same arguments (a ``checkpoint_dir`` gets one
        subfolder per member). Returns ``self``."""
        folder = kwargs.pop("checkpoint_dir", None)
        self.models_ = [clone(m).fit(data, *args, **kwargs, **(
            {} if folder is None else {"checkpoint_dir": os.path.join(os.fspath(folder), f"member_{i}")}))
            for i, m in enumerate(self._members())]
        return self

    def predict(self, data=None, horizon=None, level=None, **kwargs):
        """The members' ``predict`` tables with every numeric forecast column replaced by the
        median over members (the members' tables share ids, times and row order)."""
        self._check_fitted()
        frames = [m.predict(data, horizon=horizon, level=level, **kwargs) for m in self.models_]
        out = frames[0].copy()
        numeric = [c for c in out.columns if pd.api.types.is_float_dtype(out[c])]
        out[numeric] = np.median(np.stack([f[numeric].to_numpy() for f in frames]), axis=0)
        return out

    def forecast_origins(self, data, origins, horizon=None, level=None):
        """Median over members of their ``forecast_origins`` (point, lower, upper)."""
        self._check_fitted()
        outs = [m.forecast_origins(data, origins, horizon, level) for m in self.models_]
        return tuple(None if parts[0] is None else np.median(np.stack(parts), axis=0) for parts in zip(*outs))

    def save(self, path, overwrite=False) -> str:
        """Write every member to ``path/member_<i>`` and ``path/state.json``, atomically."""
        self._check_fitted()

        def write(tmp):
            for i, member in enumerate(self.models_):
                member.save(os.path.join(tmp, f"member_{i}"))
            write_json(os.path.join(tmp, STATE_FILE), {
                "format": "forecastrnn.MedianEnsemble", "format_version": self._format_version,
                "members": [type(m).__name__ for m in self.models_], "versions": versions()})

        return atomic_write_dir(path, overwrite, write)

    @classmethod
    def load(cls, path):
        """Restore an ensemble written by :meth:`save`."""
        import forecastrnn

        state = read_state(path, "forecastrnn.MedianEnsemble", cls._format_version, with_model=False)
        members = []
        for i, kind in enumerate(state["members"]):
            member_cls = getattr(forecastrnn, kind, None)
            if not isinstance(member_cls, type) or not hasattr(member_cls, "load"):
                raise ValueError(f"Corrupt ensemble state in {os.fspath(path)!r}: expected forecastrnn class "
                                 f"names. Received: {json.dumps(kind)}")
            members.append(member_cls.load(os.path.join(os.fspath(path), f"member_{i}")))
        self = cls(models=[clone(m) for m in members])
        self.models_ = members
        return self
