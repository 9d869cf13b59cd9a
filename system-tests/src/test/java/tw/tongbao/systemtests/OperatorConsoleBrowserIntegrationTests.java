package tw.tongbao.systemtests;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tw.tongbao.systemtests.support.Browser;
import tw.tongbao.systemtests.support.ChangeRequests;
import tw.tongbao.systemtests.support.DemoStaff;
import tw.tongbao.systemtests.support.NationalIds;
import tw.tongbao.systemtests.support.TongbaoSystem;

/**
 * An operator at the console, in a real browser: an agency fails until its deliveries park, the console shows it
 * failing and the parked deliveries, the agency recovers, the operator bulk-retries from the page, and every delivery
 * ends DELIVERED.
 */
class OperatorConsoleBrowserIntegrationTests {

    private static TongbaoSystem tongbao;
    private static Browser browser;

    @BeforeAll
    static void start() {
        tongbao = TongbaoSystem.withAgencies("NTA")
                .named("console")
                .retrySchedule("0s", "200ms", "400ms")
                .gatewayArgument(DemoStaff.DEMO_PROFILE)
                .start();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        tongbao.close();
    }

    @Test
    void operatorSeesAFailingAgencyAndBulkRetriesItsParkedDeliveries() {
        tongbao.agency("NTA")
                .stubFor(post(urlEqualTo("/notifications"))
                        .willReturn(aResponse().withStatus(503)));
        for (int i = 0; i < 3; i++) {
            String citizen = NationalIds.random();
            DemoStaff.signIn(tongbao.gateway().baseUri(), citizen, "林淑芬").file(ChangeRequests.addressChange(citizen));
        }
        WebDriver page = browser.driver();
        page.get(tongbao.gateway().baseUri().resolve("/demo/sign-in.html").toString());
        page.findElement(By.id("role-operator")).click();
        page.findElement(By.id("submit")).click();
        await().atMost(Duration.ofSeconds(15)).until(() -> !page.getCurrentUrl().contains("sign-in"));
        page.get(tongbao.gateway().baseUri().resolve("/ops/index.html").toString());

        new Select(page.findElement(By.id("filter-agency"))).selectByValue("NTA");
        new Select(page.findElement(By.id("filter-status"))).selectByValue("PARKED");
        page.findElement(By.id("search-button")).click();
        await().atMost(Duration.ofSeconds(60)).until(() -> rows(page, "PARKED").size() == 3);
        // The live grid re-renders its rows every few seconds, so an element read a moment ago may be gone.
        await().atMost(Duration.ofSeconds(30))
                .ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> {
                    WebElement nta = page.findElement(By.cssSelector("#agencies tr[data-agency='NTA']"));
                    String circuit = nta.findElement(By.cssSelector(".circuit")).getAttribute("data-state");
                    long failed = Long.parseLong(
                            nta.findElement(By.cssSelector("td.failed")).getText());
                    assertThat(!"CLOSED".equals(circuit) || failed > 0)
                            .as("NTA shown failing (circuit " + circuit + ", failed/min " + failed + ")")
                            .isTrue();
                    assertThat(nta.findElement(By.cssSelector("td.parked")).getText())
                            .isEqualTo("3");
                    assertThat(page.findElements(
                                    By.cssSelector("#alerts li[data-kind='DELIVERY_PARKED'][data-agency='NTA']")))
                            .isNotEmpty();
                });
        browser.screenshot("operator-console-failing");

        tongbao.agency("NTA").resetAll();
        tongbao.agency("NTA")
                .stubFor(post(urlEqualTo("/notifications"))
                        .willReturn(aResponse().withStatus(200)));
        page.findElement(By.id("bulk-reason")).sendKeys("NTA is back");
        page.findElement(By.id("bulk-retry")).click();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> page.findElement(By.id("message")).getText().contains("3"));

        new Select(page.findElement(By.id("filter-status"))).selectByValue("");
        page.findElement(By.id("search-button")).click();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> rows(page, "DELIVERED").size() == 3);
        assertThat(page.findElements(By.cssSelector("#deliveries > tbody > tr")))
                .hasSize(3);
        page.findElement(By.cssSelector("#deliveries > tbody > tr details summary"))
                .click();
        await().atMost(Duration.ofSeconds(30))
                .ignoreException(StaleElementReferenceException.class)
                .until(() -> page.findElement(By.cssSelector("#agencies tr[data-agency='NTA'] td.parked"))
                        .getText()
                        .equals("0"));
        page.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 1700));
        browser.screenshot("operator-console");

        DemoStaff operator = DemoStaff.signIn(tongbao.gateway().baseUri(), "A123456789", "值班員", "OPERATOR");
        assertThat(operator.deliveries("NTA"))
                .hasSize(3)
                .allSatisfy(d -> assertThat(d.get("status").asString()).isEqualTo("DELIVERED"));
        assertThat(operator.get("/api/v1/ops/audit/verify").get("valid").asBoolean())
                .isTrue();
    }

    private static List<WebElement> rows(WebDriver page, String status) {
        return page.findElements(By.cssSelector("#deliveries > tbody > tr[data-status='" + status + "']"));
    }
}
