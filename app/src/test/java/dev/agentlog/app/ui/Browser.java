package dev.agentlog.app.ui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The machine's headless Chromium driven through its chromedriver (Debian's {@code chromium} and
 * {@code chromium-driver}; {@code .ci/run} installs them). Nothing is downloaded: both paths are given, so Selenium
 * Manager is never asked for a browser or a driver.
 */
final class Browser implements AutoCloseable {
    static final Path DRIVER = Path.of(System.getProperty("agentlog.chromedriver", "/usr/bin/chromedriver"));
    static final Path CHROMIUM = Path.of(System.getProperty("agentlog.chromium", "/usr/bin/chromium"));
    /** Where the tests write the screenshots of docs/ui.md when set (-Dagentlog.ui.screenshots=../docs/ui). */
    static final String SCREENSHOTS = System.getProperty("agentlog.ui.screenshots");

    /** The session storage item the page keeps the key in (api.js). */
    static final String KEY_ITEM = "agentlog.key";

    final ChromeDriver driver;
    private final String baseUrl;

    static boolean available() {
        return Files.isExecutable(DRIVER) && Files.isExecutable(CHROMIUM);
    }

    Browser(String baseUrl) {
        this.baseUrl = baseUrl;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--disable-extensions", "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    }

    /** Opens the UI at a hash route. */
    void open(String hash) {
        driver.get(baseUrl + "/ui/" + hash);
    }

    /** Opens the page and gives it a key (kept in the tab's session storage, as a user's). */
    void signIn(String key) {
        open("#/agents");
        // A key of an earlier test stays in the tab otherwise. WebDriver's refresh returns once the new page has
        // loaded: a reload from a script would not, and the form of the page being left could take the key.
        script("sessionStorage.clear()");
        driver.navigate().refresh();
        WebElement input = await(d -> visible(By.cssSelector("[data-test=key-input]")));
        input.sendKeys(key);
        driver.findElement(By.cssSelector("[data-test=key-submit]")).click();
        await(d -> key.equals(script("return sessionStorage.getItem(arguments[0])", KEY_ITEM)) ? true : null);
        // and the list it opens on has answered (or said why not), so that what the test does next starts from a
        // settled page
        await(d -> "agents".equals(script("return document.body.dataset.ready")) || visible(By.cssSelector(
                "[data-test=message]")) != null);
    }

    /** Navigates within the page (a hash change), the way a link does. */
    void go(String hash) {
        driver.executeScript("location.hash = arguments[0]", hash);
    }

    <T> T await(Function<WebDriver, T> condition) {
        try {
            return new WebDriverWait(driver, Duration.ofSeconds(60)).until(condition::apply);
        } catch (TimeoutException e) {
            throw new AssertionError("the page did not get there within 60 s; it shows " + pageState(), e);
        }
    }

    /** What a failed wait saw: the URL, the page's flags, its message line and what its scripts logged. */
    String pageState() {
        try {
            Object state = script("const m = document.getElementById('message');"
                    + "return JSON.stringify({url: location.href, ready: document.body.dataset.ready || null,"
                    + " moving: document.body.dataset.moving || null, message: m && !m.hidden ? m.textContent : null,"
                    + " status: m ? m.dataset.status : null, requests: performance.getEntriesByType('resource')"
                    + ".filter(r => r.name.includes('/v1/')).slice(-10).map(r => r.name.replace(location.origin, '')"
                    + " + ' ' + (r.responseStatus || '?') + ' ' + Math.round(r.duration) + ' ms')})");
            return String.valueOf(state);
        } catch (RuntimeException e) {
            return "(the page could not be read: " + e.getMessage() + ")";
        }
    }

    WebElement visible(By by) {
        List<WebElement> found = driver.findElements(by);
        return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    }

    List<WebElement> all(String css) {
        return driver.findElements(By.cssSelector(css));
    }

    Object script(String code, Object... args) {
        return driver.executeScript(code, args);
    }

    /** Writes a screenshot for docs/ui.md when asked to (see {@link #SCREENSHOTS}). */
    void screenshot(String name) throws IOException {
        if (SCREENSHOTS == null) {
            return;
        }
        Path dir = Path.of(SCREENSHOTS);
        Files.createDirectories(dir);
        File shot = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), dir.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
