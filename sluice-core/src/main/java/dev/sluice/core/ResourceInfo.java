package dev.sluice.core;

import java.time.Instant;

/**
 * One long-lived resource as listed by {@code /system/resources}: what it is, who owns it, when it
 * was registered, its bound and current size ({@code -1} where not applicable).
 */
public record ResourceInfo(String kind, String owner, String name, Instant createdAt, long bound, long size) {}
