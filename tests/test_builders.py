import itertools

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from forecastrnn.models.builders import build_recurrent_model  # noqa: E402


@pytest.mark.parametrize("cell, bidirectional, units", itertools.product(
    ["gru", "lstm", "simplernn"], [False, True], [4, [6, 3]]))
def test_shapes_for_every_cell_direction_and_stack(cell, bidirectional, units):
    reg = build_recurrent_model(input_shape=(10, 3), cell=cell, units=units,
                                bidirectional=bidirectional, horizon=5, n_targets=2)
    assert reg.output_shape == (None, 5, 2)
    assert reg(np.zeros((4, 10, 3), "float32")).shape == (4, 5, 2)
    clf = build_recurrent_model(vocab_size=50, cell=cell, units=units, bidirectional=bidirectional,
                                head="binary", embedding_dim=4)
    assert clf(np.ones((3, 7), "int32")).shape == (3, 1)
    n_recurrent = len([l for l in reg.layers if cell in l.name])
    assert n_recurrent == (1 if isinstance(units, int) else 2)


@pytest.mark.parametrize("cell", ["gru", "lstm", "simplernn"])
def test_padded_steps_do_not_change_the_output(cell):
    keras.utils.set_random_seed(0)
    model = build_recurrent_model(vocab_size=30, cell=cell, units=[5, 4], head="binary")
    short = np.array([[3, 8, 12, 5]], dtype="int32")
    padded = np.array([[3, 8, 12, 5, 0, 0, 0]], dtype="int32")
    np.testing.assert_allclose(model(short).numpy(), model(padded).numpy(), rtol=1e-5, atol=1e-6)


def test_parameter_counts_follow_the_gate_counts():
    counts = {cell: build_recurrent_model(input_shape=(5, 3), cell=cell, units=8).count_params()
              for cell in ("gru", "lstm", "simplernn")}
    dense = 8 * 1 + 1
    assert counts["simplernn"] - dense == 3 * 8 + 8 * 8 + 8
    assert counts["lstm"] - dense == 4 * (3 * 8 + 8 * 8 + 8)
    assert counts["gru"] - dense == 3 * (3 * 8 + 8 * 8 + 2 * 8)  # reset_after: two biases
    assert counts["lstm"] > counts["gru"] > counts["simplernn"]


def zero_output(model):
    """Set the output layer to zero: only the anchor is left (what a fall-back does)."""
    for layer in model.layers:
        if layer.name == "forecast":
            layer.set_weights([np.zeros_like(w) for w in layer.get_weights()])
    return model


def test_last_value_anchor_with_a_zero_output_is_naive():
    model = build_recurrent_model(input_shape=(4, 2), units=3, horizon=3, anchor_targets=[1])
    x = np.arange(16, dtype="float32").reshape(2, 4, 2)
    assert not np.allclose(model(x).numpy()[:, :, 0], [[7, 7, 7], [15, 15, 15]])  # starts random
    np.testing.assert_allclose(zero_output(model)(x).numpy()[:, :, 0], [[7, 7, 7], [15, 15, 15]])


@pytest.mark.parametrize("anchor", ["last", "mean", "season", "season_mean"])
def test_anchor_equals_its_baseline_when_the_network_outputs_zero(anchor):
    from forecastrnn.baselines import _seasonal_naive
    from forecastrnn.data.season import anchor_forecast
    from forecastrnn.models.builders import anchor_positions

    assert anchor_positions(6, 5, 3) == [3, 4, 5, 3, 4]
    assert anchor_positions(6, 2, 1) == [5, 5]
    keras.utils.set_random_seed(0)
    model = zero_output(build_recurrent_model(input_shape=(7, 2), units=3, horizon=5, anchor_targets=[0],
                                              anchor=anchor, season_length=3))
    x = np.random.default_rng(0).normal(size=(4, 7, 2)).astype("float32")
    expected = anchor_forecast(x[:, :, 0], 5, 1 if anchor in ("last", "mean") else 3, anchor)
    np.testing.assert_allclose(model(x).numpy()[:, :, 0], expected, rtol=1e-5, atol=1e-6)
    if anchor == "season":  # the same as the seasonal-naive baseline
        np.testing.assert_allclose(expected, np.stack([_seasonal_naive(row[:, 0], [7], 5, 3)[0] for row in x]))
    with pytest.raises(ValueError, match="window >= season_length"):
        build_recurrent_model(input_shape=(6, 1), horizon=2, anchor_targets=[0], anchor="season", season_length=7)
    with pytest.raises(ValueError, match="anchor='trend'"):
        build_recurrent_model(input_shape=(6, 1), anchor_targets=[0], anchor="trend")


