package dev.sluice.gateway.cli;

import dev.sluice.fake.FakeProvider;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice mock}: runs the fake provider until killed. */
@Command(
        name = "mock",
        mixinStandardHelpOptions = true,
        description = "Run the fake LLM provider (Anthropic, OpenAI and Ollama APIs) until killed.")
final class MockCommand implements Callable<Integer> {
    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "8090",
            description = "listen port, 0 for a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--host",
            paramLabel = "H",
            defaultValue = "127.0.0.1",
            description = "listen address (default: ${DEFAULT-VALUE})")
    @SuppressWarnings("NullAway.Init") // has a default value: picocli always sets it
    String host;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        FakeProvider fake;
        try {
            fake = FakeProvider.builder().host(host).port(port).start();
        } catch (IllegalArgumentException | IllegalStateException e) {
            spec.commandLine().getErr().println("sluice: could not start the fake provider: " + ServeCommand.causes(e));
            spec.commandLine().getErr().flush();
            return e instanceof IllegalArgumentException ? SluiceCli.CONFIG_ERROR : 1;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                fake.close();
                            } finally {
                                closed.countDown();
                            }
                        },
                        "sluice-mock-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Fake provider listening on " + fake.baseUri());
        out.flush();
        closed.await();
        return 0;
    }
}
