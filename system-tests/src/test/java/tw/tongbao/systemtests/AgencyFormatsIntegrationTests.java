package tw.tongbao.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import java.io.ByteArrayInputStream;
import java.net.http.HttpHeaders;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import tools.jackson.databind.JsonNode;
import tw.tongbao.systemtests.support.BatchFiles;
import tw.tongbao.systemtests.support.ChangeRequests;
import tw.tongbao.systemtests.support.Citizen;
import tw.tongbao.systemtests.support.NationalIds;
import tw.tongbao.systemtests.support.Received;
import tw.tongbao.systemtests.support.TongbaoSystem;

/**
 * A change of each type, filed through the gateway, reaches exactly the right agencies of the reference registry
 * in their own formats (CloudEvents, SOAP, CSV in UTF-8 and Big5) with exactly the fields each is entitled to.
 */
class AgencyFormatsIntegrationTests {

    private static final List<String> ALL = List.of("NTA", "NHIA", "MVDIS", "BLI", "CEC", "TPC", "TWC", "POST");
    private static final Set<String> ALWAYS = Set.of("subjectRef", "sequence", "effectiveDate");
    private static final Set<String> ENVELOPE = Set.of("deliveryId", "eventType", "receipt", "submittedAt");

    private static TongbaoSystem tongbao;

    @BeforeAll
    static void start() {
        tongbao = TongbaoSystem.withAgencies(ALL.toArray(String[]::new))
                .named("formats")
                .registry(registry -> {
                    registry.set("CEC", "batchInterval", "1s");
                    registry.set("TWC", "batchInterval", "1s");
                })
                .start();
    }

    @AfterAll
    static void stop() {
        tongbao.close();
    }

