package dev.sluice.gateway.shed;

import dev.sluice.core.AdmissionGate;
import dev.sluice.core.LimitAlgorithm;
import dev.sluice.core.Limiter;
import dev.sluice.core.Priority;
import dev.sluice.gateway.config.SluiceConfig;
import java.util.Locale;
import java.util.Optional;

/** Builds the gateway's admission limiter from config, and reads a request's priority class. */
public final class Admissions {

    /** The request header that puts a request in the batch class. */
    public static final String PRIORITY_HEADER = "x-sluice-priority";

    private Admissions() {}

    /** The limiter the gateway admits every model request through, gated by {@code gate}. */
    public static Limiter limiter(SluiceConfig.Admission cfg, AdmissionGate gate) {
        LimitAlgorithm algorithm = switch (cfg.algorithm()) {
            case FIXED -> LimitAlgorithm.fixed(cfg.maxInFlight());
            case GRADIENT2 -> NetflixLimitAlgorithm.gradient2(cfg.minInFlight(), cfg.minInFlight(), cfg.maxInFlight());
            case VEGAS -> NetflixLimitAlgorithm.vegas(cfg.minInFlight(), cfg.maxInFlight());
        };
        return Limiter.builder("admission")
                .algorithm(algorithm)
                .queueCapacity(cfg.queueSize())
                .maxWait(cfg.queueTimeout())
                .interactiveReserve(cfg.interactiveReserve())
                .gate(gate)
                .build();
    }

    /**
     * The priority class named by the header: absent or {@code interactive} is interactive,
     * {@code batch} is batch; anything else is empty (the caller answers 400).
     */
    public static Optional<Priority> priority(Optional<String> header) {
        if (header.isEmpty()) {
            return Optional.of(Priority.INTERACTIVE);
        }
        return switch (header.get().strip().toLowerCase(Locale.ROOT)) {
            case "interactive" -> Optional.of(Priority.INTERACTIVE);
            case "batch" -> Optional.of(Priority.BATCH);
            default -> Optional.empty();
        };
    }
}
