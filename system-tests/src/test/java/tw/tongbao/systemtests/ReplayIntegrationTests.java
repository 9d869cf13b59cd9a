package tw.tongbao.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tw.tongbao.systemtests.support.ChangeRequests;
import tw.tongbao.systemtests.support.DemoStaff;
import tw.tongbao.systemtests.support.NationalIds;
import tw.tongbao.systemtests.support.Received;
import tw.tongbao.systemtests.support.TongbaoSystem;

/** An operator replays a window of an agency's deliveries: the agency receives each again with the same webhook-id. */
class ReplayIntegrationTests {

    private static TongbaoSystem tongbao;

    @BeforeAll
    static void start() {
        tongbao = TongbaoSystem.withAgencies("NTA")
                .named("replay")
                .gatewayArgument(DemoStaff.DEMO_PROFILE)
                .start();
    }

    @AfterAll
    static void stop() {
        tongbao.close();
    }

    @Test
    void replaysAWindowWithTheSameDeliveryIds() {
        Instant since = Instant.now().minusSeconds(1);
        for (int i = 0; i < 3; i++) {
            String citizen = NationalIds.random();
            DemoStaff.signIn(tongbao.gateway().baseUri(), citizen, "王小明").file(ChangeRequests.addressChange(citizen));
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Received.by(tongbao.agency("NTA")).size() == 3);
        DemoStaff operator = DemoStaff.signIn(tongbao.gateway().baseUri(), "A123456789", "值班員", "OPERATOR");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> operator.deliveries("NTA").stream()
                        .allMatch(d -> d.get("status").asString().equals("DELIVERED")));
        Instant until = Instant.now().plusSeconds(1);

        var answer = operator.post(
                "/api/v1/ops/agencies/NTA/replay",
                "{\"since\":\"" + since + "\",\"until\":\"" + until + "\",\"reason\":\"NTA restored a backup\"}");

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Received.by(tongbao.agency("NTA")).size() == 6);
        Map<String, Long> perId = Received.by(tongbao.agency("NTA")).stream()
                .map(Received::webhookId)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(perId).hasSize(3).allSatisfy((id, times) -> assertThat(times).isEqualTo(2));
        List<String> ids = operator.deliveries("NTA").stream()
                .map(d -> d.get("id").asString())
                .toList();
        assertThat(ids).containsExactlyInAnyOrderElementsOf(perId.keySet());
        var audit = operator.get("/api/v1/ops/audit");
        assertThat(audit.get("items").values().stream().map(i -> i.get("action").asString()))
                .contains("agency.replay");
        assertThat(operator.get("/api/v1/ops/audit/verify").get("valid").asBoolean())
                .isTrue();
    }
}
