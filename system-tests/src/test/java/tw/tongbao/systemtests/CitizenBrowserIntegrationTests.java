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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import tw.tongbao.systemtests.support.Browser;
import tw.tongbao.systemtests.support.TongbaoSystem;

/**
 * A citizen in a real browser: signs in on the demo page, files an address change choosing one consent agency, and
 * watches every agency receive it on the tracker without reloading.
 */
class CitizenBrowserIntegrationTests {

    private static final List<String> TOLD = List.of("NTA", "NHIA", "TPC");

    private static TongbaoSystem tongbao;
    private static Browser browser;

    @BeforeAll
    static void start() {
        // POST takes address changes too, by consent: the citizen does not choose it, so it must not be told.
        tongbao = TongbaoSystem.withAgencies("NTA", "NHIA", "TPC", "POST")
                .named("browser")
                .demoSignIn()
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
    void citizenFilesAnAddressChangeAndWatchesEveryAgencyReceiveIt() {
        ChromeDriver page = browser.driver();
        signIn(page, "A123456789", "王小明");

        WebElement form = visible(page, By.id("form-ADDRESS_CHANGE"));
        type(form, "data.address.postalCode", "106");
        new Select(form.findElement(By.name("data.address.city"))).selectByValue("臺北市");
        type(form, "data.address.district", "大安區");
        type(form, "data.address.street", "羅斯福路四段");
        type(form, "data.address.number", "1號");
        WebElement power = visible(page, By.id("ADDRESS_CHANGE-notify-TPC"));
        assertThat(page.findElement(By.id("ADDRESS_CHANGE-notify-TPC-details")).getText())
                .contains("經您同意", "用戶同意", "姓名", "新地址")
                .doesNotContain("身分證統一編號");
        assertThat(page.findElement(By.id("ADDRESS_CHANGE-notify-POST")).isSelected())
                .isFalse();
        power.click();
        // Taipower answers slowly, so the tracker shows it waiting before it shows it delivered.
        tongbao.agency("TPC")
                .stubFor(post(urlEqualTo("/notifications"))
                        .willReturn(aResponse().withStatus(200).withFixedDelay(6000)));
        // Two quick clicks on the button: one Idempotency-Key, one filing.
        new Actions(page)
                .doubleClick(form.findElement(By.cssSelector("button[type=submit]")))
                .perform();

        await().atMost(Duration.ofSeconds(20)).until(() -> page.getCurrentUrl().contains("/receipt.html"));
        String receipt = visible(page, By.id("receipt-number")).getText();
        assertThat(receipt).startsWith("TB-");
        visible(page, By.id("track")).click();
        await().atMost(Duration.ofSeconds(20)).until(() -> page.getCurrentUrl().contains("/tracker.html"));
        visible(page, By.id("delivery-NTA-status"));
        page.executeScript("window.tongbaoMarker = 'not reloaded';");
        assertThat(page.findElement(By.id("delivery-TPC-status")).getText()).isEqualTo("等待傳送");

        // The tracker re-renders as reports arrive, so an element found a moment ago may be gone.
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .ignoreException(StaleElementReferenceException.class)
                .untilAsserted(() -> {
                    for (String agency : TOLD) {
                        assertThat(page.findElement(By.id("delivery-" + agency + "-status"))
                                        .getText())
                                .as("status of %s", agency)
                                .isEqualTo("已送達");
                    }
                });
        assertThat(page.executeScript("return window.tongbaoMarker;")).isEqualTo("not reloaded");
        assertThat(page.findElement(By.cssSelector("[role=status][aria-live=polite]#announcer"))
                        .getAttribute("textContent"))
                .contains("台灣電力公司：已送達");
        assertThat(page.findElements(By.cssSelector("#deliveries li.delivery")))
                .extracting(item -> item.getAttribute("data-agency"))
                .containsExactlyElementsOf(TOLD);
        assertThat(page.findElement(By.id("change-status")).getText()).isEqualTo("已完成");
        for (String agency : TOLD) {
            WebElement item = page.findElement(By.cssSelector("#deliveries li[data-agency='" + agency + "']"));
            assertThat(page.findElement(
                                    By.id(item.getAttribute("aria-labelledby").split(" ")[1]))
                            .getText())
                    .isEqualTo("已送達");
        }

        WebElement who = page.findElement(By.id("who-received"));
        assertThat(row(who, "NTA").getText()).contains("身分證統一編號", "姓名", "新地址");
        assertThat(row(who, "TPC").getText()).contains("代號", "姓名", "新地址").doesNotContain("身分證統一編號", "原地址");
        for (String agency : TOLD) {
            assertThat(row(who, agency).findElements(By.cssSelector("td time")))
                    .as("when %s received it", agency)
                    .hasSize(1);
        }
        int height = ((Number) page.executeScript("return document.documentElement.scrollHeight;")).intValue();
        page.manage().window().setSize(new Dimension(1280, Math.min(height + 120, 4000)));
        browser.screenshot("citizen-tracker");

        page.findElement(By.linkText("我的申報")).click();
        await().atMost(Duration.ofSeconds(20))
                .until(() ->
                        !page.findElements(By.cssSelector("#changes tbody tr")).isEmpty());
        assertThat(page.findElements(By.cssSelector("#changes tbody tr")))
                .singleElement()
                .satisfies(row -> assertThat(row.getText()).contains(receipt, "地址變更", "已完成"));
        browser.screenshot("citizen-changes");
    }

    private void signIn(ChromeDriver page, String nationalId, String name) {
        page.get(tongbao.gateway().baseUri().resolve("/demo/sign-in.html").toString());
        WebElement id = visible(page, By.id("sub"));
        id.clear();
        id.sendKeys(nationalId);
        WebElement fullName = page.findElement(By.id("name"));
        fullName.clear();
        fullName.sendKeys(name);
        page.findElement(By.id("submit")).click();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> page.getCurrentUrl().endsWith("/")
                        && page.findElement(By.id("form-ADDRESS_CHANGE")).isDisplayed());
    }

    private static WebElement visible(ChromeDriver page, By locator) {
        return await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> page.findElement(locator), WebElement::isDisplayed);
    }

    private static void type(WebElement form, String name, String text) {
        form.findElement(By.name(name)).sendKeys(text);
    }

    private static WebElement row(WebElement table, String agency) {
        return table.findElement(By.cssSelector("tbody tr[data-agency='" + agency + "']"));
    }
}
