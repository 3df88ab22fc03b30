package dev.sluice.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.bench.TrafficClient.Call;
import dev.sluice.bench.TrafficClient.Reader;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The soak's mix has the shares it claims, every fault kind, the outage only in its window, and repeats by seed. */
class SoakMixTest {

    @Test
    void sharesMatchTheDocumentedMix() {
        int n = 100_000;
        SoakMix mix = new SoakMix(n, 7);
        int disconnects = 0;
        int faults = 0;
        int slow = 0;
        int outage = 0;
        Set<String> faultKinds = new HashSet<>();
        for (long i = 0; i < n; i++) {
            Call c = mix.call(i);
            if (c.model().equals(SoakMix.OUTAGE_MODEL)) {
                assertThat(mix.inOutage(i))
                        .as("outage request outside the window: " + i)
                        .isTrue();
                outage++;
            } else if (c.reader() == Reader.DISCONNECT) {
                disconnects++;
            } else if (c.model().startsWith("fault-")) {
                faults++;
                faultKinds.add(c.model().substring("fault-".length()));
            } else if (c.reader() == Reader.SLOW) {
                slow++;
                assertThat(c.stream()).isTrue();
            }
        }
        assertThat(disconnects).isBetween(9_300, 10_700);
        assertThat(faults).isBetween(4_500, 5_500);
        assertThat(slow).isBetween(4_500, 5_500);
        assertThat(outage).isBetween(800, 1_200); // a tenth of the 10% window
        assertThat(faultKinds).containsExactlyInAnyOrderElementsOf(SoakMix.FAULTS);
    }

    @Test
    void theSameSeedGivesTheSameRequests() {
        SoakMix a = new SoakMix(1000, 3);
        SoakMix b = new SoakMix(1000, 3);
        SoakMix c = new SoakMix(1000, 4);
        int differ = 0;
        for (long i = 0; i < 1000; i++) {
            assertThat(a.call(i)).isEqualTo(b.call(i));
            differ += a.call(i).equals(c.call(i)) ? 0 : 1;
        }
        assertThat(differ).isGreaterThan(100);
    }
}
