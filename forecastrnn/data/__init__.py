"""Pure data utilities: read, split, scale, window and mask. No Keras models in here."""

from forecastrnn.data.io import describe, infer_frequency, read_series
from forecastrnn.data.masking import (add_missing_indicators, length_batches, missing_columns,
                                      pad_sequences, sequence_mask)
from forecastrnn.data.panel import columns_to_long, panel_series, read_panel
from forecastrnn.data.scaling import Scaler
from forecastrnn.data.split import Split, split_series
from forecastrnn.data.stream import ParquetPanel
from forecastrnn.data.windows import WindowSpec, make_dataset, sliding_windows

__all__ = [
    "ParquetPanel", "Scaler", "Split", "WindowSpec", "add_missing_indicators", "columns_to_long", "describe",
    "infer_frequency",
    "length_batches", "make_dataset", "missing_columns", "pad_sequences", "panel_series", "read_panel",
    "read_series",
    "sequence_mask", "sliding_windows", "split_series",
]
