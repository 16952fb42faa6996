"""Classical baselines with the same interface as ``RNNForecaster``.

* :class:`NaiveForecaster`: every future step equals the last observed value.
* :class:`SeasonalNaiveForecaster`: every future step equals the value one season earlier.
* :class:`DriftForecaster`: the last value plus the average historical change per step.
* :class:`Naive2Forecaster`: M4's reference, naive on the seasonally adjusted series.
* :class:`ARIMAForecaster`: statsmodels SARIMAX with auto.arima's stepwise order search.
* :class:`ETSForecaster`: statsmodels ``ETSModel``, error/trend/season chosen by AICc.
* :class:`ThetaForecaster`: statsmodels ``ThetaModel`` with M4's deseasonalisation.

``BASELINES`` maps the names used by ``compare``, ``backtest`` and the CLI to the classes;
:func:`default_baselines` makes instances by name.
"""

from forecastrnn.baselines.arima import ARIMAForecaster, fourier_terms
from forecastrnn.baselines.base import _Baseline, season_length_for
from forecastrnn.baselines.smoothing import ETSForecaster, ThetaForecaster
from forecastrnn.baselines.simple import (DriftForecaster, Naive2Forecaster, NaiveForecaster,
                                          SeasonalNaiveForecaster, _naive, _seasonal_naive)

BASELINES = {cls.name: cls for cls in (NaiveForecaster, SeasonalNaiveForecaster, DriftForecaster,
                                       Naive2Forecaster, ARIMAForecaster, ETSForecaster, ThetaForecaster)}


def default_baselines(names=("naive", "seasonal_naive", "arima", "ets", "theta"), horizon=1,
                      season_length=None) -> dict:
    """Baseline instances by name (``forecastrnn.baselines.BASELINES``): naive,
    seasonal_naive (or seasonal-naive), drift, naive2, arima, ets, theta. ``season_length``
    is given to those that take one (default: from the data's frequency)."""
    out = {}
    for name in names:
        key = name.replace("-", "_").lower()
        if key not in BASELINES:
            raise ValueError(f"Baselines must be among {sorted(BASELINES)}. Received: {name!r}")
        out[key] = BASELINES[key](horizon=horizon)
        if season_length is not None and "season_length" in out[key].get_params():
            out[key].set_params(season_length=season_length)
    return out


__all__ = ["ARIMAForecaster", "BASELINES", "DriftForecaster", "ETSForecaster", "Naive2Forecaster", "NaiveForecaster",
           "SeasonalNaiveForecaster", "ThetaForecaster", "_Baseline", "_naive", "_seasonal_naive", "default_baselines",
           "fourier_terms", "season_length_for"]
