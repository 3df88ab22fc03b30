package dev.sluice.gateway.edge;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Keeps the listener alive. Helidon 4.5's accept loop ends for good on any accept failure ("Too many
 * open files" included), and its thread then hangs in its own stop (it joins a future only it would
 * complete), so Helidon never tells anyone. The probe connects to the listener's own port every
 * {@code period}: two refusals in a row mean the listening socket is gone, and {@code restart} runs
 * (a new server on the same port, which backs off until it binds). A probe that cannot get a
 * descriptor itself proves nothing and is not counted.
 */
public final class ListenerProbe implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("sluice.edge");

    private final String host;
    private final IntSupplier port;
    private final Runnable restart;
    private final ScheduledExecutorService scheduler;
    private volatile boolean closing;
    private int refusals;

    private ListenerProbe(String host, IntSupplier port, Runnable restart, Duration period) {
        this.host = host;
        this.port = port;
        this.restart = restart;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-listener-probe");
            t.setDaemon(true);
            return t;
        });
        // the probe catches its own failures and close() ends it with the executor: nothing to wait for
        Future<?> unused = scheduler.scheduleWithFixedDelay(
                this::probeQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Probes {@code host}:{@code port} every {@code period}; {@code restart} runs on the probe's thread. */
    public static ListenerProbe start(String host, IntSupplier port, Runnable restart, Duration period) {
        return new ListenerProbe(loopbackFor(host), port, restart, period);
    }

    /** The address a process reaches its own listener on. */
    static String loopbackFor(String host) {
        return host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") ? "::1" : host;
    }

    private void probeQuietly() {
        try {
            probe();
        } catch (RuntimeException | Error e) { // a failed probe must not end the schedule
            LOG.log(System.Logger.Level.WARNING, "listener probe failed", e);
        }
    }

    void probe() {
        if (closing) {
            return;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port.getAsInt()), 1000);
            refusals = 0;
        } catch (ConnectException refused) {
            if (++refusals >= 2 && !closing) {
                LOG.log(
                        System.Logger.Level.ERROR,
                        "the listener on port " + port.getAsInt()
                                + " stopped accepting (refused twice); starting it again");
                restart.run();
                refusals = 0;
            }
        } catch (IOException noDescriptorOrTimeout) {
            // "Too many open files" here, or a full backlog: says nothing about the listening socket
        }
    }

    /** Stops the probe, waiting up to 2 s; an interrupt while waiting stays set on the thread, not thrown. */
    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // AutoCloseable: close should not throw it; the caller sees the flag
        }
    }
}
