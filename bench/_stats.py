"""Percentiles and the printed table."""

import math


def percentile(samples: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(samples_ms: list[float]) -> dict:
    return {
        "n": len(samples_ms),
        "p50": percentile(samples_ms, 50),
        "p95": percentile(samples_ms, 95),
        "p99": percentile(samples_ms, 99),
        "mean": sum(samples_ms) / len(samples_ms) if samples_ms else math.nan,
        "max": max(samples_ms) if samples_ms else math.nan,
    }


def fmt(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(rows: list[tuple[str, dict]], title: str) -> str:
    width = max([len(label) for label, _s in rows] + [len(title)])
    lines = [
        f"{title:<{width}}  {'n':>5}  {'p50':>7}  {'p95':>7}  {'p99':>7}  {'max':>7}  (ms)",
        "-" * (width + 48),
    ]
    for label, s in rows:
        lines.append(
            f"{label:<{width}}  {s['n']:>5}  {fmt(s['p50']):>7}  {fmt(s['p95']):>7}  "
            f"{fmt(s['p99']):>7}  {fmt(s['max']):>7}"
        )
    return "\n".join(lines)


def ratio(a: dict, b: dict, key: str) -> float:
    return a[key] / b[key] if b[key] else math.nan
