"""A real OpenAI-compatible server for tests: ``transformers serve`` (``pip install
"transformers[serving]"``) with tiny chat models built from a config, no download.

A *scripted* model always answers the same text, greedily: every layer's attention and MLP
output is zeroed, so the hidden state at a position is the embedding of its token, and the
output head maps each token of the chain ``</s> t1 t2 ... tk`` to the next one (the chat
template ends every message with ``</s>``, so generation starts from it, and stops at the
final ``</s>``). Random weights would answer gibberish; a scripted model exercises the whole
request path (chat template, generation, usage, the client, parsing, caching) deterministically.

The server logs one ``"POST /v1/chat/completions ..."`` line per request (uvicorn's access log):
:meth:`TransformersServer.count` is the number of requests the server received.
"""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}{{ eos_token }}{% endfor %}"
)


def build_scripted_chat(folder: Path, reply: str, *, seed: int = 0) -> Path:
    """A tiny Llama chat model (tokenizer with a chat template) that always answers ``reply``."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.BPE(unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=300,
        special_tokens=["<pad>", "<s>", "</s>", "<unk>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator([reply] * 20 + ["The quick brown fox jumps."] * 5, trainer=trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<s>",
        eos_token="</s>",
        pad_token="<pad>",
        unk_token="<unk>",
    )
    fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(str(folder))
    eos = fast.convert_tokens_to_ids("</s>")
    chain = [eos, *fast.encode(reply, add_special_tokens=False), eos]
    if len(set(chain[:-1])) != len(chain) - 1:
        raise ValueError(f"{reply!r}: a scripted reply cannot repeat a token ({chain})")
    hidden = 64
    config = LlamaConfig(
        vocab_size=len(fast),
        hidden_size=hidden,
        intermediate_size=128,
        num_hidden_layers=1,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        pad_token_id=fast.pad_token_id,
        bos_token_id=fast.bos_token_id,
        eos_token_id=eos,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    with torch.no_grad():
        for layer in model.model.layers:
            layer.self_attn.o_proj.weight.zero_()
            layer.mlp.down_proj.weight.zero_()
        model.model.embed_tokens.weight.mul_(0.01)
        model.lm_head.weight.zero_()
        for k, (current, following) in enumerate(itertools.pairwise(chain)):
            direction = torch.zeros(hidden)
            direction[k] = 1.0
            model.model.embed_tokens.weight[current] = direction
            model.lm_head.weight[following] += 20.0 * direction
    model.generation_config.do_sample = False
    model.save_pretrained(str(folder))
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TransformersServer:
    """``transformers serve`` on a loopback port (models load on first use, by folder path)."""

    def __init__(self, log: Path, *, startup_s: float = 180.0) -> None:
        exe = Path(sys.executable).with_name("transformers")
        self.port = free_port()
        self.log = log
        env = {**os.environ, "OMP_NUM_THREADS": "1", "TOKENIZERS_PARALLELISM": "false"}
        self._fh = log.open("wb")
        self.process = subprocess.Popen(
            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(self.port), "--device", "cpu"],
            stdout=self._fh,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        deadline = time.monotonic() + startup_s
        while time.monotonic() < deadline:  # bounded: the server is up or the test fails
            if self.process.poll() is not None:
                raise RuntimeError(f"transformers serve exited: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        self.close()
        raise RuntimeError(f"transformers serve did not start in {startup_s:g} s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def count(self) -> int:
        """Chat requests the server has received (from its access log)."""
        self._fh.flush()
        return self.log.read_text(errors="replace").count('"POST /v1/chat/completions HTTP/1.1"')

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._fh.close()


@dataclass(frozen=True)
class ChatServer:
    """The running server and the folders of its two scripted models."""

    server: TransformersServer
    verdict_a: Path  # always answers "Verdict: A"
    score_4: Path  # always answers "Score: 4"
