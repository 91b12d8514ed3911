package io.streamlearn.bench;

/** Produce-to-scored-event latency at one offered rate (0: as fast as possible). */
public record LatencyResult(String guarantee, double offeredRate, long events, double p50Ms, double p99Ms, double maxMs) {
}