@pytest.mark.parametrize("kwargs, message", [
    (dict(input_shape=(5, 2), cell="rnn"), "`cell` must be one of .*Received: cell='rnn'"),
    (dict(input_shape=(5, 2), units=0), r"`units` must be .*Received: units=0"),
    (dict(input_shape=(5, 2), units=[]), r"Received: units=\[\]"),
    (dict(input_shape=(5, 2), dropout=1.5), r"`dropout` must be a number in \[0, 1\). Received: dropout=1.5"),
    (dict(input_shape=(5, 2), recurrent_dropout=-0.1), "recurrent_dropout=-0.1"),
    (dict(input_shape=(5, 2), head="ranking"), "head='ranking'"),
    (dict(input_shape=(5, 2), horizon=0), "horizon=0"),
    (dict(), "Exactly one of `input_shape` and `vocab_size`"),
    (dict(input_shape=(5,)), r"`input_shape` must be \(window, n_features\)"),
    (dict(vocab_size=1), "vocab_size=1"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build_recurrent_model(**kwargs)


@pytest.mark.parametrize("pooling", ["mean", "max"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_pooling_ignores_padding(bidirectional, pooling):
    keras.utils.set_random_seed(1)
    model = build_recurrent_model(vocab_size=30, cell="lstm", units=4, bidirectional=bidirectional,
                                  pooling=pooling, head="binary")
    short = np.array([[3, 8, 12, 5]], dtype="int32")
    padded = np.array([[3, 8, 12, 5, 0, 0, 0, 0]], dtype="int32")
    np.testing.assert_allclose(model(short).numpy(), model(padded).numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="pooling='sum'"):
        build_recurrent_model(vocab_size=30, pooling="sum")


def test_max_pooling_excludes_padded_steps():
    from forecastrnn.models.builders import MaskedMaxPooling

    outputs = np.array([[[-0.5, -2.0], [-0.1, -3.0], [0.0, 0.0]]], dtype="float32")
    mask = np.array([[True, True, False]])
    np.testing.assert_allclose(MaskedMaxPooling()(outputs, mask=mask).numpy(), [[-0.1, -2.0]])
    np.testing.assert_allclose(MaskedMaxPooling()(outputs).numpy(), [[0.0, 0.0]])


@pytest.mark.parametrize("anchor", ["last", "mean", "season", "season_mean"])
def test_anchored_model_is_level_free(anchor):
    keras.utils.set_random_seed(2)
    model = build_recurrent_model(input_shape=(6, 2), units=4, horizon=3, anchor_targets=[1],
                                  anchor=anchor, season_length=3 if anchor == "season_mean" else 2)
    for layer in model.layers:
        if layer.name == "forecast":  # a trained-looking head, so the network part matters
            layer.set_weights([np.full_like(w, 0.3) for w in layer.get_weights()])
    x = np.random.default_rng(0).normal(size=(2, 6, 2)).astype("float32")
    shifted = x + np.array([5.0, 10.0], dtype="float32")
    np.testing.assert_allclose(model(shifted).numpy(), model(x).numpy() + 10.0, rtol=1e-5, atol=1e-4)


def test_window_normalization_exact_values_and_exact_inverse():
    from forecastrnn.data.season import SCALE_FLOOR, window_denormalization, window_normalization

    w = np.array([[1.0, 2, 3, 4, 5, 6]])  # three seasons of 2: phase means 3 and 4
    z, (level, scale, profile) = window_normalization(w, 2)
    np.testing.assert_allclose(profile, [[-0.5, 0.5]])
    np.testing.assert_allclose(level, [[5.5]])  # mean of the last season
    np.testing.assert_allclose(scale, [[2 + SCALE_FLOOR]])  # mean |[1.5 1.5 3.5 3.5 5.5 5.5] - 5.5|
    np.testing.assert_allclose(z, [[-4, -4, -2, -2, 0, 0]] / scale)
    np.testing.assert_allclose(window_denormalization(z, (level, scale, profile), np.arange(6)), w)
    rng = np.random.default_rng(0)
    w = rng.normal(size=(4, 50)).cumsum(axis=1) * 100 + 7
    for m in (1, 7, 24):
        z, stats = window_normalization(w, m)
        phases = np.arange(50) - (50 - (50 // m) * m)
        np.testing.assert_allclose(window_denormalization(z, stats, phases), w, rtol=1e-12)
    _, (_, _, profile) = window_normalization(w[:, :13], 7)  # under two seasons: no seasonal indices
    assert (profile == 0).all() and profile.shape == (4, 1)


@pytest.mark.parametrize("m", [1, 3, 7])
def test_window_layers_compute_the_same_and_with_a_zero_output_are_the_season_mean_anchor(m):
    from forecastrnn.data.season import anchor_forecast, window_normalization

    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 13, 2)).cumsum(axis=1).astype("float32")  # target in column 1
    model = zero_output(build_recurrent_model(input_shape=(13, 2), units=3, horizon=7, anchor_targets=[1],
                                              normalize="window", season_length=m))
    normalized = model.get_layer("window_normalization")(x).numpy()
    z, _ = window_normalization(x[..., 1], m)
    np.testing.assert_allclose(normalized[..., 0], z, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(normalized[..., 1], x[..., 0])  # other channels pass unchanged
    expected = anchor_forecast(x[..., 1], 7, m, "season_mean" if 1 < m <= 6 else "last")  # 13 < 2 x 7
    np.testing.assert_allclose(model(x).numpy()[..., 0], expected, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="`normalize` must be one of"):
        build_recurrent_model(input_shape=(13, 2), anchor_targets=[1], normalize="max")


def test_window_statistics_read_observed_steps_only():
    """A missing or padded step (indicator 0) changes nothing, whatever its fill value; numpy and
    Keras agree; with every step observed the statistics are those of the plain formula."""
    import keras

    from forecastrnn.data.season import window_normalization
    from forecastrnn.models.builders import window_statistics

    rng = np.random.default_rng(0)
    w = 10 + np.sin(np.arange(48) * 2 * np.pi / 12)[None, :] + 0.1 * rng.standard_normal((3, 48))
    observed = np.ones_like(w)
    observed[0, 47], observed[1, 20], observed[2, :30] = 0, 0, 0  # the last step; a gap; padding
    stats = []
    for fill in (0.0, 1e3):
        filled = np.where(observed > 0, w, fill)
        z, numpy_stats = window_normalization(filled, 12, observed)
        keras_stats = window_statistics(keras.ops.convert_to_tensor(filled[..., None], "float32"), 12,
                                        keras.ops.convert_to_tensor(observed[..., None], "float32"))
        for a, b in zip(numpy_stats, keras_stats[1:]):
            np.testing.assert_allclose(np.asarray(b)[..., 0], a, rtol=1e-4, atol=1e-4)
        assert (z[observed == 0] == 0).all()
        stats.append(numpy_stats)
    for a, b in zip(*stats):
        np.testing.assert_allclose(a, b)
    # a gap moves the level by what the missing value would have added, not by a zero
    level = stats[0][0]
    assert abs(level[0, 0] - w[0, 36:47].mean()) < 1e-9 and abs(level[1, 0] - w[1, 36:].mean()) < 1e-9
    plain = window_normalization(w, 12)
    for a, b in zip(plain[1], window_normalization(w, 12, np.ones_like(w))[1]):
        np.testing.assert_allclose(a, b)


@pytest.mark.parametrize("kind", ["theta", "damped"])
def test_trend_anchors_extend_the_deseasonalised_windows_slope(kind):
    from forecastrnn.data.season import DAMPING, trend_steps, window_normalization, window_slope

    t = np.arange(24, dtype="float64")
    np.testing.assert_allclose(window_slope((5 + 2 * t)[None, :], 1), [[2.0]], rtol=1e-9)
    w = (5 + 2 * t + np.tile([1.0, -1.0, 2.0, -2.0], 6))[None, :]  # a trend under a season of 4
    observed = np.ones_like(w)
    observed[0, :5] = 0  # padded steps are left out, whatever they hold
    slope = window_slope(w, 4, observed)
    assert 1.5 < slope[0, 0] < 2.5  # (the seasonal indices, means per phase, absorb a little of the trend)
    np.testing.assert_allclose(window_slope(np.where(observed > 0, w, 99.0), 4, observed), slope, rtol=1e-9)
    steps = trend_steps(24, 4, 3, kind)  # the level is the last season's mean, 1.5 steps back
    d = np.arange(1, 4) + 1.5
    np.testing.assert_allclose(steps, d / 2 if kind == "theta" else DAMPING * (1 - DAMPING ** d) / (1 - DAMPING))
    x = np.stack([np.where(observed > 0, w, 0.0)[0], observed[0]], axis=-1)[None].astype("float32")
    model = zero_output(build_recurrent_model(input_shape=(24, 2), units=3, horizon=3, anchor_targets=[0],
                                              normalize="window", season_length=4, anchor=kind, observed_targets=[1]))
    _, (level, _, profile) = window_normalization(w, 4, observed)
    expected = level + profile[:, np.arange(3) % 4] + slope * steps  # a zero output: the anchor itself
    np.testing.assert_allclose(model(x).numpy()[..., 0], expected, rtol=1e-4)
    with pytest.raises(ValueError, match="with normalize='window'"):
        build_recurrent_model(input_shape=(24, 2), anchor_targets=[0], anchor=kind)
