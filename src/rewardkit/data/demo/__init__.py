"""A deterministic demo dataset written entirely by rewardkit: no external text or data.

Prompts over 22 domains, responses of careful (human-like) and weaker (generated) quality whose
true per-criterion scores follow from what their text contains, a simulated annotation campaign
(Likert ratings and pairwise comparisons by annotators with their own biases and noise) and
preference pairs in the native layout that :func:`rewardkit.data.load_preferences` reads.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> ds = generate_demo(DemoConfig(n_prompts=20))
    >>> paths = write_demo(ds, Path(tempfile.mkdtemp()))
    >>> paths["preferences"].name
    'preferences.jsonl'
"""

from rewardkit.data.demo.domains import DOMAIN_NAMES, DOMAINS, Domain, SensitiveCase, Topic
from rewardkit.data.demo.generate import GENERATOR_VERSION, DemoConfig, DemoDataset, generate_demo
from rewardkit.data.demo.io import write_demo
from rewardkit.data.demo.pairs import MIN_MARGIN
from rewardkit.data.demo.quality import CRITERIA, REWARD_WEIGHTS

__all__ = [
    "CRITERIA",
    "DOMAINS",
    "DOMAIN_NAMES",
    "GENERATOR_VERSION",
    "MIN_MARGIN",
    "REWARD_WEIGHTS",
    "DemoConfig",
    "DemoDataset",
    "Domain",
    "SensitiveCase",
    "Topic",
    "generate_demo",
    "write_demo",
]