    @Test
    void eachChangeTypeReachesExactlyTheEntitledAgenciesInTheirOwnFormats() {
        String subject = NationalIds.random();
        Citizen citizen = tongbao.citizen(subject, "林志玲");
        String address = citizen.fileAccepted(
                ChangeRequests.addressChange(subject, "TPC", "TWC", "POST"),
                UUID.randomUUID().toString());
        String name = citizen.fileAccepted(
                ChangeRequests.nameChange(subject, "林志穎", "TPC", "TWC"),
                UUID.randomUUID().toString());
        String contact = citizen.fileAccepted(
                ChangeRequests.contactChangeWithEmail(subject, "0912345678", "lin@example.tw", "TPC"),
                UUID.randomUUID().toString());
        String deceased = NationalIds.random();
        String death = citizen.fileAccepted(
                ChangeRequests.deathReport(deceased, "林大同"), UUID.randomUUID().toString());
        Map<String, Citizen> filed = Map.of(address, citizen, name, citizen, contact, citizen, death, citizen);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String receipt : filed.keySet()) {
                assertThat(citizen.change(receipt).get("status").asString()).isEqualTo("COMPLETED");
            }
        });

        Map<String, Set<String>> expected = new HashMap<>();
        expected.put(address, Set.of("NTA", "NHIA", "MVDIS", "BLI", "CEC", "TPC", "TWC", "POST"));
        expected.put(name, Set.of("NTA", "NHIA", "MVDIS", "BLI", "CEC", "TPC", "TWC"));
        expected.put(contact, Set.of("NHIA", "BLI", "TPC"));
        expected.put(death, Set.of("NTA", "NHIA", "MVDIS", "BLI", "CEC"));
        for (Map.Entry<String, Set<String>> change : expected.entrySet()) {
            JsonNode view = citizen.change(change.getKey());
            List<String> agencies = new ArrayList<>();
            view.get("deliveries").forEach(d -> agencies.add(d.get("agency").asString()));
            assertThat(agencies).containsExactlyInAnyOrderElementsOf(change.getValue());
        }

        for (String agency : ALL) {
            Map<String, Set<String>> received = receivedBy(agency);
            Set<String> shouldHave = new HashSet<>();
            expected.forEach((receipt, agencies) -> {
                if (agencies.contains(agency)) {
                    shouldHave.add(receipt);
                }
            });
            assertThat(received.keySet()).as("changes %s received", agency).isEqualTo(shouldHave);
            Set<String> entitled = new HashSet<>(entitled(agency));
            entitled.addAll(ALWAYS);
            received.forEach((receipt, fields) -> assertThat(fields)
                    .as("fields %s received for %s", agency, receipt)
                    .isSubsetOf(entitled)
                    .containsAll(ALWAYS));
            if (Set.of("TPC", "TWC", "POST").contains(agency)) {
                received.values().forEach(fields -> assertThat(fields).doesNotContain("subjectId"));
            }
        }
        assertThat(receivedBy("NTA").get(death)).contains("subjectId", "dateOfDeath", "name");
        assertThat(receivedBy("TPC").get(contact)).contains("phone").doesNotContain("email", "subjectId");
        assertThat(receivedBy("BLI").get(contact))
                .contains("subjectId", "phone")
                .doesNotContain("email");
        assertThat(receivedBy("NHIA").get(contact)).contains("phone", "email");
    }

    /** receipt → the data fields the agency received for it, read in the agency's own format. */
    private static Map<String, Set<String>> receivedBy(String agency) {
        String protocol = tongbao.registry().protocol(agency);
        Map<String, Set<String>> received = new HashMap<>();
        switch (protocol) {
            case "rest-json" -> {
                for (Received r : Received.by(tongbao.agency(agency))) {
                    r.assertSignedWith(tongbao.registry().secret(agency));
                    received.put(r.receipt(), new HashSet<>(r.dataFields()));
                }
            }
            case "soap-xml" -> {
                List<LoggedRequest> requests = new ArrayList<>(tongbao.agency(agency).getAllServeEvents().stream()
                        .map(event -> event.getRequest())
                        .toList());
                Collections.reverse(requests);
                for (LoggedRequest request : requests) {
                    // Charset names are case-insensitive, and WireMock's Jetty canonicalises this common value.
                    assertThat(request.getHeader("Content-Type")).isEqualToIgnoringCase("text/xml; charset=utf-8");
                    verifySignature(request, tongbao.registry().secret(agency));
                    Element notification = soapNotification(request.getBody());
                    Set<String> fields = new HashSet<>();
                    String receipt = null;
                    for (Node child = notification.getFirstChild(); child != null; child = child.getNextSibling()) {
                        if (child instanceof Element element) {
                            if (element.getLocalName().equals("receipt")) {
                                receipt = element.getTextContent();
                            }
                            if (!ENVELOPE.contains(element.getLocalName())) {
                                fields.add(element.getLocalName());
                            }
                        }
                    }
                    received.put(receipt, fields);
                }
            }
            default -> {
                Charset charset = Charset.forName(
                        (String) tongbao.registry().agency(agency).getOrDefault("charset", "UTF-8"));
                assertThat(BatchFiles.temporary(tongbao.dropDirectory().resolve(agency)))
                        .isEmpty();
                for (BatchFiles.Row row :
                        BatchFiles.rows(tongbao.dropDirectory().resolve(agency), charset)) {
                    Set<String> fields = new HashSet<>();
                    row.cells().forEach((column, value) -> {
                        String field = column.contains(".") ? column.substring(0, column.indexOf('.')) : column;
                        if (!value.isEmpty() && !ENVELOPE.contains(field)) {
                            fields.add(field);
                        }
                    });
                    if (row.cells().containsKey("address.city")
                            && !row.cells().get("address.city").isEmpty()) {
                        assertThat(row.cells().get("address.city")).isEqualTo("臺北市");
                    }
                    received.put(row.receipt(), fields);
                }
            }
        }
        return received;
    }

    @SuppressWarnings("unchecked")
    private static List<String> entitled(String agency) {
        return (List<String>) tongbao.registry().agency(agency).get("fields");
    }

    private static void verifySignature(LoggedRequest request, String secret) {
        HttpHeaders headers = HttpHeaders.of(
                Map.of(
                        "webhook-id", List.of(request.getHeader("webhook-id")),
                        "webhook-timestamp", List.of(request.getHeader("webhook-timestamp")),
                        "webhook-signature", List.of(request.getHeader("webhook-signature"))),
                (a, b) -> true);
        try {
            new Webhook(secret).verify(new String(request.getBody(), StandardCharsets.UTF_8), headers);
        } catch (Exception e) {
            throw new AssertionError("SOAP signature does not verify: " + e.getMessage(), e);
        }
    }

    private static Element soapNotification(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            var document = factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            var found = document.getElementsByTagNameNS("urn:tongbao:notification:v1", "ChangeNotification");
            assertThat(found.getLength()).isEqualTo(1);
            return (Element) found.item(0);
        } catch (Exception e) {
            throw new AssertionError("not a SOAP ChangeNotification: " + e.getMessage(), e);
        }
    }
}
