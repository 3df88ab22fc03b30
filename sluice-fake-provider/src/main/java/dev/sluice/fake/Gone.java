package dev.sluice.fake;

import org.eclipse.jetty.io.QuietException;

/** The peer left, or the server is stopping, while an exchange was still under way. Jetty logs it quietly. */
final class Gone extends RuntimeException implements QuietException {
    private static final long serialVersionUID = 1L;

    Gone(String reason, Throwable cause) {
        super(reason, cause, false, false);
    }
}
