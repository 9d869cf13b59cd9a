package tw.tongbao.adapters.soapxml;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.transform.dom.DOMSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import tw.tongbao.adapters.restjson.SignedHttpPost;
import tw.tongbao.adapters.transport.AttemptResult;
import tw.tongbao.adapters.transport.OutboundDelivery;
import tw.tongbao.core.agency.Agency;
import tw.tongbao.core.answer.AgencyAnswer;
import tw.tongbao.core.fixtures.Changes;

class SoapXmlTransportTests {

    private WireMockServer agencyServer;
    private Agency mvdis;
    private final SignedHttpPost http = new SignedHttpPost();
    private final SoapXmlTransport transport = new SoapXmlTransport(http);

    @BeforeEach
    void startAgency() {
        agencyServer = new WireMockServer(wireMockConfig().dynamicPort().http2PlainDisabled(true));
        agencyServer.start();
        mvdis = SoapAgencies.mvdis(URI.create(agencyServer.baseUrl() + "/soap"));
    }

    @AfterEach
    void stopAgency() {
        agencyServer.stop();
        http.close();
    }

    @Test
    void postsASignedSchemaValidChangeNotification() throws Exception {
        agencyServer.stubFor(
                post("/soap").willReturn(aResponse().withStatus(200).withBody(envelope("<ok/>"))));
        OutboundDelivery delivery = SoapAgencies.deliveryOf(Changes.deathReport("MVDIS"), mvdis);

        AttemptResult result = attempt(delivery);

        assertThat(result.answer()).isEqualTo(AgencyAnswer.DELIVERED);
        LoggedRequest received = onlyRequest();
        // Jetty, under WireMock, upper-cases the charset of well-known media types; the client sends it as given.
        assertThat(received.getHeader("Content-Type")).isEqualToIgnoringCase(SoapXmlTransport.CONTENT_TYPE);
        assertThat(received.getHeader("SOAPAction")).isEqualTo("\"urn:tongbao:notification:v1#ChangeNotification\"");
        assertThat(received.getBody()).isEqualTo(ChangeNotificationXmlTests.bytesOf(delivery));
        assertThat(received.getHeader("webhook-id"))
                .isEqualTo(delivery.addressee().deliveryId().toString());
        assertThatCode(() -> new Webhook(SoapAgencies.SECRET)
                        .verify(
                                received.getBodyAsString(),
                                Map.of(
                                        "webhook-id", List.of(received.getHeader("webhook-id")),
                                        "webhook-timestamp", List.of(received.getHeader("webhook-timestamp")),
                                        "webhook-signature", List.of(received.getHeader("webhook-signature")))))
                .doesNotThrowAnyException();
        Element notification = ChangeNotificationXmlTests.notificationIn(received.getBody());
        assertThatCode(() -> ChangeNotificationXmlTests.schema().newValidator().validate(new DOMSource(notification)))
                .doesNotThrowAnyException();
        assertThat(ChangeNotificationXmlTests.childNames(notification))
                .contains("subjectId", "name", "dateOfDeath")
                .doesNotContain("relationship");
    }

    @Test
    void rejectsOnAClientFaultAndKeepsItsReason() throws Exception {
        agencyServer.stubFor(post("/soap")
                .willReturn(aResponse().withStatus(500).withBody(fault("soap:Client", "未知的鄉鎮市區 & district"))));

        AttemptResult result = attempt(SoapAgencies.deliveryOf(Changes.addressChange("MVDIS"), mvdis));

        assertThat(result.answer()).isEqualTo(AgencyAnswer.REJECTED);
        assertThat(result.httpStatus()).isEqualTo(500);
        assertThat(result.error()).isEqualTo("SOAP Client fault: 未知的鄉鎮市區 & district");
        assertThat(result.responseExcerpt()).contains("faultstring");
    }

    @Test
    void rejectsOnAClientFaultWhateverTheStatus() throws Exception {
        agencyServer.stubFor(
                post("/soap").willReturn(aResponse().withStatus(200).withBody(fault("Client.Validation", "bad"))));

        AttemptResult result = attempt(SoapAgencies.deliveryOf(Changes.addressChange("MVDIS"), mvdis));

        assertThat(result.answer()).isEqualTo(AgencyAnswer.REJECTED);
    }

    @Test
    void retriesOnAServerFault() throws Exception {
        agencyServer.stubFor(
                post("/soap").willReturn(aResponse().withStatus(500).withBody(fault("soap:Server", "database down"))));

        AttemptResult result = attempt(SoapAgencies.deliveryOf(Changes.addressChange("MVDIS"), mvdis));

        assertThat(result.answer()).isEqualTo(AgencyAnswer.TRANSIENT_FAILURE);
        assertThat(result.error()).isEqualTo("SOAP Server fault: database down");
    }

    @Test
    void readsAnAnswerWithoutAFaultByItsStatus() throws Exception {
        agencyServer.stubFor(
                post("/soap").willReturn(aResponse().withStatus(410).withBody("gone")));

        AttemptResult result = attempt(SoapAgencies.deliveryOf(Changes.addressChange("MVDIS"), mvdis));

        assertThat(result.answer()).isEqualTo(AgencyAnswer.AGENCY_DISABLED);
    }

    @Test
    void rejectsWithoutCallingWhenAValueCannotBeWrittenAsXml() throws Exception {
        Map<String, Object> address = new java.util.LinkedHashMap<>(Changes.address());
        address.put("street", "\u0007");
        OutboundDelivery delivery = SoapAgencies.deliveryOf(
                Changes.filed(
                        tw.tongbao.core.change.ChangeType.ADDRESS_CHANGE,
                        "A123456789",
                        3,
                        Map.of("address", address),
                        "MVDIS"),
                mvdis);

        AttemptResult result = attempt(delivery);

        assertThat(result.answer()).isEqualTo(AgencyAnswer.REJECTED);
        assertThat(result.error()).contains("U+0007");
        assertThat(agencyServer.findAll(postRequestedFor(urlEqualTo("/soap")))).isEmpty();
    }

    private AttemptResult attempt(OutboundDelivery delivery) throws Exception {
        return transport.attempt(mvdis, delivery).get(10, TimeUnit.SECONDS);
    }

    private LoggedRequest onlyRequest() {
        List<LoggedRequest> requests = agencyServer.findAll(postRequestedFor(urlEqualTo("/soap")));
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    private static String fault(String code, String reason) {
        return envelope("<soap:Fault><faultcode>" + code + "</faultcode><faultstring>" + reason.replace("&", "&amp;")
                + "</faultstring></soap:Fault>");
    }

    private static String envelope(String body) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                + body
                + "</soap:Body></soap:Envelope>";
    }
}
