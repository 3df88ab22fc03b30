package dev.sluice.gateway.provider;

import java.time.Duration;

/** The deadlines of one upstream exchange. */
public record UpstreamTimeouts(Duration firstByte, Duration idle, Duration total) {}
