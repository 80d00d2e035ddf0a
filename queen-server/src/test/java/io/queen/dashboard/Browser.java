package io.queen.dashboard;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;

/**
 * Headless Chromium (Debian's chromium and chromium-driver) driven by Selenium. Without them the
 * browser tests are skipped, unless {@code QUEEN_BROWSER_TESTS=required} (CI) makes that a failure.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    private final String base;

    private Browser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** A browser on {@code base} (http://host:port), or a skipped test when Chromium is absent. */
    static Browser open(String base) {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
        if (!installed && "required".equals(System.getenv("QUEEN_BROWSER_TESTS"))) {
            throw new IllegalStateException("QUEEN_BROWSER_TESTS=required but " + CHROMIUM + " or " + DRIVER
                    + " is missing (apt-get install chromium chromium-driver)");
        }
        Assumptions.assumeTrue(installed, "Chromium and chromedriver are not installed");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--lang=en-US", "--no-first-run", "--disable-extensions");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1400, 1000));
        return new Browser(driver, base);
    }

    /** Opens a dashboard route (e.g. "#/queues") and waits until its page has shown its data. */
    void page(String route, String page) {
        driver.get("about:blank"); // a fresh document: no toast, dialog or paused refresh carried over
        driver.get(base + "/" + route);
        waitReady(page);
    }

    void waitReady(String page) {
        until(d -> page.equals(d.findElement(By.id("main")).getAttribute("data-ready")));
    }

    <T> T until(Function<ChromeDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(StaleElementReferenceException.class)
                .until(d -> condition.apply((ChromeDriver) d));
    }

    /** Clicks the element once it is there (pages re-render on refresh, so it is looked up again). */
    void click(By by) {
        until(d -> {
            WebElement e = d.findElement(by);
            if (!e.isDisplayed() || !e.isEnabled()) {
                return null;
            }
            e.click();
            return true;
        });
    }

    /** Answers the confirmation dialog with yes. */
    void confirm() {
        until(d -> d.findElement(By.id("confirm")).getAttribute("open") != null);
        click(By.id("confirm-yes"));
        until(d -> d.findElement(By.id("confirm")).getAttribute("open") == null);
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Live refresh off, so an element is not replaced between finding and clicking it. */
    void pauseRefresh() {
        js("document.getElementById('live').checked = false");
    }

    String text(By by) {
        return until(d -> d.findElement(by).getText());
    }

    /** Saves target/screenshots/NAME.png. */
    Path screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Path to = SCREENSHOTS.resolve(name + ".png");
        Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        return to;
    }

    /** The browser console's errors since the last call (read once, so each check sees only new ones). */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::toString).toList();
    }

    /** Closes the browser, then stops the server; either may be null (a skipped start). */
    static void stop(Browser browser, io.queen.TestServer server) {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
