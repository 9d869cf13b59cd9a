package tw.tongbao.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.DisposableBean;
import tw.tongbao.gateway.ReleasedAfterContext.Release;

/** What the extension releases after a test class's context, in which order, and how it bears failures. */
class ReleasedAfterContextTests {

    static final List<String> released = new ArrayList<>();

    @BeforeEach
    void forgetEarlierReleases() {
        released.clear();
    }

    @Test
    void releasesMarkedStaticFieldsInTheirWrittenOrderSkippingNullsAndUnmarked() throws Exception {
        ReleasedAfterContext.release(Services.class);

        assertThat(released).containsExactly("destroyed connection", "closed vhost", "closed database");
    }

    @Test
    void releasesTheRestWhenOneFailsThenThrowsTheFirstFailureWithTheOthersSuppressed() {
        assertThatThrownBy(() -> ReleasedAfterContext.release(FailingServices.class))
                .hasMessage("queue failed")
                .satisfies(failure -> assertThat(failure.getSuppressed())
                        .extracting(Throwable::getMessage)
                        .containsExactly("vhost failed"));

        assertThat(released).containsExactly("closed queue", "closed vhost", "closed database");
    }

    @Test
    void namesAMarkedFieldItCannotReleaseAndStillReleasesTheOthers() {
        assertThatThrownBy(() -> ReleasedAfterContext.release(UnreleasableField.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("UnreleasableField.prefix");

        assertThat(released).containsExactly("closed database");
    }

    @Test
    void refusesTwoFieldsWithOneOrderBeforeReleasingAnything() {
        assertThatThrownBy(() -> ReleasedAfterContext.release(SameOrder.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SameOrder.database")
                .hasMessageContaining("SameOrder.vhost");

        assertThat(released).isEmpty();
    }

    /** Declared in neither the release order nor its reverse, so that only the written order passes. */
    static final class Services {

        @Release(order = 4)
        static final Closed database = new Closed("database");

        @Release(order = 1)
        static final Destroyed connection = new Destroyed("connection");

        @Release(order = 2)
        static Closed neverMade;

        static final Closed unmarked = new Closed("unmarked");

        @Release(order = 3)
        static final Closed vhost = new Closed("vhost");
    }

    static final class FailingServices {

        @Release(order = 3)
        static final Closed database = new Closed("database");

        @Release(order = 2)
        static final Failing vhost = new Failing("vhost");

        @Release(order = 1)
        static final Failing queue = new Failing("queue");
    }

    static final class UnreleasableField {

        @Release(order = 2)
        static final Closed database = new Closed("database");

        @Release(order = 1)
        static final String prefix = "gw";
    }

    static final class SameOrder {

        @Release(order = 1)
        static final Closed database = new Closed("database");

        @Release(order = 1)
        static final Closed vhost = new Closed("vhost");
    }

    record Closed(String name) implements AutoCloseable {

        @Override
        public void close() {
            released.add("closed " + name);
        }
    }

    record Destroyed(String name) implements DisposableBean, AutoCloseable {

        @Override
        public void destroy() {
            released.add("destroyed " + name);
        }

        @Override
        public void close() {
            released.add("closed " + name);
        }
    }

    record Failing(String name) implements AutoCloseable {

        @Override
        public void close() {
            released.add("closed " + name);
            throw new IllegalStateException(name + " failed");
        }
    }
}
