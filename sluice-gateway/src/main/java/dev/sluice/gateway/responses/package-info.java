/**
 * Stored Responses API answers ({@code store}, {@code previous_response_id}, {@code GET/DELETE
 * /v1/responses/{id}}): a store interface with a SQL implementation and a disabled null object.
 */
package dev.sluice.gateway.responses;
