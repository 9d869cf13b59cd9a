package tw.tongbao.adapters;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;
import tw.tongbao.adapters.instance.AdapterInstance;
import tw.tongbao.core.delivery.DeliveryStatus;
import tw.tongbao.core.envelope.ChangeFiled;

/** A delivery leased by an instance that died mid-call is taken over once that instance's heartbeat is stale. */
@ExtendWith(AdapterTestEnvironment.class)
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "TONGBAO_REGISTRY=classpath:adapters-it-registry.yml",
            "tongbao.adapters.poll-interval=250ms",
            "tongbao.adapters.relay-poll-interval=250ms",
            "tongbao.adapters.heartbeat-interval=1s",
            "tongbao.adapters.instance-stale-after=3s"
        })
@DirtiesContext
class LeaseTakeoverIntegrationTests {

    @DynamicPropertySource
    static void environment(DynamicPropertyRegistry registry) {
        AdapterTestEnvironment.register(registry);
    }

    @Autowired
    RabbitTemplate rabbit;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JsonMapper json;

    @Autowired
    AdapterInstance instance;

    @BeforeAll
    static void agency() {
        AdapterTestEnvironment.AGENCIES.stubFor(
                post(urlEqualTo("/agencies/RECOVER")).willReturn(aResponse().withStatus(202)));
    }

    @Test
    void deliveryLeasedByADeadInstanceIsSentAgainWithTheSameWebhookIdLongBeforeItsLeaseLapses() {
        ReportsProbe reports = new ReportsProbe(rabbit);
        UUID dead = instanceWithHeartbeat("- interval '1 minute'");
        ChangeFiled change = Filed.addressChange("crashed", 1, "RECOVER");
        UUID id = Filed.deliveryId(change, "RECOVER");

        leasedForAnHour(change, dead);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> reports.find(id, DeliveryStatus.DELIVERED), Optional::isPresent);
        assertThat(requests(id)).isEqualTo(1);
        assertThat(reports.find(id, DeliveryStatus.DELIVERED).orElseThrow().attempts())
                .isEqualTo(1);
    }

    @Test
    void deliveryLeasedByALiveInstanceIsLeftAlone() {
        UUID alive = instanceWithHeartbeat("+ interval '1 hour'");
        ChangeFiled change = Filed.addressChange("busy-elsewhere", 1, "RECOVER");
        UUID id = Filed.deliveryId(change, "RECOVER");

        leasedForAnHour(change, alive);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> requests(id) == 0);
        assertThat(instance.id()).isNotEqualTo(alive);
        assertThat(jdbc.sql("SELECT count(*) FROM adapter_instance WHERE instance_id = :id")
                        .param("id", instance.id())
                        .query(Long.class)
                        .single())
                .isEqualTo(1L);
    }

    private UUID instanceWithHeartbeat(String offset) {
        UUID id = UUID.randomUUID();
        jdbc.sql("INSERT INTO adapter_instance (instance_id, host, started_at, heartbeat_at)"
                        + " VALUES (:id, 'elsewhere', now() - interval '1 hour', now() " + offset + ")")
                .param("id", id)
                .update();
        return id;
    }

    private void leasedForAnHour(ChangeFiled change, UUID holder) {
        var addressee = change.addresseeFor("RECOVER").orElseThrow();
        jdbc.sql("INSERT INTO adapter_message (change_id, message) VALUES (:id, :message)")
                .param("id", change.changeId())
                .param("message", json.writeValueAsString(change))
                .update();
        jdbc.sql("INSERT INTO adapter_delivery (delivery_id, agency, subject_ref, sequence, change_type, receipt,"
                        + " change_id, status, attempts, revision, next_attempt_at, lease_until, leased_by,"
                        + " received_at, updated_at) VALUES (:id, 'RECOVER', :ref, 1, 'ADDRESS_CHANGE', :receipt,"
                        + " :change, 'PENDING', 0, 0, now() - interval '1 minute',"
                        + " now() + interval '1 hour', :holder, now(), now())")
                .param("id", addressee.deliveryId())
                .param("ref", addressee.subjectRef())
                .param("receipt", change.receipt())
                .param("change", change.changeId())
                .param("holder", holder)
                .update();
    }

    private static long requests(UUID deliveryId) {
        return AdapterTestEnvironment.AGENCIES.findAll(postRequestedFor(urlEqualTo("/agencies/RECOVER"))).stream()
                .filter(request -> deliveryId.toString().equals(request.getHeader("webhook-id")))
                .count();
    }
}
