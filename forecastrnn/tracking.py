"""Run tracking in MLflow (the ``mlflow`` extra): what ``--mlflow [URI]`` logs.

One MLflow run per ``forecastrnn fit`` / ``backtest``: the options as parameters, the
settings the network chose (``chosen.<name>``), every model's metrics (``<model>.<metric>``,
the figures of ``metrics.json``) and the run directory's files as artifacts, the saved model
(``model/``) among them. MLflow is imported only when a run is logged.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile

DEFAULT_URI = "file:./mlruns"
EXPERIMENT = "forecastrnn"
_MAX_PARAM = 500  # characters of a parameter value kept (MLflow's limit is higher; lists of files are long)


def metric_name(model: str, metric: str) -> str:
    """``<model>.<metric>`` in the characters MLflow accepts (``%`` becomes ``pct``)."""
    return re.sub(r"[^\w.\- /]", "_", f"{model}.{metric}".replace("%", "pct"))


def flat_metrics(metrics: dict) -> dict:
    """``{model: {metric: value}}`` (as in ``metrics.json``) -> ``{"model.metric": value}``, finite values only."""
    return {metric_name(model, k): float(v) for model, row in metrics.items() for k, v in row.items()
            if v is not None and math.isfinite(float(v))}


def require_mlflow():
    try:
        import mlflow
    except ImportError:
        raise ImportError("--mlflow needs MLflow: pip install 'forecastrnn[mlflow]'. Received: no module 'mlflow'") \
            from None
    return mlflow


def log_run(uri, command: str, options: dict, chosen: dict, metrics: dict, artifacts=None, tables=None) -> str:
    """Log one run to the tracking store at ``uri`` (default ``file:./mlruns``); returns its id.

    Parameters
    ----------
    command : str
        ``"fit"`` or ``"backtest"`` (a tag, and the run's name with the data file's name).
    options : dict
        The command's options (parameters).
    chosen : dict
        The settings the network chose (``settings_``).
    metrics : dict
        ``{model: {metric: value}}`` as written to ``metrics.json``.
    artifacts : str, optional
        A folder whose files are logged (the run directory).
    tables : dict of name -> DataFrame, optional
        Tables logged as CSV artifacts (the backtest, which writes no folder).
    """
    uri = uri or DEFAULT_URI
    if uri.startswith("file:") or "://" not in uri:
        # MLflow 3 keeps its file store in "maintenance mode" behind this switch; it is the local
        # store that needs no database (pass sqlite:///mlflow.db or http://server:5000 for others)
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    mlflow = require_mlflow()
    try:
        return _log(mlflow, uri, command, options, chosen, metrics, artifacts, tables)
    except mlflow.exceptions.MlflowException as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"MLflow could not log the run to {uri!r}. Received: {message}") from None


def _log(mlflow, uri, command, options, chosen, metrics, artifacts, tables) -> str:
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(EXPERIMENT)
    data = os.path.splitext(os.path.basename(str(options.get("data", ""))))[0]
    params = {k: v for k, v in options.items() if v is not None and k != "mlflow"}
    params.update({f"chosen.{k}": v for k, v in chosen.items()})
    with mlflow.start_run(run_name=f"{command} {data}".strip()) as run:
        mlflow.set_tags({"command": command, "data": str(options.get("data", ""))})
        mlflow.log_params({k: json.dumps(v, default=str)[:_MAX_PARAM] if not isinstance(v, str) else v[:_MAX_PARAM]
                           for k, v in params.items()})
        mlflow.log_metrics(flat_metrics(metrics))
        if artifacts:
            mlflow.log_artifacts(artifacts)
        if tables:
            with tempfile.TemporaryDirectory() as tmp:
                for name, table in tables.items():
                    table.to_csv(os.path.join(tmp, f"{name}.csv"), index=False)
                with open(os.path.join(tmp, "metrics.json"), "w", encoding="utf-8") as fh:
                    json.dump(metrics, fh, indent=2)
                mlflow.log_artifacts(tmp)
        return run.info.run_id


__all__ = ["log_run", "require_mlflow", "flat_metrics", "metric_name", "DEFAULT_URI"]
