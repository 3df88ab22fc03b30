package dev.sluice.gateway;

import dev.sluice.core.LeakSource;
import dev.sluice.gateway.config.SluiceConfig;
import dev.sluice.gateway.config.load.ConfigLoader;
import dev.sluice.testkit.FakeProviderExtension;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real Sluice on 127.0.0.1:0 in front of a {@link FakeProviderExtension} for a test class
 * and closes it gracefully afterwards. Register it after the fake (with {@code @Order}) so it closes
 * first and the fake can check that every upstream connection was closed.
 */
final class SluiceExtension implements BeforeAllCallback, AfterAllCallback, LeakSource {

    static final String UPSTREAM_KEY = "sk-upstream-test-key";
    static final String CLIENT_KEY = "sk-client-test-key";

    private final FakeProviderExtension fake;
    private final Map<String, String> settings;
    private Sluice sluice;

    private SluiceExtension(FakeProviderExtension fake, Map<String, String> settings) {
        this.fake = fake;
        this.settings = settings;
    }

    /**
     * Sluice in front of {@code fake} with these settings (key, value, ...); {@code {fake}} in a value
     * stands for the fake's base URL, so {@code "providers.o.url", "{fake}/v1"} makes an OpenAI-kind provider.
     */
    static SluiceExtension against(FakeProviderExtension fake, String... keyValues) {
        Map<String, String> s = new HashMap<>();
        s.put("server.port", "0");
        s.put("demo.mode", "off");
        s.put("upstream.api-key", UPSTREAM_KEY);
        s.put("shutdown.pre-drain", "0s");
        s.put("shutdown.drain-timeout", "2s");
        s.put("stream.heartbeat-interval", "100ms");
        s.put("store.url", "jdbc:sqlite:" + tempDir() + "/sluice.db"); // a fresh store per Sluice
        s.put("store.leak-detection", "2s");
        for (int i = 0; i < keyValues.length; i += 2) {
            s.put(keyValues[i], keyValues[i + 1]);
        }
        return new SluiceExtension(fake, s);
    }

    private static String tempDir() {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sluice-test-store");
            dir.toFile().deleteOnExit();
            return dir.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The config from {@code settings}, with a fresh SQLite store unless one is given. */
    static SluiceConfig config(Map<String, String> settings) throws Exception {
        Map<String, String> s = new HashMap<>(settings);
        s.putIfAbsent("store.url", "jdbc:sqlite:" + tempDir() + "/sluice.db");
        return ConfigLoader.of(s);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dev.sluice.gateway.store.HikariLeakWatch.install();
        Map<String, String> s = new HashMap<>();
        String base = fake.baseUri().toString().replaceAll("/$", "");
        settings.forEach((k, v) -> s.put(k, v.replace("{fake}", base))); // provider URLs point at the fake
        if (s.keySet().stream().noneMatch(k -> k.startsWith("providers."))) {
            s.putIfAbsent("upstream.url", base); // the fake is the default provider unless providers are named
        } else {
            s.remove("upstream.api-key");
        }
        sluice = Sluice.start(config(s));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sluice != null) {
            sluice.close();
        }
    }

    Sluice sluice() {
        return sluice;
    }

    URI baseUri() {
        return sluice.baseUri();
    }

    @Override
    public String leakSourceName() {
        return sluice == null ? "sluice (not started)" : sluice.leakSourceName();
    }

    @Override
    public List<String> leaks() {
        List<String> leaks = new java.util.ArrayList<>(sluice == null ? List.of() : sluice.leaks());
        dev.sluice.gateway.store.HikariLeakWatch.drain().forEach(m -> leaks.add("HikariCP: " + m));
        return leaks;
    }
}
