/**
 * Helpers shared by translate's request, answer and stream packages: the JSON mapper and small tree
 * helpers ({@link dev.sluice.gateway.translate.shared.Json}), ids in each dialect's style, stop reasons,
 * tool arguments, usage objects and error mappings across the dialects.
 *
 * <p>Internal to {@code dev.sluice.gateway.translate}: its classes are public only so that translate's
 * sub-packages can share them; no package outside translate may use them (ArchitectureTest holds this).
 *
 * <p>Null-marked: a type is non-null unless it says {@code @Nullable}; NullAway checks this at compile time.
 */
@NullMarked
package dev.sluice.gateway.translate.shared;

import org.jspecify.annotations.NullMarked;
