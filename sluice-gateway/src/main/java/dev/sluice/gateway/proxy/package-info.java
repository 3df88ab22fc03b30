/**
 * The edge every client route crosses: {@code ProxyHandler} (request id, size, auth, the body read and checked
 * before admission, admission, the immutable {@code Exchange} and its {@code Tally}, errors in the caller's
 * dialect, the {@code Completion} on every path) and the route table ({@code Route}). It knows a route's own
 * checks and work only through {@code RouteWork}, which {@code ingress} implements: the rooms sit on the edge,
 * never under it. Public: what {@code ingress} and {@code relay} take ({@code Route}, {@code RouteWork},
 * {@code ProxyRequest}, {@code Exchange}, {@code Tally}'s events), {@code ProxyHandler.register} and
 * {@code AccessLog} for the composition root.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.proxy;

import org.jspecify.annotations.NullMarked;
