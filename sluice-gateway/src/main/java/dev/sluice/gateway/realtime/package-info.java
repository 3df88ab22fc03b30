/**
 * The Realtime API relay ({@code GET /v1/realtime}, WebSocket): the handshake's checks and the upstream dial
 * ({@link dev.sluice.gateway.realtime.Handshake}), one {@link dev.sluice.gateway.realtime.RealtimeSession} per
 * client socket relaying frames both ways under bounds, and the {@link dev.sluice.gateway.realtime.Sessions}
 * that own every session from handshake to close: limits, reaping, stats, shutdown.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.realtime;

import org.jspecify.annotations.NullMarked;
