package dev.sluice.fake;

import java.util.concurrent.CountDownLatch;

/** Runs a {@link FakeProvider} until killed: {@code --port N} (default 8089), {@code --host H} (default 127.0.0.1). */
public final class FakeProviderMain {
    static final int DEFAULT_PORT = 8089;

    private FakeProviderMain() {}

    public static void main(String[] args) throws InterruptedException {
        FakeProvider.Builder builder = FakeProvider.builder().port(DEFAULT_PORT);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ((arg.equals("--port") || arg.equals("--host")) && i + 1 < args.length) {
                String value = args[++i];
                if (arg.equals("--port")) builder.port(parsePort(value));
                else builder.host(value);
            } else {
                usage("unknown or incomplete argument: " + arg);
            }
        }
        FakeProvider provider = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        Thread.ofPlatform().name("sluice-fake-shutdown").unstarted(() -> {
                            try {
                                provider.close();
                            } finally {
                                stopped.countDown();
                            }
                        }));
        System.out.println("sluice fake provider listening on " + provider.baseUri()
                + " (faults: x-fake-fault header or model fault-<name>: " + Fault.names() + ")");
        stopped.await();
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            usage("--port: expected a number, was '" + value + "'");
            return -1;
        }
    }

    private static void usage(String problem) {
        System.err.println("sluice-fake-provider: " + problem);
        System.err.println("usage: FakeProviderMain [--port N] [--host H]");
        System.exit(2);
    }
}
