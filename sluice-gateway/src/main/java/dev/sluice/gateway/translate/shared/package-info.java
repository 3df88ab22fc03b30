/**
 * Helpers shared by translate's request, answer and stream packages: the JSON mapper and small tree
 * helpers ({@link dev.sluice.gateway.translate.shared.Json}), ids in each dialect's style, stop reasons,
 * tool arguments, usage objects and error mappings across the dialects.
 *
 * <p>Internal to {@code dev.sluice.gateway.translate}: its classes are public only so that translate's
 * sub-packages can share them; no package outside translate may use them (ArchitectureTest holds this).
 */
package dev.sluice.gateway.translate.shared;
