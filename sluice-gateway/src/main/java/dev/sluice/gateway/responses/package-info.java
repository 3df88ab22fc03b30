/**
 * Stored Responses API answers ({@code store}, {@code previous_response_id}, {@code GET/DELETE
 * /v1/responses/{id}}): a store interface with a SQL implementation and a disabled null object.
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.responses;

import org.jspecify.annotations.NullMarked;
