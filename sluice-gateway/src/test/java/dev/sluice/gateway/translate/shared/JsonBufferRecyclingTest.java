package dev.sluice.gateway.translate.shared;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Jackson's buffer recyclers are shared across threads and bounded: with its thread-local default
 * every request's virtual thread made and kept its own (8 KiB per open stream) and none was reused.
 */
class JsonBufferRecyclingTest {

    @Test
    void parsersOnManyVirtualThreadsShareABoundedPool() throws Exception {
        RecyclerPool<?> pool = Json.MAPPER.getFactory()._getRecyclerPool();
        CountDownLatch together = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 200; i++) {
            String doc = "{\"i\":" + i + ",\"text\":\"" + "x".repeat(3000) + "\"}";
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    together.await();
                    assertThat(Json.parse(doc, "test").path("text").asText()).hasSize(3000);
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        together.countDown();
        for (Thread t : threads) {
            t.join();
        }

        assertThat(failures).isEmpty();
        // a pooling pool, not the thread-local one (whose pooledCount is -1: it keeps nothing it can count)
        assertThat(pool.pooledCount()).isBetween(1, Json.RECYCLERS);
    }
}
