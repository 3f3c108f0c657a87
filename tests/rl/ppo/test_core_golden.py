"""PPO's tensor pieces against hand computations (tests/golden/ppo_core.json, written by the
plain-Python loops of hand_reference.py) and their gradients against finite differences."""

from __future__ import annotations

import json
import math

import pytest

torch = pytest.importorskip("torch")

from ppo_hand_reference import GOLDEN, build  # noqa: E402

from rewardkit.rl.ppo.core import (  # noqa: E402
    approx_kl,
    clipped_policy_loss,
    clipped_value_loss,
    explained_variance,
    gae,
    masked_whiten,
    token_rewards,
)
from rewardkit.rl.ppo.kl_control import KLController  # noqa: E402

GOLD = json.loads(GOLDEN.read_text())


def t(x: object) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64)


def flat(x: object) -> list[float]:
    if isinstance(x, torch.Tensor):
        return x.detach().double().flatten().tolist()
    return torch.tensor(x, dtype=torch.float64).flatten().tolist()


def test_golden_file_is_what_the_hand_reference_computes() -> None:
    assert json.loads(json.dumps(build())) == GOLD


def test_gae_worked_example_by_hand() -> None:
    # gamma = lambda = 1: A_t = sum of future rewards - V_t; row 0: 1 - 0.1, 1 - 0.2, 1 - 0.3.
    case = GOLD["gae"]["cases"][0]
    assert (case["gamma"], case["lam"]) == (1.0, 1.0)
    assert case["advantages"][0] == pytest.approx([0.9, 0.8, 0.7])
    assert case["returns"][0] == pytest.approx([1.0, 1.0, 1.0])
    # row 1 ends after 2 tokens: the value 9.0 past the end is never used.
    assert case["advantages"][1] == pytest.approx([1.1, 0.5, 0.0])


@pytest.mark.parametrize("case", GOLD["gae"]["cases"], ids=lambda c: f"g{c['gamma']}-l{c['lam']}")
def test_gae(case: dict) -> None:
    g = GOLD["gae"]
    adv, ret = gae(t(g["rewards"]), t(g["values"]), t(g["mask"]), case["gamma"], case["lam"])
    assert flat(adv) == pytest.approx(flat(case["advantages"]), abs=1e-12)
    assert flat(ret) == pytest.approx(flat(case["returns"]), abs=1e-12)


@pytest.mark.parametrize("estimator", ["k1", "k2", "k3"])
def test_kl_estimators(estimator: str) -> None:
    k = GOLD["kl"]
    got = approx_kl(t(k["logp"]), t(k["ref"]), estimator)  # type: ignore[arg-type]
    assert flat(got) == pytest.approx(flat(k[estimator]), abs=1e-6)
    # by hand: log r = 0.5 -> k3 = e^-0.5 - 1 + 0.5; log r = -12 -> clamped to 10
    assert k["k3"][0] == pytest.approx(math.exp(-0.5) - 0.5)
    assert k["k1"][4] == -10.0
    assert k["k3"][4] == 10.0


def test_k1_and_k3_are_unbiased_for_the_true_kl() -> None:
    # Samples from p = N(0.5, 1), q = N(0, 1): KL(p || q) = 0.125.
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(400_000, generator=gen, dtype=torch.float64) + 0.5
    logp = -0.5 * (x - 0.5) ** 2
    logq = -0.5 * x**2
    for estimator in ("k1", "k3"):
        assert float(approx_kl(logp, logq, estimator).mean()) == pytest.approx(0.125, abs=3e-3)


def test_whitening_is_masked() -> None:
    w = GOLD["whiten"]
    got = masked_whiten(t(w["x"]), t(w["mask"]))
    assert flat(got) == pytest.approx(flat(w["expected"]), abs=1e-12)
    assert got[1, 2] == 0.0  # the masked 100.0 neither counts nor comes out


