package io.queen.dashboard;

import io.queen.Http;
import io.queen.TestDirs;
import io.queen.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dashboard with JWT on: it asks for a token, keeps it for the tab, and shows only what the role may do. */
class DashboardAuthBrowserTest {
    private static final String SECRET = "dashboard-browser-secret-long-enough";
    private static TestServer server;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(TestDirs.temp("queen-dash-jwt"), Map.of("JWT_ENABLED", "true",
                "JWT_ALGORITHM", "HS256", "JWT_SECRET", SECRET));
        browser = Browser.open("http://127.0.0.1:" + server.port);
    }

    @AfterAll
    static void stop() {
        Browser.stop(browser, server);
    }

    private void signIn(String token) {
        browser.until(d -> d.findElement(By.id("token")).isDisplayed());
        browser.driver.findElement(By.id("token")).clear();
        browser.driver.findElement(By.id("token")).sendKeys(token);
        browser.click(By.cssSelector(".login button[type=submit]"));
    }

    @Test
    void tokenEntryAndRoleAwareActions() throws Exception {
        Http admin = server.http.withToken(DashboardHttpTest.token(SECRET, "root", "admin"));
        String q = "dash-auth-q";
        assertEquals(201, admin.post("/api/v1/push", new JsonObject().put("items", new JsonArray()
                .add(new JsonObject().put("queue", q).put("payload", 1)))).status());

        browser.driver.get("about:blank");
        browser.driver.get("http://127.0.0.1:" + server.port + "/#/queues/" + q);
        signIn("not-a-token");
        browser.until(d -> d.findElement(By.id("main")).getText().contains("not accepted"));

        signIn(DashboardHttpTest.token(SECRET, "viewer", "read-only"));
        browser.waitReady("queue");
        assertTrue(browser.text(By.id("who")).contains("viewer"));
        assertTrue(browser.driver.findElements(By.id("delete-queue")).isEmpty(), "a reader cannot delete");
        assertTrue(browser.driver.findElements(By.id("clear-queue")).isEmpty(), "nor clear");
        browser.page("#/system", "system");
        assertTrue(browser.text(By.id("main")).contains("need the admin role"));
        browser.screenshot("auth-read-only");

        // the token is kept for the tab: a reload does not ask again
        browser.driver.navigate().refresh();
        browser.waitReady("system");

        browser.click(By.id("logout"));
        signIn(DashboardHttpTest.token(SECRET, "root", "admin"));
        browser.page("#/queues/" + q, "queue");
        browser.click(By.id("delete-queue"));
        browser.confirm();
        browser.waitReady("queues");
        assertEquals(404, admin.get("/api/v1/resources/queues/" + q).status(), "deleted");
        assertEquals(List.of(), browser.consoleErrors(), "the browser console has errors");
        browser.screenshot("auth-admin");
    }
}
