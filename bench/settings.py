"""The production settings plus a minimal view, so a benchmark's baseline runs in the same stack."""

from safetyhub.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
