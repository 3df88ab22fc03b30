package dev.sluice.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A collector that stalls: it accepts every connection and then neither reads nor answers, until closed. The
 * accepting thread is a daemon; {@link #close()} closes the listener and every connection it accepted.
 */
final class StallingReceiver implements AutoCloseable {

    private final ServerSocket listener;
    private final ConcurrentLinkedQueue<Socket> accepted = new ConcurrentLinkedQueue<>();
    private final AtomicInteger connections = new AtomicInteger();

    private StallingReceiver(ServerSocket listener) {
        this.listener = listener;
    }

    static StallingReceiver start() {
        try {
            StallingReceiver receiver = new StallingReceiver(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread t = new Thread(receiver::acceptForever, "stalling-otlp-receiver");
            t.setDaemon(true);
            t.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void acceptForever() {
        while (!listener.isClosed()) {
            try {
                Socket s = listener.accept();
                accepted.add(s);
                connections.incrementAndGet();
                if (listener.isClosed()) {
                    s.close();
                }
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    String url() {
        return "http://127.0.0.1:" + listener.getLocalPort();
    }

    /** Connections accepted so far. */
    int connections() {
        return connections.get();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s; (s = accepted.poll()) != null; ) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