def test_policy_loss() -> None:
    p = GOLD["policy_loss"]
    loss, frac = clipped_policy_loss(
        t(p["logp"]), t(p["old"]), t(p["advantages"]), t(p["mask"]), p["eps_clip"]
    )
    assert float(loss) == pytest.approx(p["loss"], abs=1e-12)
    assert float(frac) == pytest.approx(p["clip_frac"])
    assert p["clip_frac"] == 0.4


@pytest.mark.parametrize("case", GOLD["value_loss"]["cases"], ids=lambda c: str(c["value_clip"]))
def test_value_loss(case: dict) -> None:
    v = GOLD["value_loss"]
    got = clipped_value_loss(
        t(v["values"]), t(v["old"]), t(v["returns"]), t(v["mask"]), case["value_clip"]
    )
    assert float(got) == pytest.approx(case["loss"], abs=1e-12)


def test_value_clipping_changes_the_loss() -> None:
    losses = [c["loss"] for c in GOLD["value_loss"]["cases"]]
    assert len(set(losses)) == 3


def test_token_rewards() -> None:
    r = GOLD["token_rewards"]
    got = token_rewards(t(r["score"]), t(r["kl"]), r["kl_coef"], t(r["mask"]))
    assert flat(got) == pytest.approx(flat(r["expected"]), abs=1e-12)


def test_adaptive_kl_controller() -> None:
    a = GOLD["adaptive_kl"]
    ctl = KLController(a["init"], target=a["target"], horizon=a["horizon"])
    trace = []
    for current, n in a["updates"]:
        ctl.update(current, n)
        trace.append(ctl.value)
    assert trace == pytest.approx(a["values"], rel=1e-12)
    assert a["values"][0] == pytest.approx(0.1 * 1.02)  # error clipped at +0.2
    fixed = KLController(0.05)
    fixed.update(100.0, 10)
    assert fixed.value == 0.05


def test_explained_variance_against_numpy() -> None:
    np = pytest.importorskip("numpy")
    v = t([[1.0, 2.0, 3.0], [0.0, 1.0, 5.0]])
    r = t([[1.5, 1.0, 2.0], [0.5, 3.0, 9.0]])
    m = t([[1, 1, 1], [1, 1, 0]])
    keep = m.bool().numpy()
    rv, vv = r.numpy()[keep], v.numpy()[keep]
    assert explained_variance(v, r, m) == pytest.approx(1 - np.var(rv - vv) / np.var(rv))


# -- gradients against finite differences (torch.autograd.gradcheck, float64) ---------------


def test_policy_loss_gradient() -> None:
    p = GOLD["policy_loss"]
    logp = t(p["logp"]).requires_grad_()
    # gradcheck perturbs by 1e-6: no ratio sits on a clip boundary in this case
    assert torch.autograd.gradcheck(
        lambda x: clipped_policy_loss(x, t(p["old"]), t(p["advantages"]), t(p["mask"]))[0],
        (logp,),
    )


def test_value_loss_gradient() -> None:
    v = GOLD["value_loss"]
    values = t(v["values"]).requires_grad_()
    for clip in (0.5, None):
        assert torch.autograd.gradcheck(
            lambda x, c=clip: clipped_value_loss(x, t(v["old"]), t(v["returns"]), t(v["mask"]), c),
            (values,),
        )


def test_gae_gradient() -> None:
    g = GOLD["gae"]
    rewards = t(g["rewards"]).requires_grad_()
    values = t(g["values"]).requires_grad_()
    assert torch.autograd.gradcheck(
        lambda r, v: gae(r, v, t(g["mask"]), 0.9, 0.5), (rewards, values)
    )


def test_whitening_and_kl_gradients() -> None:
    w = GOLD["whiten"]
    assert torch.autograd.gradcheck(
        lambda x: masked_whiten(x, t(w["mask"])), (t(w["x"]).requires_grad_(),)
    )
    k = GOLD["kl"]
    logp = t(k["logp"][:3]).requires_grad_()  # inside the clamp
    for estimator in ("k1", "k2", "k3"):
        assert torch.autograd.gradcheck(
            lambda x, e=estimator: approx_kl(x, t(k["ref"][:3]), e), (logp,)
        )
