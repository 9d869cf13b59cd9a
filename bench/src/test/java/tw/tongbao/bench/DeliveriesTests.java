package tw.tongbao.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import tw.tongbao.bench.load.Accepted;
import tw.tongbao.bench.sink.Arrivals;

class DeliveriesTests {

    private static final AgencyCodes CODES = new AgencyCodes(List.of("NTA", "NHIA", "CEC"));

    private final Arrivals arrivals = new Arrivals(CODES.size());

    @Test
    void aSetIsDoneWhenEachOfItsDeliveriesArrived() {
        Deliveries deliveries = new Deliveries(CODES, set(), arrivals, arrivals.total());

        arrivals.arrived("R-1", 0, System.nanoTime());
        arrivals.arrived("R-1", 2, System.nanoTime());
        assertThat(deliveries.allArrived()).isFalse();

        arrivals.arrived("R-2", 1, System.nanoTime());
        assertThat(deliveries.allArrived()).isTrue();
        assertThat(deliveries.countDelivered()).isEqualTo(3);
    }

    @Test
    void arrivalsOfOtherChangesDoNotCountForTheSet() {
        arrivals.arrived("EARLIER", 0, System.nanoTime());
        Deliveries deliveries = new Deliveries(CODES, set(), arrivals, arrivals.total());

        arrivals.arrived("STRAGGLER", 1, System.nanoTime());
        arrivals.arrived("NEVER-ANSWERED", 0, System.nanoTime());
        arrivals.arrived("R-1", 0, System.nanoTime());
        arrivals.arrived("R-1", 0, System.nanoTime()); // a duplicate is no new arrival
        assertThat(deliveries.allArrived()).isFalse();

        arrivals.arrived("R-1", 2, System.nanoTime());
        assertThat(deliveries.allArrived()).isFalse();

        arrivals.arrived("R-2", 1, System.nanoTime());
        assertThat(deliveries.allArrived()).isTrue();
    }

    @Test
    void aSetStillShortOfItsCountIsNotWalked() {
        CountedWalks accepted = new CountedWalks(set());
        Deliveries deliveries = new Deliveries(CODES, accepted, arrivals, arrivals.total());
        arrivals.arrived("R-1", 0, System.nanoTime());
        arrivals.arrived("R-2", 1, System.nanoTime());

        for (int poll = 0; poll < 100; poll++) {
            assertThat(deliveries.allArrived()).isFalse();
        }
        assertThat(accepted.walks).isZero();

        arrivals.arrived("R-1", 2, System.nanoTime());
        assertThat(deliveries.allArrived()).isTrue();
        assertThat(accepted.walks).isEqualTo(1);
    }

    /** R-1 to NTA and CEC, R-2 to NHIA: three deliveries. */
    private static List<Accepted> set() {
        return List.of(new Accepted("R-1", 0, 0, 0b101), new Accepted("R-2", 0, 0, 0b010));
    }

    /** The accepted changes, counting how often they are walked. */
    private static final class CountedWalks extends ArrayList<Accepted> {

        private int walks;

        CountedWalks(List<Accepted> changes) {
            super(changes);
        }

        @Override
        public Iterator<Accepted> iterator() {
            walks++;
            return super.iterator();
        }
    }
}
