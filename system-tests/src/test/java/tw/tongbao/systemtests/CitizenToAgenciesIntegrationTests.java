package tw.tongbao.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tw.tongbao.systemtests.support.ChangeRequests;
import tw.tongbao.systemtests.support.Citizen;
import tw.tongbao.systemtests.support.Received;
import tw.tongbao.systemtests.support.TongbaoSystem;

/** One address change from a citizen to three rest-json agencies, end to end, on real processes and services. */
class CitizenToAgenciesIntegrationTests {

    private static final Set<String> BASE = Set.of("subjectRef", "sequence", "effectiveDate");

    private static TongbaoSystem tongbao;

    @BeforeAll
    static void start() {
        tongbao = TongbaoSystem.withAgencies("NTA", "NHIA", "TPC")
                .named("skeleton")
                .start();
    }

    @AfterAll
    static void stop() {
        tongbao.close();
    }

    @Test
    void oneFilingReachesEachAgencyExactlyOnceSignedAndWithOnlyItsFields() {
        Citizen citizen = tongbao.citizen("A123456789", "王小明");

        HttpResponse<String> accepted = citizen.file(
                ChangeRequests.addressChange("A123456789", "TPC"),
                UUID.randomUUID().toString());

        assertThat(accepted.statusCode()).isEqualTo(202);
        String receipt = citizen.change(accepted.headers()
                        .firstValue("Location")
                        .map(URI::create)
                        .orElseThrow()
                        .getPath()
                        .substring("/api/v1/changes/".length()))
                .get("receipt")
                .asString();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String agency : List.of("NTA", "NHIA", "TPC")) {
                assertThat(receivedFor(agency, receipt)).hasSize(1);
            }
        });

        for (String agency : List.of("NTA", "NHIA", "TPC")) {
            Received received = receivedFor(agency, receipt).get(0).assertSignedWith(secret(agency));
            assertThat(received.request().getHeader("Content-Type"))
                    .isEqualTo("application/cloudevents+json; charset=utf-8");
            assertThat(received.event().getSpecVersion().toString()).isEqualTo("1.0");
            assertThat(received.event().getSource()).isEqualTo(URI.create("/tongbao/changes"));
            assertThat(received.event().getType()).isEqualTo("tw.tongbao.address.changed.v1");
            assertThat(received.event().getTime()).isNotNull();
            assertThat(received.event().getDataContentType()).isEqualTo("application/json");
            assertThat(received.dataFields()).allMatch(field -> BASE.contains(field) || entitled(agency, field));
            assertThat(received.data().get("address").get("city").asString()).isEqualTo("臺北市");
        }
        assertThat(receivedFor("NTA", receipt).get(0).data().get("subjectId").asString())
                .isEqualTo("A123456789");
        assertThat(receivedFor("TPC", receipt).get(0).dataFields()).doesNotContain("subjectId");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode change = citizen.change(receipt);
            assertThat(change.get("status").asString()).isEqualTo("COMPLETED");
            assertThat(change.get("deliveries")).hasSize(3).allSatisfy(delivery -> {
                assertThat(delivery.get("status").asString()).isEqualTo("DELIVERED");
                assertThat(delivery.get("timeline")).hasSizeGreaterThanOrEqualTo(2);
            });
        });
    }

    @Test
    void theSameIdempotencyKeyTwiceFilesOneChange() {
        Citizen citizen = tongbao.citizen("F131104093", "林大同");
        String key = UUID.randomUUID().toString();
        String body = ChangeRequests.addressChange("F131104093");

        HttpResponse<String> first = citizen.file(body, key);
        HttpResponse<String> second = citizen.file(body, key);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(202);
        assertThat(second.body()).isEqualTo(first.body());
        String receipt = citizen.fileAccepted(body, key);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(
                        () -> assertThat(citizen.deliveryStatus(receipt, "NTA")).isEqualTo("DELIVERED"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(receivedFor("NTA", receipt)).hasSize(1);
            assertThat(receivedFor("NHIA", receipt)).hasSize(1);
            assertThat(receivedFor("TPC", receipt)).isEmpty();
        });
        assertThat(citizen.file(ChangeRequests.addressChangeAt("F131104093", "2號"), key)
                        .statusCode())
                .isEqualTo(409);
    }

    private static List<Received> receivedFor(String agency, String receipt) {
        return Received.by(tongbao.agency(agency)).stream()
                .filter(received -> received.receipt().equals(receipt))
                .toList();
    }

    private static String secret(String agency) {
        return tongbao.registry().secret(agency);
    }

    @SuppressWarnings("unchecked")
    private static boolean entitled(String agency, String field) {
        return ((List<String>) tongbao.registry().agency(agency).get("fields")).contains(field);
    }
}
