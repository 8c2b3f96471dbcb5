"""eval/calibrate.py's fit, on data with a known answer (the script itself asks the real pipeline)."""

import math

import numpy as np
import pytest

from tests.conftest import eval_script

calibrate = eval_script("calibrate")


def test_platt_fit_recovers_the_map_that_made_the_labels():
    rng = np.random.default_rng(0)
    z = rng.normal(0.0, 1.5, 20000)
    y = (rng.random(z.size) < 1 / (1 + np.exp(-(2.5 * z + 0.5)))).astype(float)
    a, b = calibrate.fit_platt(z, y)
    assert a == pytest.approx(2.5, abs=0.15) and b == pytest.approx(0.5, abs=0.1)


def test_logit_is_finite_at_the_ends():
    assert calibrate.logit(0.5) == 0.0
    assert math.isfinite(calibrate.logit(0.0)) and math.isfinite(calibrate.logit(1.0))
    assert calibrate.logit(0.0) < calibrate.logit(0.1) < calibrate.logit(0.9) < calibrate.logit(1.0)
