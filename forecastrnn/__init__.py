"""forecastrnn: recurrent neural network forecasters, honestly compared with classical baselines.

Public names are loaded on first use (PEP 562), so ``import forecastrnn`` is instant and
never imports TensorFlow; the model classes import it when they are first used.
"""

from importlib import import_module

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "read_series": "forecastrnn.data.io",
    "read_panel": "forecastrnn.data.panel",
    "columns_to_long": "forecastrnn.data.panel",
    "ParquetPanel": "forecastrnn.data.stream",
    "split_series": "forecastrnn.data.split",
    "Scaler": "forecastrnn.data.scaling",
    "WindowSpec": "forecastrnn.data.windows",
    "list_datasets": "forecastrnn.datasets",
    "load_dataset": "forecastrnn.datasets",
    "RNNForecaster": "forecastrnn.models.forecaster",
    "GlobalRNNForecaster": "forecastrnn.models.global_forecaster",
    "MedianEnsemble": "forecastrnn.models.ensemble",
    "ExportedForecaster": "forecastrnn.models.exported",
    "pretrained": "forecastrnn.models.pretrained",
    "PretrainedForecaster": "forecastrnn.models.pretrained",
    "CombinationForecaster": "forecastrnn.models.combination",
    "NaiveForecaster": "forecastrnn.baselines",
    "SeasonalNaiveForecaster": "forecastrnn.baselines",
    "DriftForecaster": "forecastrnn.baselines",
    "Naive2Forecaster": "forecastrnn.baselines",
    "ARIMAForecaster": "forecastrnn.baselines",
    "ETSForecaster": "forecastrnn.baselines",
    "ThetaForecaster": "forecastrnn.baselines",
    "SentimentClassifier": "forecastrnn.models.text",
    "load_imdb": "forecastrnn.datasets",
    "backtest": "forecastrnn.evaluation",
    "compare": "forecastrnn.evaluation",
    "backtest_panel": "forecastrnn.evaluation",
    "summarize_panel": "forecastrnn.evaluation",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'forecastrnn' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
