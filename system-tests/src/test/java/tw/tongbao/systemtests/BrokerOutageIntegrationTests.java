package tw.tongbao.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tw.tongbao.systemtests.support.ChangeRequests;
import tw.tongbao.systemtests.support.Citizen;
import tw.tongbao.systemtests.support.Received;
import tw.tongbao.systemtests.support.TongbaoSystem;

/** The outbox at work: a change accepted while the broker is unreachable is published once it is back. */
class BrokerOutageIntegrationTests {

    private static TongbaoSystem tongbao;

    @BeforeAll
    static void start() {
        tongbao = TongbaoSystem.withAgencies("NTA").named("outage").start();
    }

    @AfterAll
    static void stop() {
        tongbao.close();
    }

    @Test
    void acceptsWhileTheBrokerIsUnreachableAndDeliversOnceItIsBack() {
        Citizen citizen = tongbao.citizen("A123456789", "王小明");
        tongbao.gatewayBroker().cut();

        String receipt = citizen.fileAccepted(
                ChangeRequests.addressChange("A123456789"), UUID.randomUUID().toString());

        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(Received.by(tongbao.agency("NTA"))).isEmpty());
        assertThat(citizen.deliveryStatus(receipt, "NTA")).isEqualTo("PENDING");

        tongbao.gatewayBroker().restore();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(
                        () -> assertThat(citizen.deliveryStatus(receipt, "NTA")).isEqualTo("DELIVERED"));
        assertThat(Received.by(tongbao.agency("NTA")))
                .singleElement()
                .satisfies(received -> assertThat(received.receipt()).isEqualTo(receipt));
    }
}
