"""Evaluation: metrics (``metrics``), rolling-origin backtests of one series or a panel on
one engine (``backtest``), and their summaries and the comparison table (``summary``).
Imports run one way: metrics -> backtest -> summary."""

from forecastrnn.evaluation.backtest import backtest, backtest_panel, check_capabilities, origins_for, tidy_rows
from forecastrnn.evaluation.metrics import (coverage, interval_score, interval_width, mae, mape, mase, mase_scale,
                                            msis, pinball, rmse, scaled_error, smape)
from forecastrnn.evaluation.summary import compare, default_baselines, summarize, summarize_panel

__all__ = ["backtest", "backtest_panel", "check_capabilities", "compare", "coverage", "default_baselines",
           "interval_score", "interval_width", "mae", "mape", "mase", "mase_scale", "msis", "origins_for", "pinball",
           "rmse", "scaled_error", "smape", "summarize", "summarize_panel", "tidy_rows"]
