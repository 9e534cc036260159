"""Benchmark: LLM drafts per second against a loopback server that answers after 200 ms.

With `concurrency` requests in flight and each taking `latency`, no writer can beat
concurrency / latency drafts a second (16 / 0.2 s = 80/s); the goal is 80% of that. The
run goes through LlmRenderer.render_all and the real openai client over real HTTP, so it
measures the client, the semaphore, the prompt rendering and the output checks together.

    python bench/llm.py [--drafts 1000] [--latency 0.2] [--concurrency 16]

Exits 1 when throughput is under the goal.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

# The test helpers (the fake server, the context builder) live beside the tests.
HELPERS = Path(__file__).resolve().parent.parent / "tests" / "drafts"
sys.path.insert(0, str(HELPERS))

from builders import context, make_settings  # noqa: E402
from fake_openai_server import FakeOpenAI, succeed  # noqa: E402

from drafts.writing.llm import LlmRenderer  # noqa: E402

GOAL = 0.8


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures; 0 when the goal is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.2, help="server latency, seconds")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args(argv)

    contexts = [
        context(candidate_id=f"c-{i}", first_name=f"Person{i}", full_name=f"Person{i} Lee")
        for i in range(args.drafts)
    ]
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n

    with FakeOpenAI(succeed, latency_s=args.latency) as server:
        settings = make_settings(
            drafting={"engine": "llm", "templates_dir": str(HELPERS / "no-such-dir")},
            llm={
                "base_url": server.base_url,
                "api_key_env": "FOLLOWUPS_BENCH_UNSET_KEY",
                "concurrency": args.concurrency,
                "timeout_s": 30,
            },
        )
        renderer = LlmRenderer(settings)
        started = time.perf_counter()
        results = renderer.render_all(contexts, advance)
        elapsed = time.perf_counter() - started
        requests, peak = server.count, server.peak_in_flight

    fallbacks = sum(1 for _text, _flags, meta in results if meta and "error" in meta)
    latencies = sorted(meta["latency_ms"] for _text, _flags, meta in results if meta)
    throughput = len(results) / elapsed
    ideal = args.concurrency / args.latency
    ratio = throughput / ideal
    print(f"drafts             {len(results)} ({fallbacks} fallbacks, {requests} requests)")
    print(f"concurrency        {args.concurrency} (peak in flight at the server: {peak})")
    print(f"server latency     {args.latency * 1000:.0f} ms")
    print(f"wall time          {elapsed:.2f} s")
    print(f"throughput         {throughput:.1f} drafts/s")
    print(f"ideal              {ideal:.1f} drafts/s (concurrency / latency)")
    print(f"of ideal           {ratio:.1%} (goal {GOAL:.0%})")
    print(
        f"request latency    p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1]:.0f} ms, max {latencies[-1]} ms"
    )
    ok = ratio >= GOAL and fallbacks == 0 and done == len(contexts)
    print("goal met" if ok else "GOAL NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
